//! Which request a user makes next, and when: one sequence shared by every goose user.
//!
//! - Closed loop (no rate): a user takes the next number as soon as its previous request has
//!   finished; the intended time is the moment it asks.
//! - Paced (`--rate`): request `n` is intended at `n / rate` seconds after the start, on a
//!   fixed schedule that never waits for the server. A user sleeps until its request's time;
//!   when every user is busy the schedule goes on, so the next free user takes an overdue
//!   request at once and its latency counts from the intended time (as wrk2 does).
//!
//! Either way the sequence ends at the iteration limit or when the duration has passed. The
//! run starts when the first user asks, so goose's own start-up is not counted as lag.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// What a user does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ticket {
    /// Make request `n`, intended at `intended` after the start.
    Go {
        /// The request's sequence number.
        n: u64,
        /// Its intended time, from the start.
        intended: Duration,
    },
    /// Nothing left to do.
    Done,
}

/// When the run started.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    /// On the monotonic clock.
    pub(crate) instant: Instant,
    /// On the wall clock, milliseconds since the Unix epoch.
    pub(crate) unix_ms: u64,
}

/// The shared sequence.
#[derive(Debug)]
pub(crate) struct Pacer {
    origin: OnceLock<Origin>,
    rate_per_s: Option<f64>,
    iterations: Option<u64>,
    duration: Option<Duration>,
    next: AtomicU64,
    duration_reached: AtomicBool,
}

impl Pacer {
    pub(crate) fn new(
        rate_per_s: Option<f64>,
        iterations: Option<u64>,
        duration: Option<Duration>,
    ) -> Self {
        Pacer {
            origin: OnceLock::new(),
            rate_per_s,
            iterations,
            duration,
            next: AtomicU64::new(0),
            duration_reached: AtomicBool::new(false),
        }
    }

    /// The run's start: the first call (normally the first user's first request) fixes it.
    pub(crate) fn origin(&self, now: Instant) -> Origin {
        *self.origin.get_or_init(|| Origin {
            instant: now,
            unix_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
                .unwrap_or_default(),
        })
    }

    /// The duration, when the sequence ended because it had passed: the issue window.
    pub(crate) fn issue_window_floor(&self) -> Option<Duration> {
        self.duration
            .filter(|_| self.duration_reached.load(Ordering::Relaxed))
    }

    /// The next request for a user asking at `now`.
    pub(crate) fn take(&self, now: Instant) -> Ticket {
        let since_start = now.saturating_duration_since(self.origin(now).instant);
        if self.duration.is_some_and(|limit| since_start >= limit) {
            self.duration_reached.store(true, Ordering::Relaxed);
            return Ticket::Done;
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        if self.iterations.is_some_and(|limit| n >= limit) {
            return Ticket::Done;
        }
        let intended = match self.rate_per_s {
            Some(rate) => Duration::from_secs_f64(n as f64 / rate),
            None => since_start,
        };
        if self.duration.is_some_and(|limit| intended >= limit) {
            self.duration_reached.store(true, Ordering::Relaxed);
            return Ticket::Done;
        }
        Ticket::Go { n, intended }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_fixed_and_bounded() {
        let start = Instant::now();
        let pacer = Pacer::new(Some(10.0), None, Some(Duration::from_millis(250)));
        assert_eq!(pacer.origin(start).instant, start);
        let late = start + Duration::from_millis(200);
        assert_eq!(
            pacer.take(late),
            Ticket::Go {
                n: 0,
                intended: Duration::ZERO
            }
        );
        assert_eq!(
            pacer.take(late),
            Ticket::Go {
                n: 1,
                intended: Duration::from_millis(100)
            }
        );
        assert!(matches!(pacer.take(late), Ticket::Go { n: 2, .. }));
        // Request 3 would be intended at 300 ms, past the 250 ms duration.
        assert_eq!(pacer.take(late), Ticket::Done);
        assert_eq!(pacer.take(start + Duration::from_secs(1)), Ticket::Done);
        assert_eq!(pacer.issue_window_floor(), Some(Duration::from_millis(250)));
    }

    #[test]
    fn closed_loop_stops_at_the_iteration_limit() {
        let start = Instant::now();
        let pacer = Pacer::new(None, Some(2), None);
        assert_eq!(pacer.origin(start).instant, start);
        let at = start + Duration::from_millis(5);
        assert_eq!(
            pacer.take(at),
            Ticket::Go {
                n: 0,
                intended: Duration::from_millis(5)
            }
        );
        assert!(matches!(pacer.take(at), Ticket::Go { n: 1, .. }));
        assert_eq!(pacer.take(at), Ticket::Done);
        assert_eq!(pacer.issue_window_floor(), None);
    }
}
