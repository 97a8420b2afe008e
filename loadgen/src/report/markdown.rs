//! The Markdown summary (`summary.md`).

use std::fmt::Write as _;

use super::compare::{Comparison, Verdict};
use super::schema::Report;
use super::tables;
use super::time_format::utc_text;
use crate::measure::Percentiles;

/// The report as Markdown: setup, throughput, latency table, counts, errors, and the
/// comparison and verdict when given.
#[must_use]
pub fn markdown(
    report: &Report,
    comparison: Option<&Comparison>,
    verdict: Option<&Verdict>,
) -> String {
    let mut text = String::new();
    let run = &report.run;
    let config = &report.config;
    let _ = writeln!(text, "# Load report: {}\n", run.name);
    if run.interrupted {
        text.push_str(
            "> **Interrupted**: the run was stopped early; these are partial results.\n\n",
        );
    }
    let _ = writeln!(
        text,
        "Model `{}`, {}; started {}; issued for {:.1} s, finished after {:.1} s; {} process{}.\n",
        config.model_flags,
        stop_text(report),
        utc_text(run.started_at_unix_ms),
        run.issue_window_us as f64 / 1e6,
        run.elapsed_us as f64 / 1e6,
        run.processes,
        if run.processes == 1 { "" } else { "es" }
    );
    let throughput = &report.summary.throughput;
    text.push_str("## Throughput\n\n| target | issued | completed |\n|---:|---:|---:|\n");
    let _ = writeln!(
        text,
        "| {} | {:.2}/s | {:.2}/s |\n",
        throughput
            .target_per_s
            .map(|rate| format!("{rate:.2}/s"))
            .unwrap_or_else(|| "closed model".to_owned()),
        throughput.issued_per_s,
        throughput.completed_per_s
    );
    if let Some(cpu) = &report.generator_cpu {
        text.push_str("## Load generator CPU\n\n");
        text.push_str(&cpu.markdown());
        text.push('\n');
    }
    text.push_str("## Latency (ms)\n\n");
    text.push_str(&latency_table(report));
    text.push('\n');
    if let Some(history) = &report.history_latency {
        let _ = writeln!(
            text,
            "## Server side (ms), from {} of {} sampled histories\n",
            history.read, history.sampled
        );
        text.push_str(&rows_table(&history_latency_rows(report)));
        text.push('\n');
    }
    if let Some(interval_us) = report.summary.correction_interval_us {
        let _ = writeln!(
            text,
            "Closed model: corrected for coordinated omission with an expected interval of {:.3} ms per worker.\n",
            interval_us as f64 / 1_000.0
        );
    }
    text.push_str("## Counts\n\n");
    text.push_str(&tables::counts(&report.counts).markdown());
    text.push('\n');
    if !report.errors.is_empty() {
        text.push_str("## Errors\n\n");
        text.push_str(&tables::errors(&report.errors).markdown());
        text.push('\n');
    }
    if let Some(comparison) = comparison {
        text.push_str("## Against the baseline\n\n");
        text.push_str(&comparison.markdown());
        text.push('\n');
    }
    if let Some(verdict) = verdict {
        text.push_str("## Verdict\n\n");
        text.push_str(&verdict.markdown());
    }
    text
}

/// The latency table: one row per histogram, in milliseconds.
pub(crate) fn latency_table(report: &Report) -> String {
    rows_table(&latency_rows(report))
}

/// A table of named percentiles, in milliseconds.
fn rows_table(rows: &[(&'static str, &Percentiles)]) -> String {
    tables::percentiles("", rows).markdown()
}

/// The histograms shown in tables, with readable names.
pub(crate) fn latency_rows(report: &Report) -> Vec<(&'static str, &Percentiles)> {
    let summary = &report.summary;
    let mut rows = vec![
        ("end-to-end, corrected", &summary.end_to_end_corrected_us),
        (
            "end-to-end, uncorrected",
            &summary.end_to_end_uncorrected_us,
        ),
        ("start (StartWorkflowExecution)", &summary.start_latency_us),
    ];
    if let Some(update) = &summary.update_latency_us {
        rows.push(("update (UpdateWorkflowExecution)", update));
    }
    if summary.schedule_lag_us.count > 0 {
        rows.push(("schedule lag", &summary.schedule_lag_us));
    }
    rows
}

/// The schedule-to-start rows of the history sample, when the report has one.
pub(crate) fn history_latency_rows(report: &Report) -> Vec<(&'static str, &Percentiles)> {
    match &report.history_latency {
        Some(history) => vec![
            (
                "workflow task schedule-to-start",
                &history.workflow_task_schedule_to_start_us,
            ),
            (
                "activity schedule-to-start",
                &history.activity_schedule_to_start_us,
            ),
        ],
        None => Vec::new(),
    }
}

fn stop_text(report: &Report) -> String {
    let config = &report.config;
    match (config.duration_ms, config.iterations) {
        (Some(duration_ms), Some(iterations)) => format!(
            "stop after {} s or {iterations} iterations",
            duration_ms as f64 / 1_000.0
        ),
        (Some(duration_ms), None) => format!("stop after {} s", duration_ms as f64 / 1_000.0),
        (None, Some(iterations)) => format!("stop after {iterations} iterations"),
        (None, None) => "no stop condition".to_owned(),
    }
}
