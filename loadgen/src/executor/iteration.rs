//! One iteration: start, wait, record. Shared by both models.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::task::{JoinError, JoinSet};
use tokio::time::{Instant, sleep_until, timeout_at};

use super::target::{STATUS_PANIC, STATUS_TIMEOUT, Target};
use crate::measure::{Phase, Recorder};

/// What every task of a run shares.
pub(super) struct Shared<T> {
    pub(super) target: std::sync::Arc<T>,
    pub(super) recorder: Mutex<Recorder>,
    /// The run's start; offsets are measured from here.
    pub(super) origin: Instant,
    pub(super) iteration_timeout: Duration,
}

impl<T> Shared<T> {
    /// Runs `update` on the recorder. The lock is held for bookkeeping only, never across an
    /// await. A panic while holding it cannot leave the counts half-updated in a way that
    /// matters more than losing the run, so a poisoned lock is used as is.
    pub(super) fn record(&self, update: impl FnOnce(&mut Recorder)) {
        let mut recorder = self.recorder.lock().unwrap_or_else(PoisonError::into_inner);
        update(&mut recorder);
    }

    /// Time since the run's start.
    pub(super) fn offset(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.origin)
    }

    /// Records a task that panicked (its intended time is unknown).
    pub(super) fn record_join_error(&self, error: &JoinError) {
        if error.is_panic() {
            let now = self.offset(Instant::now());
            self.record(|recorder| recorder.failed(None, now, Phase::Unknown, STATUS_PANIC));
        }
    }
}

/// Starts iteration `iteration`, intended at `intended`, waits for it and records the outcome.
pub(super) async fn run_iteration<T: Target>(
    shared: &Shared<T>,
    iteration: u64,
    intended: Instant,
) {
    let actual = Instant::now();
    let intended_offset = shared.offset(intended);
    let deadline = actual + shared.iteration_timeout;
    let fail = |phase: Phase, status: &str| {
        let now = shared.offset(Instant::now());
        shared.record(|recorder| recorder.failed(Some(intended_offset), now, phase, status));
    };
    let started = match timeout_at(deadline, shared.target.start(iteration)).await {
        Ok(Ok(started)) => started,
        Ok(Err(error)) => return fail(Phase::Start, &error.status),
        Err(_) => return fail(Phase::Start, STATUS_TIMEOUT),
    };
    let start_returned = Instant::now();
    match timeout_at(deadline, shared.target.wait(started)).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => return fail(Phase::Wait, &error.status),
        Err(_) => return fail(Phase::Wait, STATUS_TIMEOUT),
    }
    let done = Instant::now();
    let done_offset = shared.offset(done);
    shared.record(|recorder| {
        recorder.completed(
            intended_offset,
            done_offset,
            start_returned - actual,
            done.saturating_duration_since(intended),
            done - actual,
        );
    });
}

/// Waits up to `drain_timeout` for the tasks in `tasks`, then aborts the rest. Returns how
/// many were aborted before they finished. `on_panic` runs for each task that panicked.
pub(super) async fn drain<T>(
    shared: &Shared<T>,
    tasks: &mut JoinSet<()>,
    drain_timeout: Duration,
    on_panic: impl Fn(),
) -> u64 {
    let deadline = Instant::now() + drain_timeout;
    // Each pass joins one task; the set only shrinks, so the loop ends.
    loop {
        tokio::select! {
            biased;
            next = tasks.join_next() => match next {
                Some(Ok(())) => {}
                Some(Err(error)) => {
                    shared.record_join_error(&error);
                    on_panic();
                }
                None => return 0,
            },
            () = sleep_until(deadline) => break,
        }
    }
    tasks.abort_all();
    let mut aborted = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(()) => {}
            Err(error) if error.is_cancelled() => aborted += 1,
            Err(error) => {
                shared.record_join_error(&error);
                on_panic();
            }
        }
    }
    aborted
}
