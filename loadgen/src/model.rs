//! Load models: when iterations start (open model) or how many run at once (closed model), and
//! when a run stops.
//!
//! - The **open model** issues starts on a schedule fixed before the run: a constant rate, a
//!   linear ramp, a list of steps, or Poisson arrivals from a seeded generator. The target's
//!   speed never moves the schedule, which is what keeps the measurement free of coordinated
//!   omission. [`Schedule`] yields the intended start offsets, deterministically.
//! - The **closed model** keeps `in_flight` iterations running: each worker starts the next one
//!   when the previous one ends. It measures what a fixed pool of clients sees.
//!
//! Every run is bounded by a [`StopCondition`]: a duration, an iteration count, or both.

mod parse;
mod rng;
mod schedule;

use std::fmt;
use std::time::Duration;

use crate::LoadgenError;

pub use parse::{DEFAULT_SEED, LoadArgs, LoadPlan, parse_duration, parse_model, parse_rate_per_s};
pub use rng::SplitMix64;
pub use schedule::Schedule;

/// The highest arrival rate a model may ask for. A million starts a second is beyond any
/// single load generator process; the limit catches typos such as `100000000/s`.
pub const MAX_RATE_PER_S: f64 = 1_000_000.0;
/// The longest run a stop condition may ask for (7 days), so every run ends.
pub const MAX_RUN_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);
/// The most iterations a stop condition may ask for.
pub const MAX_ITERATIONS: u64 = 1_000_000_000_000;
/// The most steps a `--steps` profile may have.
pub const MAX_STEPS: usize = 1_000;
/// The most concurrent iterations of the closed model.
pub const MAX_CONCURRENCY: usize = 100_000;

/// How load is offered to the target.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadModel {
    /// Starts follow a schedule fixed in advance, whatever the target does.
    Open(ArrivalModel),
    /// A fixed number of iterations is kept in flight; each ends before its worker starts the
    /// next.
    Closed {
        /// How many iterations run at once.
        in_flight: usize,
    },
}

/// When the open model intends to start iterations.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrivalModel {
    /// Evenly spaced starts: the k-th at `k / rate_per_s`.
    Constant {
        /// Starts per second.
        rate_per_s: f64,
    },
    /// The rate changes linearly from `from_per_s` to `to_per_s` over `over`, then stays at
    /// `to_per_s`.
    Ramp {
        /// Starts per second at the beginning of the run.
        from_per_s: f64,
        /// Starts per second at the end of the ramp and after it.
        to_per_s: f64,
        /// How long the ramp lasts.
        over: Duration,
    },
    /// Constant rates one after the other: `(how long, starts per second)`. The schedule ends
    /// after the last step. A rate of zero is a pause.
    Steps(Vec<(Duration, f64)>),
    /// Poisson arrivals (exponential gaps) with a mean of `rate_per_s`, from a seeded generator
    /// so the same seed gives the same schedule on every machine.
    Poisson {
        /// Mean starts per second.
        rate_per_s: f64,
        /// Seed of the generator.
        seed: u64,
    },
}

/// When a run stops issuing work. At least one bound is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StopCondition {
    /// Stop issuing once this much time has passed since the run started.
    pub duration: Option<Duration>,
    /// Stop issuing after this many iterations.
    pub iterations: Option<u64>,
}

impl StopCondition {
    /// A run bounded by time.
    #[must_use]
    pub fn duration(duration: Duration) -> Self {
        StopCondition {
            duration: Some(duration),
            iterations: None,
        }
    }

    /// A run bounded by its number of iterations.
    #[must_use]
    pub fn iterations(iterations: u64) -> Self {
        StopCondition {
            duration: None,
            iterations: Some(iterations),
        }
    }

    /// Checks that at least one bound is set and both are in range.
    pub fn validate(&self) -> Result<(), LoadgenError> {
        if self.duration.is_none() && self.iterations.is_none() {
            return Err(LoadgenError::MissingStop);
        }
        if let Some(duration) = self.duration {
            if duration.is_zero() {
                return Err(LoadgenError::config(
                    "duration",
                    "must be greater than zero",
                ));
            }
            if duration > MAX_RUN_DURATION {
                return Err(LoadgenError::config(
                    "duration",
                    format!(
                        "{} s is longer than the limit of {} s",
                        duration.as_secs_f64(),
                        MAX_RUN_DURATION.as_secs()
                    ),
                ));
            }
        }
        if let Some(iterations) = self.iterations {
            if iterations == 0 {
                return Err(LoadgenError::config("iterations", "must be at least 1"));
            }
            if iterations > MAX_ITERATIONS {
                return Err(LoadgenError::config(
                    "iterations",
                    format!("{iterations} is more than the limit of {MAX_ITERATIONS}"),
                ));
            }
        }
        Ok(())
    }
}

impl LoadModel {
    /// Checks every rate, duration and count against its limits.
    pub fn validate(&self) -> Result<(), LoadgenError> {
        match self {
            LoadModel::Open(arrival) => arrival.validate(),
            LoadModel::Closed { in_flight } => {
                if *in_flight == 0 || *in_flight > MAX_CONCURRENCY {
                    return Err(LoadgenError::config(
                        "concurrency",
                        format!("{in_flight} is not between 1 and {MAX_CONCURRENCY}"),
                    ));
                }
                Ok(())
            }
        }
    }

    /// `true` for the open model.
    #[must_use]
    pub fn is_open(&self) -> bool {
        matches!(self, LoadModel::Open(_))
    }
}

impl ArrivalModel {
    /// Checks every rate and duration against its limits.
    pub fn validate(&self) -> Result<(), LoadgenError> {
        match self {
            ArrivalModel::Constant { rate_per_s } | ArrivalModel::Poisson { rate_per_s, .. } => {
                check_rate("arrival rate", *rate_per_s, false)
            }
            ArrivalModel::Ramp {
                from_per_s,
                to_per_s,
                over,
            } => {
                check_rate("ramp start rate", *from_per_s, true)?;
                check_rate("ramp end rate", *to_per_s, true)?;
                if *from_per_s == 0.0 && *to_per_s == 0.0 {
                    return Err(LoadgenError::config(
                        "ramp",
                        "both rates are zero: nothing would ever start",
                    ));
                }
                if over.is_zero() || *over > MAX_RUN_DURATION {
                    return Err(LoadgenError::config(
                        "ramp length",
                        format!(
                            "must be between 0 and {} s, got {} s",
                            MAX_RUN_DURATION.as_secs(),
                            over.as_secs_f64()
                        ),
                    ));
                }
                Ok(())
            }
            ArrivalModel::Steps(steps) => {
                if steps.is_empty() || steps.len() > MAX_STEPS {
                    return Err(LoadgenError::config(
                        "steps",
                        format!("need 1 to {MAX_STEPS} steps, got {}", steps.len()),
                    ));
                }
                let mut total = Duration::ZERO;
                for (index, (length, rate_per_s)) in steps.iter().enumerate() {
                    check_rate(&format!("rate of step {}", index + 1), *rate_per_s, true)?;
                    if length.is_zero() {
                        return Err(LoadgenError::config(
                            format!("length of step {}", index + 1),
                            "must be greater than zero",
                        ));
                    }
                    total = total.saturating_add(*length);
                }
                if total > MAX_RUN_DURATION {
                    return Err(LoadgenError::config(
                        "steps",
                        format!(
                            "together last {} s, longer than the limit of {} s",
                            total.as_secs_f64(),
                            MAX_RUN_DURATION.as_secs()
                        ),
                    ));
                }
                if steps.iter().all(|(_, rate)| *rate == 0.0) {
                    return Err(LoadgenError::config(
                        "steps",
                        "every rate is zero: nothing would ever start",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The rate the schedule aims at during `[0, window)`, in starts per second: the mean of
    /// the rate curve (for Poisson, its mean rate).
    #[must_use]
    pub fn mean_rate_per_s(&self, window: Duration) -> f64 {
        let window_s = window.as_secs_f64();
        if window_s <= 0.0 {
            return 0.0;
        }
        match self {
            ArrivalModel::Constant { rate_per_s } | ArrivalModel::Poisson { rate_per_s, .. } => {
                *rate_per_s
            }
            ArrivalModel::Ramp {
                from_per_s,
                to_per_s,
                over,
            } => {
                let over_s = over.as_secs_f64();
                let ramp_s = window_s.min(over_s);
                let rate_at_ramp_end = from_per_s + (to_per_s - from_per_s) * ramp_s / over_s;
                let during = (from_per_s + rate_at_ramp_end) / 2.0 * ramp_s;
                let after = (window_s - ramp_s).max(0.0) * to_per_s;
                (during + after) / window_s
            }
            ArrivalModel::Steps(steps) => {
                let mut start_s = 0.0;
                let mut count = 0.0;
                for (length, rate_per_s) in steps {
                    let length_s = length.as_secs_f64();
                    let used_s = (window_s - start_s).clamp(0.0, length_s);
                    count += used_s * rate_per_s;
                    start_s += length_s;
                }
                count / window_s
            }
        }
    }
}

fn check_rate(what: &str, rate_per_s: f64, zero_allowed: bool) -> Result<(), LoadgenError> {
    let low_ok = if zero_allowed {
        rate_per_s >= 0.0
    } else {
        rate_per_s > 0.0
    };
    if !rate_per_s.is_finite() || !low_ok || rate_per_s > MAX_RATE_PER_S {
        let low = if zero_allowed { "0" } else { "above 0" };
        return Err(LoadgenError::config(
            what,
            format!("{rate_per_s}/s is not {low} and at most {MAX_RATE_PER_S}/s"),
        ));
    }
    Ok(())
}

/// The command-line form, such as `--rate 100/s` or `--concurrency 20`.
impl fmt::Display for LoadModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadModel::Closed { in_flight } => write!(f, "--concurrency {in_flight}"),
            LoadModel::Open(ArrivalModel::Constant { rate_per_s }) => {
                write!(f, "--rate {rate_per_s}/s")
            }
            LoadModel::Open(ArrivalModel::Poisson { rate_per_s, seed }) => {
                write!(f, "--poisson {rate_per_s}/s --seed {seed}")
            }
            LoadModel::Open(ArrivalModel::Ramp {
                from_per_s,
                to_per_s,
                over,
            }) => write!(
                f,
                "--ramp {from_per_s}/s..{to_per_s}/s:{}",
                format_duration(*over)
            ),
            LoadModel::Open(ArrivalModel::Steps(steps)) => {
                write!(f, "--steps \"")?;
                for (index, (length, rate_per_s)) in steps.iter().enumerate() {
                    if index > 0 {
                        write!(f, ",")?;
                    }
                    write!(f, "{}@{rate_per_s}/s", format_duration(*length))?;
                }
                write!(f, "\"")
            }
        }
    }
}

/// A duration as the flags accept it: `250ms`, `30s`, `1.5s`.
#[must_use]
pub fn format_duration(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{}s", duration.as_secs())
    } else if duration.as_nanos().is_multiple_of(1_000_000) && duration.as_millis() < 1_000 {
        format!("{}ms", duration.as_millis())
    } else {
        format!("{}s", duration.as_secs_f64())
    }
}
