//! A simulated target: answers after fixed latencies, can stall and fail on purpose. Used by
//! the tests (the coordinated-omission acceptance test among them) and by demos and
//! self-checks that need a target with known behaviour.

use std::time::Duration;

use tokio::time::{Instant, sleep_until};

use crate::executor::{Target, TargetError};

/// The most stall windows one simulated target holds.
pub const MAX_STALLS: usize = 64;

/// A target whose start call answers after `start_latency` and whose iterations complete
/// `completion_latency` after that. During a stall window `[from, until)` (measured from the
/// target's origin) every response that would be delivered inside the window is delivered at
/// its end, as when a server pauses: requests arriving during a stall complete when it ends.
#[derive(Debug, Clone)]
pub struct SimulatedTarget {
    origin: Instant,
    start_latency: Duration,
    completion_latency: Duration,
    stalls: Vec<(Duration, Duration)>,
    failure: Option<(u64, String)>,
}

impl SimulatedTarget {
    /// A target with the given latencies and its origin now (create it just before the run).
    #[must_use]
    pub fn new(start_latency: Duration, completion_latency: Duration) -> Self {
        SimulatedTarget {
            origin: Instant::now(),
            start_latency,
            completion_latency,
            stalls: Vec::new(),
            failure: None,
        }
    }

    /// Sets the instant stall windows are measured from.
    #[must_use]
    pub fn with_origin(mut self, origin: Instant) -> Self {
        self.origin = origin;
        self
    }

    /// Adds a stall window `[from, until)` after the origin. Beyond [`MAX_STALLS`] windows,
    /// further ones are ignored.
    #[must_use]
    pub fn with_stall(mut self, from: Duration, until: Duration) -> Self {
        if self.stalls.len() < MAX_STALLS && from < until {
            self.stalls.push((from, until));
        }
        self
    }

    /// Makes every `every`-th start (iterations `every − 1`, `2·every − 1`, …) fail with
    /// `status`. `every` of 0 disables failures.
    #[must_use]
    pub fn with_failures(mut self, every: u64, status: impl Into<String>) -> Self {
        self.failure = (every > 0).then(|| (every, status.into()));
        self
    }

    /// When a response sent now after `latency` arrives, stalls included.
    fn response_at(&self, latency: Duration) -> Instant {
        let mut at = Instant::now() + latency;
        for (from, until) in &self.stalls {
            if at >= self.origin + *from && at < self.origin + *until {
                at = self.origin + *until;
            }
        }
        at
    }

    /// Waits until a response sent now after `latency` arrives. A zero latency outside a stall
    /// answers at once: tokio's timer would round it up to the next millisecond.
    async fn respond(&self, latency: Duration) {
        let at = self.response_at(latency);
        if at > Instant::now() {
            sleep_until(at).await;
        }
    }
}

impl Target for SimulatedTarget {
    type Started = u64;

    async fn start(&self, iteration: u64) -> Result<u64, TargetError> {
        self.respond(self.start_latency).await;
        if let Some((every, status)) = &self.failure
            && iteration % every == every - 1
        {
            return Err(TargetError::new(
                status.clone(),
                format!("simulated failure of iteration {iteration}"),
            ));
        }
        Ok(iteration)
    }

    async fn wait(&self, _started: u64) -> Result<(), TargetError> {
        self.respond(self.completion_latency).await;
        Ok(())
    }
}
