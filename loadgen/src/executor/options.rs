//! Settings of one run besides its load model and stop condition.

use std::time::Duration;

use super::interrupt::InterruptSignal;
use crate::LoadgenError;

/// Default cap on iterations in flight in the open model.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 10_000;
/// The highest `max_in_flight` accepted.
pub const MAX_IN_FLIGHT_LIMIT: usize = 1_000_000;
/// Default lateness above which a start counts as late. Tokio's timer has 1 ms resolution, so
/// a wake-up up to about 1 ms after the deadline is normal; 2 ms leaves room for scheduling.
pub const DEFAULT_LATE_THRESHOLD: Duration = Duration::from_millis(2);
/// Default time in-flight iterations get to finish after issuing stopped.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
/// Default longest iteration (start and wait together).
pub const DEFAULT_ITERATION_TIMEOUT: Duration = Duration::from_secs(300);
/// The longest drain period or iteration timeout accepted (one day).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// Settings of one run. Start from `RunOptions::default()` and change what you need.
#[derive(Debug, Clone)]
#[must_use]
pub struct RunOptions {
    /// Open model: the most iterations in flight. A start that comes due when this many are
    /// running is not issued and counts as dropped (never queued), so memory stays bounded.
    pub max_in_flight: usize,
    /// Open model: a start issued more than this after its intended time counts as late. It
    /// is issued anyway, and later starts keep their intended times.
    pub late_threshold: Duration,
    /// After issuing stops, how long in-flight iterations may still finish. Those still
    /// running then are abandoned and counted as unfinished.
    pub drain_timeout: Duration,
    /// The longest one iteration may take; then it fails with status `LOADGEN_TIMEOUT`.
    pub iteration_timeout: Duration,
    /// Closed model: the expected interval between one worker's starts, used to correct for
    /// coordinated omission. `None`: the median uncorrected latency.
    pub closed_expected_interval: Option<Duration>,
    /// Stops the run early (Ctrl-C).
    pub interrupt: Option<InterruptSignal>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            late_threshold: DEFAULT_LATE_THRESHOLD,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            iteration_timeout: DEFAULT_ITERATION_TIMEOUT,
            closed_expected_interval: None,
            interrupt: None,
        }
    }
}

impl RunOptions {
    /// Sets [`RunOptions::max_in_flight`].
    pub fn with_max_in_flight(mut self, max_in_flight: usize) -> Self {
        self.max_in_flight = max_in_flight;
        self
    }

    /// Sets [`RunOptions::late_threshold`].
    pub fn with_late_threshold(mut self, late_threshold: Duration) -> Self {
        self.late_threshold = late_threshold;
        self
    }

    /// Sets [`RunOptions::drain_timeout`].
    pub fn with_drain_timeout(mut self, drain_timeout: Duration) -> Self {
        self.drain_timeout = drain_timeout;
        self
    }

    /// Sets [`RunOptions::iteration_timeout`].
    pub fn with_iteration_timeout(mut self, iteration_timeout: Duration) -> Self {
        self.iteration_timeout = iteration_timeout;
        self
    }

    /// Sets [`RunOptions::closed_expected_interval`].
    pub fn with_closed_expected_interval(mut self, interval: Duration) -> Self {
        self.closed_expected_interval = Some(interval);
        self
    }

    /// Sets [`RunOptions::interrupt`].
    pub fn with_interrupt(mut self, signal: InterruptSignal) -> Self {
        self.interrupt = Some(signal);
        self
    }

    /// Checks every setting against its limits.
    pub fn validate(&self) -> Result<(), LoadgenError> {
        if self.max_in_flight == 0 || self.max_in_flight > MAX_IN_FLIGHT_LIMIT {
            return Err(LoadgenError::config(
                "max_in_flight",
                format!(
                    "{} is not between 1 and {MAX_IN_FLIGHT_LIMIT}",
                    self.max_in_flight
                ),
            ));
        }
        for (what, value) in [
            ("drain_timeout", self.drain_timeout),
            ("iteration_timeout", self.iteration_timeout),
            ("late_threshold", self.late_threshold),
        ] {
            if value > MAX_TIMEOUT {
                return Err(LoadgenError::config(
                    what,
                    format!(
                        "{} s is more than the limit of {} s",
                        value.as_secs_f64(),
                        MAX_TIMEOUT.as_secs()
                    ),
                ));
            }
        }
        if self.iteration_timeout.is_zero() {
            return Err(LoadgenError::config(
                "iteration_timeout",
                "must be greater than zero",
            ));
        }
        if self
            .closed_expected_interval
            .is_some_and(|interval| interval.is_zero() || interval > MAX_TIMEOUT)
        {
            return Err(LoadgenError::config(
                "closed_expected_interval",
                format!("must be between 0 and {} s", MAX_TIMEOUT.as_secs()),
            ));
        }
        Ok(())
    }
}
