//! The JSON report, schema version 1.
//!
//! The schema is stable: fields are only ever added (readers must ignore unknown fields), and
//! a change in meaning or a removal bumps `schema_version`. Times are integers with their unit
//! last in the name; rates are per second; latencies are microseconds.
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "run": { "name", "generator", "started_at_unix_ms", "issue_window_us", "elapsed_us",
//!            "interrupted", "processes" },
//!   "config": { "model": { "kind": "constant" | "ramp" | "steps" | "poisson" | "closed", … },
//!               "model_flags": "--rate 100/s", "duration_ms", "iterations", "max_in_flight",
//!               "late_threshold_us", "drain_timeout_ms", "iteration_timeout_ms" },
//!   "summary": {
//!     "start_latency_us" | "end_to_end_corrected_us" | "end_to_end_uncorrected_us"
//!       | "schedule_lag_us": { "count", "mean_us", "p50_us", "p90_us", "p99_us",
//!                              "p999_us", "max_us" },
//!     "update_latency_us": {percentiles},          (optional: runs that sent updates)
//!     "throughput": { "target_per_s", "issued_per_s", "completed_per_s" },
//!     "correction_interval_us"
//!   },
//!   "counts": { "scheduled", "issued", "late", "dropped", "completed", "failed", "unfinished" },
//!   "errors": [ { "phase": "start" | "wait" | "unknown", "status": "UNAVAILABLE", "count" } ],
//!   "series": {
//!     "by_intended": { "width_s", "buckets": [ { "issued", "late", "dropped", "completed",
//!                                                "failed" } ] },
//!     "by_completion": { "width_s", "intervals": [ { "start_s", "completed", "failed",
//!         "completed_per_s", "start_latency_us": {percentiles},
//!         "end_to_end_corrected_us": {percentiles}, "end_to_end_uncorrected_us": {percentiles},
//!         "histograms": { "start_latency_us", "end_to_end_corrected_us",
//!                         "end_to_end_uncorrected_us" } } ] }
//!   },
//!   "histograms": { "start_latency_us", "end_to_end_corrected_us",
//!                   "end_to_end_uncorrected_us", "schedule_lag_us",
//!                   "update_latency_us" (optional: runs that sent updates) },
//!   "history_latency": { "sampled", "read",                  (optional: Temporal runs)
//!     "workflow_task_schedule_to_start_us": {percentiles},
//!     "activity_schedule_to_start_us": {percentiles},
//!     "histograms": { "workflow_task_schedule_to_start_us",
//!                     "activity_schedule_to_start_us" } },
//!   "generator_cpu": { "cpu_time_ms", "user_time_ms",         (optional: Linux)
//!                      "system_time_ms", "cpu_ms_per_1000_starts" }
//! }
//! ```
//!
//! Histograms are HdrHistogram V2-deflate encodings in base64 (1 µs to 1 h, 3 significant
//! digits), readable by every HdrHistogram implementation; merging reports adds them exactly.
//! `p999_us` is the 99.9th percentile. Summary percentiles and per-interval percentiles are
//! derived from the histograms; readers that merge should use the histograms.
//!
//! `update_latency_us` (the round trip of each workflow update, `wfkit load --scenario update`)
//! was added in schema version 1 as an optional field, in `summary` and `histograms`: it is
//! absent when the run sent no update, and reports without it read (and merge) as runs without
//! updates.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::generator_cpu::GeneratorCpuReport;
use super::history_latency::{HistoryLatencyReport, merge_history_latency};
use crate::LoadgenError;
use crate::measure::{
    CompletionInterval, CompletionSeries, EncodedHistogram, ErrorCount, HistoryLatencies,
    IntendedSeries, LatencyHistograms, Percentiles, RunConfig, RunCounts, RunResult, duration_us,
    latency_histogram, merge,
};
use crate::model::{ArrivalModel, LoadModel, StopCondition};

/// The JSON report's file name.
pub const REPORT_JSON: &str = "report.json";

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u64 = 1;

/// A load report: everything a run measured, in a form that can be stored, merged and
/// compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`] for reports this build writes.
    pub schema_version: u64,
    /// Run metadata.
    pub run: RunInfo,
    /// How the run was set up.
    pub config: ConfigInfo,
    /// Headline numbers.
    pub summary: Summary,
    /// Counts over the whole run.
    pub counts: RunCounts,
    /// Failures by phase and status label.
    pub errors: Vec<ErrorCount>,
    /// Time series.
    pub series: Series,
    /// The whole-run histograms, encoded.
    pub histograms: EncodedHistograms,
    /// Schedule-to-start latencies read from a sample of workflow histories after the run
    /// (Temporal target). Added in schema version 1 as an optional field: reports without it
    /// still read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_latency: Option<HistoryLatencyReport>,
    /// The load generator's own CPU time over the run (Linux; summed over merged processes).
    /// Added in schema version 1 as an optional field: reports without it still read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator_cpu: Option<GeneratorCpuReport>,
}

/// Run metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The run's name (its folder under `reports/`).
    pub name: String,
    /// The program and version that wrote the report.
    pub generator: String,
    /// Wall-clock start, milliseconds since the Unix epoch.
    pub started_at_unix_ms: u64,
    /// From the start until issuing stopped.
    pub issue_window_us: u64,
    /// From the start until the last iteration finished or the drain period ended.
    pub elapsed_us: u64,
    /// The run was interrupted: partial results.
    pub interrupted: bool,
    /// How many load generator processes the report covers.
    pub processes: u32,
}

/// How the run was set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigInfo {
    /// The load model.
    pub model: ModelConfig,
    /// The load model as command-line flags, such as `--rate 100/s`.
    pub model_flags: String,
    /// The stop duration, if any.
    pub duration_ms: Option<u64>,
    /// The stop iteration count, if any.
    pub iterations: Option<u64>,
    /// Cap on iterations in flight (open model).
    pub max_in_flight: usize,
    /// Lateness above which a start counts as late.
    pub late_threshold_us: u64,
    /// Drain period after issuing stopped.
    pub drain_timeout_ms: u64,
    /// Longest iteration.
    pub iteration_timeout_ms: u64,
}

/// A load model in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModelConfig {
    /// `--rate`.
    Constant {
        /// Starts per second.
        rate_per_s: f64,
    },
    /// `--ramp`.
    Ramp {
        /// Rate at the start.
        from_per_s: f64,
        /// Rate at the end of the ramp and after.
        to_per_s: f64,
        /// Ramp length.
        over_ms: u64,
    },
    /// `--steps`.
    Steps {
        /// The steps in order.
        steps: Vec<StepConfig>,
    },
    /// `--poisson`.
    Poisson {
        /// Mean starts per second.
        rate_per_s: f64,
        /// Generator seed.
        seed: u64,
    },
    /// `--concurrency`.
    Closed {
        /// Iterations in flight.
        in_flight: usize,
    },
}

/// One step of a `--steps` profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepConfig {
    /// How long the step lasts.
    pub duration_ms: u64,
    /// Starts per second during the step.
    pub rate_per_s: f64,
}

/// Headline numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Start call latency.
    pub start_latency_us: Percentiles,
    /// End-to-end latency corrected for coordinated omission.
    pub end_to_end_corrected_us: Percentiles,
    /// End-to-end latency from the actual start.
    pub end_to_end_uncorrected_us: Percentiles,
    /// How late starts were issued (open model).
    pub schedule_lag_us: Percentiles,
    /// Round trip of each workflow update (UpdateWorkflowExecution until completed). Added in
    /// schema version 1 as an optional field: absent when no update was sent; reports
    /// without it still read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_latency_us: Option<Percentiles>,
    /// Rates achieved against the target.
    pub throughput: Throughput,
    /// Closed model: the expected interval used for the correction.
    pub correction_interval_us: Option<u64>,
}

/// Rates over the run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// What the schedule aimed at (open model).
    pub target_per_s: Option<f64>,
    /// Starts issued per second of the issue window.
    pub issued_per_s: f64,
    /// Iterations completed per second of the whole run.
    pub completed_per_s: f64,
}

/// Time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Counts by intended start time.
    pub by_intended: IntendedSeries,
    /// Completions and latency by completion time.
    pub by_completion: CompletionReport,
}

/// Completions and latency by completion time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletionReport {
    /// Width of each interval, in seconds.
    pub width_s: u64,
    /// The intervals, from the run's start.
    pub intervals: Vec<IntervalReport>,
}

/// One interval of completion time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalReport {
    /// Start of the interval, seconds after the run's start.
    pub start_s: u64,
    /// Completions in the interval.
    pub completed: u64,
    /// Failures in the interval.
    pub failed: u64,
    /// Completions per second in the interval.
    pub completed_per_s: f64,
    /// Start latency of the interval's completions.
    pub start_latency_us: Percentiles,
    /// Corrected end-to-end latency of the interval's completions.
    pub end_to_end_corrected_us: Percentiles,
    /// Uncorrected end-to-end latency of the interval's completions.
    pub end_to_end_uncorrected_us: Percentiles,
    /// The interval's histograms, encoded.
    pub histograms: IntervalHistogramsReport,
}

/// The encoded histograms of one interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalHistogramsReport {
    /// Start latency.
    pub start_latency_us: EncodedHistogram,
    /// Corrected end-to-end latency.
    pub end_to_end_corrected_us: EncodedHistogram,
    /// Uncorrected end-to-end latency.
    pub end_to_end_uncorrected_us: EncodedHistogram,
}

/// The whole-run histograms, encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncodedHistograms {
    /// Start latency.
    pub start_latency_us: EncodedHistogram,
    /// Corrected end-to-end latency.
    pub end_to_end_corrected_us: EncodedHistogram,
    /// Uncorrected end-to-end latency.
    pub end_to_end_uncorrected_us: EncodedHistogram,
    /// Schedule lag.
    pub schedule_lag_us: EncodedHistogram,
    /// Update round trips. Added in schema version 1 as an optional field: absent when no
    /// update was sent; reports without it still read and merge (as an empty histogram).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_latency_us: Option<EncodedHistogram>,
}

impl Report {
    /// The report of `result`, under the run name `name`.
    pub fn from_result(name: &str, result: &RunResult) -> Result<Report, LoadgenError> {
        let histograms = &result.histograms;
        let mut intervals = Vec::with_capacity(result.by_completion.intervals.len());
        let width_s = result.by_completion.width_s;
        for (index, interval) in (0u64..).zip(&result.by_completion.intervals) {
            let decoded = interval.decode()?;
            intervals.push(IntervalReport {
                start_s: index.saturating_mul(width_s),
                completed: interval.completed,
                failed: interval.failed,
                completed_per_s: interval.completed as f64 / width_s.max(1) as f64,
                start_latency_us: Percentiles::of(&decoded.start_latency_us),
                end_to_end_corrected_us: Percentiles::of(&decoded.end_to_end_corrected_us),
                end_to_end_uncorrected_us: Percentiles::of(&decoded.end_to_end_uncorrected_us),
                histograms: IntervalHistogramsReport {
                    start_latency_us: interval.start_latency_us.clone(),
                    end_to_end_corrected_us: interval.end_to_end_corrected_us.clone(),
                    end_to_end_uncorrected_us: interval.end_to_end_uncorrected_us.clone(),
                },
            });
        }
        Ok(Report {
            schema_version: SCHEMA_VERSION,
            run: RunInfo {
                name: name.to_owned(),
                generator: format!("wfkit-loadgen {}", env!("CARGO_PKG_VERSION")),
                started_at_unix_ms: result.started_at_unix_ms,
                issue_window_us: duration_us(result.issue_window),
                elapsed_us: duration_us(result.elapsed),
                interrupted: result.interrupted,
                processes: result.processes,
            },
            config: ConfigInfo::of(&result.config),
            summary: Summary {
                start_latency_us: Percentiles::of(&histograms.start_latency_us),
                end_to_end_corrected_us: Percentiles::of(&histograms.end_to_end_corrected_us),
                end_to_end_uncorrected_us: Percentiles::of(&histograms.end_to_end_uncorrected_us),
                schedule_lag_us: Percentiles::of(&histograms.schedule_lag_us),
                update_latency_us: (!histograms.update_latency_us.is_empty())
                    .then(|| Percentiles::of(&histograms.update_latency_us)),
                throughput: Throughput {
                    target_per_s: result.target_rate_per_s,
                    issued_per_s: result.issued_per_s(),
                    completed_per_s: result.completed_per_s(),
                },
                correction_interval_us: result.correction_interval_us,
            },
            counts: result.counts,
            errors: result.errors.clone(),
            series: Series {
                by_intended: result.by_intended.clone(),
                by_completion: CompletionReport { width_s, intervals },
            },
            histograms: EncodedHistograms {
                start_latency_us: EncodedHistogram::encode(&histograms.start_latency_us)?,
                end_to_end_corrected_us: EncodedHistogram::encode(
                    &histograms.end_to_end_corrected_us,
                )?,
                end_to_end_uncorrected_us: EncodedHistogram::encode(
                    &histograms.end_to_end_uncorrected_us,
                )?,
                schedule_lag_us: EncodedHistogram::encode(&histograms.schedule_lag_us)?,
                update_latency_us: if histograms.update_latency_us.is_empty() {
                    None
                } else {
                    Some(EncodedHistogram::encode(&histograms.update_latency_us)?)
                },
            },
            history_latency: None,
            generator_cpu: result
                .generator_cpu
                .map(|cpu| GeneratorCpuReport::of(cpu, result.counts.issued)),
        })
    }

    /// Adds the schedule-to-start latencies read from sampled histories.
    pub fn with_history_latency(
        mut self,
        latencies: &HistoryLatencies,
    ) -> Result<Report, LoadgenError> {
        self.history_latency = Some(HistoryLatencyReport::from_latencies(latencies)?);
        Ok(self)
    }

    /// The run result this report holds, histograms decoded: what [`merge`] works on.
    pub fn to_result(&self) -> Result<RunResult, LoadgenError> {
        let encoded = &self.histograms;
        let histograms = LatencyHistograms {
            start_latency_us: encoded.start_latency_us.decode("start_latency_us")?,
            end_to_end_corrected_us: encoded
                .end_to_end_corrected_us
                .decode("end_to_end_corrected_us")?,
            end_to_end_uncorrected_us: encoded
                .end_to_end_uncorrected_us
                .decode("end_to_end_uncorrected_us")?,
            schedule_lag_us: encoded.schedule_lag_us.decode("schedule_lag_us")?,
            update_latency_us: match &encoded.update_latency_us {
                Some(update) => update.decode("update_latency_us")?,
                None => latency_histogram(),
            },
        };
        let by_completion = CompletionSeries {
            width_s: self.series.by_completion.width_s,
            intervals: self
                .series
                .by_completion
                .intervals
                .iter()
                .map(|interval| CompletionInterval {
                    completed: interval.completed,
                    failed: interval.failed,
                    start_latency_us: interval.histograms.start_latency_us.clone(),
                    end_to_end_corrected_us: interval.histograms.end_to_end_corrected_us.clone(),
                    end_to_end_uncorrected_us: interval
                        .histograms
                        .end_to_end_uncorrected_us
                        .clone(),
                })
                .collect(),
        };
        Ok(RunResult {
            config: self.config.to_config(),
            processes: self.run.processes,
            started_at_unix_ms: self.run.started_at_unix_ms,
            issue_window: Duration::from_micros(self.run.issue_window_us),
            elapsed: Duration::from_micros(self.run.elapsed_us),
            interrupted: self.run.interrupted,
            target_rate_per_s: self.summary.throughput.target_per_s,
            correction_interval_us: self.summary.correction_interval_us,
            counts: self.counts,
            errors: self.errors.clone(),
            histograms,
            by_intended: self.series.by_intended.clone(),
            by_completion,
            generator_cpu: self
                .generator_cpu
                .as_ref()
                .map(GeneratorCpuReport::to_cpu_time),
        })
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, LoadgenError> {
        serde_json::to_string_pretty(self).map_err(|source| LoadgenError::Json {
            context: format!("report {}", self.run.name),
            source,
        })
    }

    /// Reads a report from JSON text. `context` (such as the file name) appears in errors. A
    /// report of another schema version is refused with [`LoadgenError::SchemaVersion`].
    pub fn from_json(text: &str, context: &str) -> Result<Report, LoadgenError> {
        #[derive(Deserialize)]
        struct VersionOnly {
            schema_version: u64,
        }
        let json_error = |source| LoadgenError::Json {
            context: context.to_owned(),
            source,
        };
        let version: VersionOnly = serde_json::from_str(text).map_err(json_error)?;
        if version.schema_version != SCHEMA_VERSION {
            return Err(LoadgenError::SchemaVersion {
                context: context.to_owned(),
                found: version.schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        serde_json::from_str(text).map_err(json_error)
    }

    /// Reads a report file (`report.json`), or the `report.json` inside a report folder.
    pub fn read(path: &Path) -> Result<Report, LoadgenError> {
        let file = if path.is_dir() {
            path.join(REPORT_JSON)
        } else {
            path.to_path_buf()
        };
        let text = std::fs::read_to_string(&file).map_err(|source| LoadgenError::Io {
            path: file.clone(),
            source,
        })?;
        Report::from_json(&text, &file.display().to_string())
    }
}

/// Merges reports of several load generator processes into one report named `name`: the
/// histograms are added exactly. See [`merge`].
pub fn merge_reports(name: &str, reports: &[Report]) -> Result<Report, LoadgenError> {
    let results = reports
        .iter()
        .map(Report::to_result)
        .collect::<Result<Vec<_>, _>>()?;
    let mut merged = Report::from_result(name, &merge(&results)?)?;
    merged.history_latency =
        merge_history_latency(reports.iter().map(|report| report.history_latency.clone()))?;
    Ok(merged)
}

impl ConfigInfo {
    fn of(config: &RunConfig) -> ConfigInfo {
        let model = match &config.model {
            LoadModel::Closed { in_flight } => ModelConfig::Closed {
                in_flight: *in_flight,
            },
            LoadModel::Open(ArrivalModel::Constant { rate_per_s }) => ModelConfig::Constant {
                rate_per_s: *rate_per_s,
            },
            LoadModel::Open(ArrivalModel::Poisson { rate_per_s, seed }) => ModelConfig::Poisson {
                rate_per_s: *rate_per_s,
                seed: *seed,
            },
            LoadModel::Open(ArrivalModel::Ramp {
                from_per_s,
                to_per_s,
                over,
            }) => ModelConfig::Ramp {
                from_per_s: *from_per_s,
                to_per_s: *to_per_s,
                over_ms: duration_ms(*over),
            },
            LoadModel::Open(ArrivalModel::Steps(steps)) => ModelConfig::Steps {
                steps: steps
                    .iter()
                    .map(|(length, rate_per_s)| StepConfig {
                        duration_ms: duration_ms(*length),
                        rate_per_s: *rate_per_s,
                    })
                    .collect(),
            },
        };
        ConfigInfo {
            model,
            model_flags: config.model.to_string(),
            duration_ms: config.stop.duration.map(duration_ms),
            iterations: config.stop.iterations,
            max_in_flight: config.max_in_flight,
            late_threshold_us: duration_us(config.late_threshold),
            drain_timeout_ms: duration_ms(config.drain_timeout),
            iteration_timeout_ms: duration_ms(config.iteration_timeout),
        }
    }

    fn to_config(&self) -> RunConfig {
        let model = match &self.model {
            ModelConfig::Closed { in_flight } => LoadModel::Closed {
                in_flight: *in_flight,
            },
            ModelConfig::Constant { rate_per_s } => LoadModel::Open(ArrivalModel::Constant {
                rate_per_s: *rate_per_s,
            }),
            ModelConfig::Poisson { rate_per_s, seed } => LoadModel::Open(ArrivalModel::Poisson {
                rate_per_s: *rate_per_s,
                seed: *seed,
            }),
            ModelConfig::Ramp {
                from_per_s,
                to_per_s,
                over_ms,
            } => LoadModel::Open(ArrivalModel::Ramp {
                from_per_s: *from_per_s,
                to_per_s: *to_per_s,
                over: Duration::from_millis(*over_ms),
            }),
            ModelConfig::Steps { steps } => LoadModel::Open(ArrivalModel::Steps(
                steps
                    .iter()
                    .map(|step| (Duration::from_millis(step.duration_ms), step.rate_per_s))
                    .collect(),
            )),
        };
        RunConfig {
            model,
            stop: StopCondition {
                duration: self.duration_ms.map(Duration::from_millis),
                iterations: self.iterations,
            },
            max_in_flight: self.max_in_flight,
            late_threshold: Duration::from_micros(self.late_threshold_us),
            drain_timeout: Duration::from_millis(self.drain_timeout_ms),
            iteration_timeout: Duration::from_millis(self.iteration_timeout_ms),
        }
    }
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
