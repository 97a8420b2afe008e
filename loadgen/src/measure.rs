//! Measurement: HdrHistograms of latency, counts, time series, and exact merging.
//!
//! All histograms hold microseconds, from 1 µs to 1 h, with 3 significant digits.
//!
//! # What is measured, and coordinated omission
//!
//! Each iteration has an *intended* start (when the load model wanted it to begin), an
//! *actual* start (when `Target::start` was called), the moment the start call returned, and
//! a completion (when `Target::wait` returned).
//!
//! - `start_latency_us`: start call returned − actual start. The StartWorkflowExecution RPC.
//! - `end_to_end_uncorrected_us`: completion − actual start. What a naive client sees.
//! - `end_to_end_corrected_us`: the latency a user arriving on schedule would have seen.
//!   - **Open model**: completion − intended start. The schedule never waits for the target,
//!     so when the target stalls, starts keep coming due; each one's wait is counted from when
//!     it was due. Intended and actual starts differ only when the generator itself falls
//!     behind (counted as `late`, with the lag in `schedule_lag_us`), so in the open model both
//!     end-to-end histograms show a stall: no samples were omitted in the first place.
//!   - **Closed model**: a worker cannot start its next iteration while one is stuck, so
//!     during a one-second stall each worker records a single slow sample where a
//!     constant-rate client would have recorded one every interval. The uncorrected histogram
//!     therefore hides the stall. The corrected histogram restores it the HdrHistogram way
//!     (`Histogram::clone_correct`): each sample `v` longer than the expected interval `i`
//!     between one worker's starts adds the samples `v − i, v − 2i, …` (down to `i`) that a
//!     constant-rate schedule at that interval would have intended. `i` is
//!     `RunOptions::closed_expected_interval`, or by default the median uncorrected latency
//!     (a worker's usual pace). The interval used is reported as `correction_interval_us`.
//! - `schedule_lag_us` (open model): actual start − intended start.
//! - `update_latency_us` (Temporal target, plans with updates): the round trip of each
//!   workflow update, from sending UpdateWorkflowExecution until the update's outcome came
//!   back, for the iterations that completed. The target measures it inside `wait` and hands
//!   it over when the run ends (`Target::add_latencies`); it stays empty otherwise.
//!
//! After a Temporal run, [`HistoryLatencies`] holds what the server recorded in a sample of
//! histories: workflow-task and activity schedule-to-start latency.
//!
//! Failed iterations are counted (by phase and status label) and do not enter the latency
//! histograms; `dropped` and `unfinished` starts are counted too, so nothing disappears.
//!
//! The generator's own cost is measured too: the process's CPU time over the run
//! ([`RunResult::generator_cpu`], from [`CpuTime`]; Linux only).

mod cpu;
mod external;
mod histogram;
mod history_latency;
mod merge;
mod recorder;
mod result;
mod series;

pub use cpu::{CpuTime, USER_HZ};
pub use external::{ExternalRecorder, ExternalRunEnd};
pub use histogram::{
    EncodedHistogram, LATENCY_HIGHEST_US, LATENCY_LOWEST_US, LATENCY_SIGNIFICANT_DIGITS,
    Percentiles, duration_us, latency_histogram, record_duration,
};
pub use history_latency::HistoryLatencies;
pub use merge::{MAX_MERGE_INPUTS, merge};
pub(crate) use recorder::{Recorder, RunEnd};
pub use result::{
    ErrorCount, LatencyHistograms, MAX_ERROR_LABELS, MAX_STATUS_CHARS, OTHER_STATUS, Phase,
    RunConfig, RunCounts, RunResult,
};
pub use series::{
    CompletionInterval, CompletionSeries, IntendedBucket, IntendedSeries, IntervalHistograms,
    MAX_SERIES_POINTS,
};
