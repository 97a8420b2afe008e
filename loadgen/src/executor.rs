//! Running load against a [`Target`] on tokio.
//!
//! - **Open model**: one scheduler task walks the [`Schedule`](crate::model::Schedule),
//!   sleeping until each intended start and spawning the iteration. A start it issues late is
//!   issued at once and counted (`late`, `schedule_lag_us`); later starts keep their intended
//!   times. When `max_in_flight` iterations are running, a start that comes due is *dropped*
//!   and counted, never queued: a start that cannot be issued on schedule is counted, never
//!   silently delayed.
//! - **Closed model**: `in_flight` workers loop start → wait.
//!
//! Every run stops by itself: issuing ends at the stop condition (or an interrupt), in-flight
//! iterations then get `drain_timeout` to finish, and each iteration is bounded by
//! `iteration_timeout`. See [`crate::measure`] for what is recorded.
//!
//! Time is read from `tokio::time::Instant`, so tests run whole schedules in paused time,
//! deterministically and in milliseconds.

mod closed_loop;
mod interrupt;
mod iteration;
mod open_loop;
mod options;
mod target;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

pub use interrupt::{InterruptSignal, Interrupter, interrupt_pair};
pub use options::{
    DEFAULT_DRAIN_TIMEOUT, DEFAULT_ITERATION_TIMEOUT, DEFAULT_LATE_THRESHOLD,
    DEFAULT_MAX_IN_FLIGHT, MAX_IN_FLIGHT_LIMIT, MAX_TIMEOUT, RunOptions,
};
pub use target::{STATUS_PANIC, STATUS_TIMEOUT, Target, TargetError};

use crate::LoadgenError;
use crate::measure::{Recorder, RunConfig, RunEnd, RunResult};
use crate::model::{LoadModel, StopCondition};
use iteration::Shared;

/// How the issuing loop ended.
struct LoopEnd {
    issue_window: Duration,
    interrupted: bool,
    unfinished: u64,
}

/// Runs `model` against `target` until `stop` (or the interrupt in `options`), drains, and
/// returns what was measured. Errors only for an invalid model, stop condition or options, or
/// a histogram that cannot be encoded.
pub async fn run_load<T: Target>(
    target: Arc<T>,
    model: LoadModel,
    stop: StopCondition,
    mut options: RunOptions,
) -> Result<RunResult, LoadgenError> {
    model.validate()?;
    stop.validate()?;
    options.validate()?;
    let config = RunConfig {
        model: model.clone(),
        stop,
        max_in_flight: options.max_in_flight,
        late_threshold: options.late_threshold,
        drain_timeout: options.drain_timeout,
        iteration_timeout: options.iteration_timeout,
    };
    let started_at_unix_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    let shared = Arc::new(Shared {
        target,
        recorder: Mutex::new(Recorder::new(config.clone())),
        origin: Instant::now(),
        iteration_timeout: options.iteration_timeout,
    });
    let end = match &model {
        LoadModel::Open(arrival) => open_loop::run(&shared, arrival, &stop, &mut options).await?,
        LoadModel::Closed { in_flight } => {
            closed_loop::run(&shared, *in_flight, &stop, &mut options).await
        }
    };
    let elapsed = shared.offset(Instant::now());
    let target_rate_per_s = match &model {
        LoadModel::Open(arrival) => Some(arrival.mean_rate_per_s(end.issue_window)),
        LoadModel::Closed { .. } => None,
    };
    let mut recorder = {
        let mut guard = shared
            .recorder
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut *guard, Recorder::new(config))
    };
    recorder.unfinished(end.unfinished);
    let mut result = recorder.finish(RunEnd {
        started_at_unix_ms,
        issue_window: end.issue_window,
        elapsed,
        interrupted: end.interrupted,
        target_rate_per_s,
        closed_expected_interval: options.closed_expected_interval,
    })?;
    shared.target.add_latencies(&mut result.histograms)?;
    Ok(result)
}
