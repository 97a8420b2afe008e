//! What a run measured: counts, errors by status, histograms and time series.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::cpu::CpuTime;
use super::histogram::{Percentiles, add_into, latency_histogram};
use super::series::{CompletionSeries, IntendedSeries};
use crate::LoadgenError;
use crate::model::{LoadModel, StopCondition};

/// The most distinct `(phase, status)` error labels a result keeps; later ones are counted
/// under [`OTHER_STATUS`].
pub const MAX_ERROR_LABELS: usize = 100;
/// The most characters of a status label that are kept.
pub const MAX_STATUS_CHARS: usize = 100;
/// The label errors are counted under once [`MAX_ERROR_LABELS`] distinct labels were seen.
pub const OTHER_STATUS: &str = "OTHER";

/// How a run was set up, kept with its result for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    /// The load model.
    pub model: LoadModel,
    /// The stop condition.
    pub stop: StopCondition,
    /// The cap on iterations in flight (open model).
    pub max_in_flight: usize,
    /// How late a start may be issued before it counts as late.
    pub late_threshold: Duration,
    /// How long in-flight iterations were given to finish after issuing stopped.
    pub drain_timeout: Duration,
    /// The longest one iteration (start and wait) may take before it fails.
    pub iteration_timeout: Duration,
}

/// Which call of an iteration failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Starting the workflow (StartWorkflowExecution).
    Start,
    /// Waiting for the workflow's result.
    Wait,
    /// The target panicked; where is unknown.
    Unknown,
}

impl Phase {
    /// The name used in reports: `start`, `wait` or `unknown`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Start => "start",
            Phase::Wait => "wait",
            Phase::Unknown => "unknown",
        }
    }
}

/// How many iterations failed with one status in one phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCount {
    /// Which call failed.
    pub phase: Phase,
    /// The status label, such as the gRPC code name `UNAVAILABLE`.
    pub status: String,
    /// How many times.
    pub count: u64,
}

/// Counts over the whole run. `scheduled = issued + dropped` and
/// `issued = completed + failed + unfinished`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCounts {
    /// Starts that came due: issued or dropped.
    pub scheduled: u64,
    /// Starts issued.
    pub issued: u64,
    /// Starts issued later than the late threshold after their intended time (open model).
    pub late: u64,
    /// Starts not issued because `max_in_flight` iterations were running (open model). Never
    /// queued, never silently delayed.
    pub dropped: u64,
    /// Iterations that completed.
    pub completed: u64,
    /// Iterations whose start or wait failed or timed out.
    pub failed: u64,
    /// Iterations still in flight when the drain period ended; abandoned.
    pub unfinished: u64,
}

/// The run's histograms, all in microseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyHistograms {
    /// Latency of the start call (StartWorkflowExecution), from when it was actually issued.
    pub start_latency_us: Histogram<u64>,
    /// End-to-end latency corrected for coordinated omission (see the `measure` docs).
    pub end_to_end_corrected_us: Histogram<u64>,
    /// End-to-end latency from the actual start.
    pub end_to_end_uncorrected_us: Histogram<u64>,
    /// How late each start was issued after its intended time (open model).
    pub schedule_lag_us: Histogram<u64>,
    /// Round trip of each workflow update of the completed iterations (Temporal target:
    /// UpdateWorkflowExecution until the update completed). Empty when no update was sent.
    pub update_latency_us: Histogram<u64>,
}

impl Default for LatencyHistograms {
    fn default() -> Self {
        LatencyHistograms {
            start_latency_us: latency_histogram(),
            end_to_end_corrected_us: latency_histogram(),
            end_to_end_uncorrected_us: latency_histogram(),
            schedule_lag_us: latency_histogram(),
            update_latency_us: latency_histogram(),
        }
    }
}

impl LatencyHistograms {
    /// The histograms with their stable names, in report order.
    #[must_use]
    pub fn named(&self) -> [(&'static str, &Histogram<u64>); 5] {
        [
            ("start_latency_us", &self.start_latency_us),
            ("end_to_end_corrected_us", &self.end_to_end_corrected_us),
            ("end_to_end_uncorrected_us", &self.end_to_end_uncorrected_us),
            ("schedule_lag_us", &self.schedule_lag_us),
            ("update_latency_us", &self.update_latency_us),
        ]
    }

    /// Adds update round trips (microseconds, the standard shape) to `update_latency_us`.
    pub fn add_update_latency(&mut self, round_trips: &Histogram<u64>) -> Result<(), LoadgenError> {
        add_into(
            &mut self.update_latency_us,
            round_trips,
            "update_latency_us",
        )
    }
}

/// Everything one run (or several merged runs) measured.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// How the run was set up (for merged results: the first run's).
    pub config: RunConfig,
    /// How many load generator processes this result covers: 1, or the number merged.
    pub processes: u32,
    /// Wall-clock start, milliseconds since the Unix epoch.
    pub started_at_unix_ms: u64,
    /// From the run's start until issuing stopped: the schedule's end, the stop condition, or
    /// the interrupt.
    pub issue_window: Duration,
    /// From the run's start until the last iteration finished or the drain period ended.
    pub elapsed: Duration,
    /// `true` when the run was interrupted (Ctrl-C) before its stop condition.
    pub interrupted: bool,
    /// The rate the schedule aimed at over the issue window, in starts per second (open
    /// model; for merged results, the sum).
    pub target_rate_per_s: Option<f64>,
    /// Closed model: the expected interval between one worker's starts that was used to
    /// correct for coordinated omission, in microseconds.
    pub correction_interval_us: Option<u64>,
    /// Counts over the whole run.
    pub counts: RunCounts,
    /// Failures by phase and status label, sorted.
    pub errors: Vec<ErrorCount>,
    /// Whole-run histograms.
    pub histograms: LatencyHistograms,
    /// Counts by intended start time.
    pub by_intended: IntendedSeries,
    /// Completions and histograms by completion time.
    pub by_completion: CompletionSeries,
    /// CPU time the load generator process used from the run's setup to its end (drain
    /// included): the whole process, so an engine or worker running in it counts too. Summed
    /// over merged processes; `None` when unknown (not Linux, or a merged part without it).
    pub generator_cpu: Option<CpuTime>,
}

impl RunResult {
    /// Issued starts per second over the issue window.
    #[must_use]
    pub fn issued_per_s(&self) -> f64 {
        per_second(self.counts.issued, self.issue_window)
    }

    /// Completed iterations per second over the whole run (issue window and drain).
    #[must_use]
    pub fn completed_per_s(&self) -> f64 {
        per_second(self.counts.completed, self.elapsed.max(self.issue_window))
    }

    /// Summary percentiles of each histogram, with their stable names.
    #[must_use]
    pub fn percentiles(&self) -> Vec<(&'static str, Percentiles)> {
        self.histograms
            .named()
            .into_iter()
            .map(|(name, histogram)| (name, Percentiles::of(histogram)))
            .collect()
    }
}

fn per_second(count: u64, window: Duration) -> f64 {
    let seconds = window.as_secs_f64();
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}
