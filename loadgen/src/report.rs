//! Reports of a run, under `reports/<run>/`:
//!
//! - `report.json`: the [`Report`], a stable schema (`schema_version: 1`) with the encoded
//!   histograms, so reports from several processes merge exactly ([`merge_reports`]);
//! - `summary.md`: a Markdown summary ([`markdown`]);
//! - `report.html`: a self-contained page with three SVG plots (latency percentiles over
//!   time, throughput over time, latency by percentile) ([`html`]);
//! - `*.hlog`: HdrHistogram interval logs ([`interval_log`]).
//!
//! [`compare`] sets a run against a baseline and [`evaluate`] gives the pass/fail verdict for
//! `--max-p99`, `--min-throughput` and baseline regressions.

mod compare;
mod generator_cpu;
mod history_latency;
mod hlog;
mod html;
mod markdown;
mod merge_reports;
mod plots;
mod schema;
mod svg;
mod tables;
mod time_format;
mod write;

pub use compare::{
    Better, Comparison, ComparisonRow, DEFAULT_REGRESSION_PCT, MIN_LATENCY_REGRESSION_US,
    Thresholds, Verdict, compare, compare_with_tolerance, evaluate,
};
pub use generator_cpu::GeneratorCpuReport;
pub use history_latency::{HistoryLatencyHistograms, HistoryLatencyReport};
pub use hlog::{HLOG_FILES, interval_log};
pub use html::html;
pub use markdown::markdown;
pub use merge_reports::{MergedReport, merge_aligned, merge_report_files};
pub use schema::{
    CompletionReport, ConfigInfo, EncodedHistograms, IntervalHistogramsReport, IntervalReport,
    ModelConfig, Report, RunInfo, SCHEMA_VERSION, Series, StepConfig, Summary, Throughput,
    merge_reports,
};
pub use time_format::compact_utc;
pub use write::{
    MAX_RUN_NAME_CHARS, REPORT_HTML, REPORT_JSON, SUMMARY_MD, report_dir, write_report_dir,
    write_report_dir_with,
};
