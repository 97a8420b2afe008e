//! The timer driver: fires due deadlines, and with time skipping on, jumps the clock to the next
//! deadline whenever no work is outstanding.

use std::sync::Arc;
use std::time::Duration;

use crate::shared::Shared;

/// How long the driver waits after a panic while firing timers before it tries again.
const PANIC_RETRY: Duration = Duration::from_secs(1);

/// Runs until the engine shuts down.
pub(crate) async fn drive(shared: Arc<Shared>, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let mut ignore_hung_work = false;
    loop {
        // A panic while firing is undone by the lock's guard; the driver lives on and tries
        // again when woken, or after a second, rather than spinning on the same panic.
        let fired = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            shared.lock().fire_due(ignore_hung_work)
        }));
        let (wait, blocked) = fired.unwrap_or_else(|_| {
            tracing::error!(target: "wfkit_engine::rpc", "firing timers panicked; undone, retrying");
            (PANIC_RETRY, false)
        });
        // In virtual time a task a worker never answers would stop the clock for good: after a
        // quiet grace period its timeout is allowed to come, as real time would bring it.
        let grace = blocked && shared.config.time_mode.is_virtual();
        let wait = if grace {
            wait.min(HUNG_WORK_GRACE)
        } else {
            wait
        };
        ignore_hung_work = false;
        tokio::select! {
            _ = shared.timer_wake.notified() => {}
            _ = tokio::time::sleep(wait) => ignore_hung_work = grace,
            _ = shutdown.changed() => return,
        }
    }
}

/// How long virtual time waits for outstanding work that makes no progress before it skips
/// ahead anyway (a worker that never answers a task; its timeout must still fire).
const HUNG_WORK_GRACE: Duration = Duration::from_secs(1);
