//! Stalls: for a while the engine answers no RPC, as a server does during a long GC pause, a
//! failover or a saturated database. Load tests use it to show coordinated omission: requests
//! that arrive during a stall wait until it ends, so their latency includes the stall.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The end of the current stall, if any. Real (wall-clock) time: a stall is felt by clients in
/// real time whatever the engine's clock does.
#[derive(Debug, Default)]
pub(crate) struct Stall {
    until: Mutex<Option<Instant>>,
}

impl Stall {
    /// Stalls every RPC that arrives in the next `duration` until `duration` has passed. A
    /// stall that already runs longer is kept.
    pub(crate) fn stall_for(&self, duration: Duration) {
        let end = Instant::now() + duration;
        let mut until = self.until.lock().unwrap_or_else(|p| p.into_inner());
        if until.is_none_or(|current| current < end) {
            *until = Some(end);
        }
    }

    /// Waits until no stall is in force.
    pub(crate) async fn wait(&self) {
        let end = *self.until.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(end) = end {
            let now = Instant::now();
            if end > now {
                tokio::time::sleep(end - now).await;
            }
        }
    }
}
