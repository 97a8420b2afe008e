//! Stopping a run from outside (Ctrl-C): issuing ends, in-flight iterations get the drain
//! period, and the result is marked interrupted.

use std::sync::Arc;

use tokio::sync::watch;

/// A connected pair: the [`Interrupter`] stops the runs that hold the [`InterruptSignal`].
#[must_use]
pub fn interrupt_pair() -> (Interrupter, InterruptSignal) {
    let (sender, receiver) = watch::channel(false);
    (Interrupter(Arc::new(sender)), InterruptSignal(receiver))
}

/// Stops runs. Cheap to clone; for instance moved into a Ctrl-C handler task.
#[derive(Debug, Clone)]
pub struct Interrupter(Arc<watch::Sender<bool>>);

impl Interrupter {
    /// Asks every run holding the matching signal to stop issuing. Idempotent.
    pub fn interrupt(&self) {
        self.0.send_replace(true);
    }
}

/// What a run watches; give it to `RunOptions::with_interrupt`.
#[derive(Debug, Clone)]
pub struct InterruptSignal(watch::Receiver<bool>);

impl InterruptSignal {
    /// `true` once interrupted.
    #[must_use]
    pub fn is_interrupted(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once interrupted. If every [`Interrupter`] is dropped without interrupting,
    /// it never resolves.
    pub async fn interrupted(&mut self) {
        // Each pass waits for one change of the value; `changed` fails only when the sender is
        // gone, after which nothing can interrupt.
        loop {
            if *self.0.borrow_and_update() {
                return;
            }
            if self.0.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// Resolves when `signal` is interrupted; never when there is none.
pub(crate) async fn interrupted(signal: &mut Option<InterruptSignal>) {
    match signal {
        Some(signal) => signal.interrupted().await,
        None => std::future::pending().await,
    }
}
