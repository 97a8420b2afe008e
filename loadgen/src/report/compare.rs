//! Comparing a run with a baseline, and the pass/fail verdict for CI.

use std::fmt::Write as _;

use super::schema::Report;
use super::tables::{self, Cell, Table};
use crate::measure::Percentiles;

/// Default tolerance before a worse number counts as a regression, in percent.
pub const DEFAULT_REGRESSION_PCT: f64 = 10.0;
/// A latency must also get worse by at least this much to be a regression, so that
/// sub-millisecond noise on a fast target does not fail CI.
pub const MIN_LATENCY_REGRESSION_US: u64 = 1_000;

/// The summary of an empty histogram.
const NO_PERCENTILES: Percentiles = Percentiles {
    count: 0,
    mean_us: 0.0,
    p50_us: 0,
    p90_us: 0,
    p99_us: 0,
    p999_us: 0,
    max_us: 0,
};

/// Which way is better for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Lower is better (latency, errors).
    Lower,
    /// Higher is better (throughput).
    Higher,
}

/// One metric, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// What is compared, such as `end-to-end p99 (corrected)`.
    pub metric: String,
    /// The unit of `baseline` and `current`, such as `ms` or `/s`.
    pub unit: &'static str,
    /// The baseline's value.
    pub baseline: f64,
    /// This run's value.
    pub current: f64,
    /// Which way is better.
    pub better: Better,
    /// `true` when this run is worse by more than the tolerance.
    pub regression: bool,
}

impl ComparisonRow {
    /// Change from the baseline in percent; `None` when the baseline is zero.
    #[must_use]
    pub fn delta_pct(&self) -> Option<f64> {
        (self.baseline != 0.0).then(|| (self.current - self.baseline) / self.baseline * 100.0)
    }
}

/// A run compared with a baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The baseline's run name.
    pub baseline_name: String,
    /// This run's name.
    pub current_name: String,
    /// The tolerance used, in percent.
    pub tolerance_pct: f64,
    /// The metrics.
    pub rows: Vec<ComparisonRow>,
}

/// Compares `current` with `baseline` at the default tolerance ([`DEFAULT_REGRESSION_PCT`]).
#[must_use]
pub fn compare(baseline: &Report, current: &Report) -> Comparison {
    compare_with_tolerance(baseline, current, DEFAULT_REGRESSION_PCT)
}

/// Compares `current` with `baseline`: a metric regresses when it is worse by more than
/// `tolerance_pct` percent (and, for latencies, by at least [`MIN_LATENCY_REGRESSION_US`]).
#[must_use]
pub fn compare_with_tolerance(
    baseline: &Report,
    current: &Report,
    tolerance_pct: f64,
) -> Comparison {
    let tolerance_pct = if tolerance_pct.is_finite() && tolerance_pct >= 0.0 {
        tolerance_pct
    } else {
        DEFAULT_REGRESSION_PCT
    };
    let mut rows = Vec::new();
    let latency = |rows: &mut Vec<ComparisonRow>,
                   name: &str,
                   pick: fn(&Percentiles) -> u64,
                   which: fn(&Report) -> &Percentiles| {
        let before = pick(which(baseline));
        let after = pick(which(current));
        let worse_enough = after > before
            && after - before >= MIN_LATENCY_REGRESSION_US
            && (before == 0 || (after - before) as f64 / before as f64 * 100.0 > tolerance_pct);
        rows.push(ComparisonRow {
            metric: name.to_owned(),
            unit: "ms",
            baseline: before as f64 / 1_000.0,
            current: after as f64 / 1_000.0,
            better: Better::Lower,
            regression: worse_enough,
        });
    };
    fn corrected(report: &Report) -> &Percentiles {
        &report.summary.end_to_end_corrected_us
    }
    fn uncorrected(report: &Report) -> &Percentiles {
        &report.summary.end_to_end_uncorrected_us
    }
    fn start(report: &Report) -> &Percentiles {
        &report.summary.start_latency_us
    }
    latency(
        &mut rows,
        "end-to-end p50 (corrected)",
        |p| p.p50_us,
        corrected,
    );
    latency(
        &mut rows,
        "end-to-end p90 (corrected)",
        |p| p.p90_us,
        corrected,
    );
    latency(
        &mut rows,
        "end-to-end p99 (corrected)",
        |p| p.p99_us,
        corrected,
    );
    latency(
        &mut rows,
        "end-to-end p99.9 (corrected)",
        |p| p.p999_us,
        corrected,
    );
    latency(
        &mut rows,
        "end-to-end max (corrected)",
        |p| p.max_us,
        corrected,
    );
    latency(
        &mut rows,
        "end-to-end p99 (uncorrected)",
        |p| p.p99_us,
        uncorrected,
    );
    latency(&mut rows, "start p50", |p| p.p50_us, start);
    latency(&mut rows, "start p99", |p| p.p99_us, start);
    // Update round trips compare only when both runs sent updates (older reports have none).
    if baseline.summary.update_latency_us.is_some() && current.summary.update_latency_us.is_some() {
        fn update(report: &Report) -> &Percentiles {
            report
                .summary
                .update_latency_us
                .as_ref()
                .unwrap_or(&NO_PERCENTILES)
        }
        latency(&mut rows, "update p50", |p| p.p50_us, update);
        latency(&mut rows, "update p99", |p| p.p99_us, update);
    }

    let before = baseline.summary.throughput.completed_per_s;
    let after = current.summary.throughput.completed_per_s;
    rows.push(ComparisonRow {
        metric: "completed throughput".to_owned(),
        unit: "/s",
        baseline: before,
        current: after,
        better: Better::Higher,
        regression: after < before * (1.0 - tolerance_pct / 100.0),
    });
    let before = error_pct(baseline);
    let after = error_pct(current);
    rows.push(ComparisonRow {
        metric: "failed iterations".to_owned(),
        unit: "%",
        baseline: before,
        current: after,
        better: Better::Lower,
        // Error rates regress by an absolute margin: 0.01 % → 0.02 % is noise, not a doubling.
        regression: after > before + tolerance_pct / 100.0,
    });
    for (metric, pick) in [
        (
            "late starts",
            (|r: &Report| r.counts.late) as fn(&Report) -> u64,
        ),
        ("dropped starts", |r: &Report| r.counts.dropped),
    ] {
        rows.push(ComparisonRow {
            metric: metric.to_owned(),
            unit: "",
            baseline: pick(baseline) as f64,
            current: pick(current) as f64,
            better: Better::Lower,
            regression: false,
        });
    }
    Comparison {
        baseline_name: baseline.run.name.clone(),
        current_name: current.run.name.clone(),
        tolerance_pct,
        rows,
    }
}

fn error_pct(report: &Report) -> f64 {
    let issued = report.counts.issued;
    if issued == 0 {
        0.0
    } else {
        report.counts.failed as f64 / issued as f64 * 100.0
    }
}

impl Comparison {
    /// The rows that regressed.
    pub fn regressions(&self) -> impl Iterator<Item = &ComparisonRow> {
        self.rows.iter().filter(|row| row.regression)
    }

    /// A Markdown table: metric, baseline, current, change, and a mark on regressions.
    #[must_use]
    pub fn markdown(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "Baseline `{}` → `{}` (regression tolerance {}%)\n",
            self.baseline_name,
            self.current_name,
            trim_float(self.tolerance_pct)
        );
        text.push_str(&self.table().markdown());
        text
    }

    /// The comparison table, written as Markdown here and as HTML in `report.html`.
    pub(crate) fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let change = match row.delta_pct() {
                    Some(delta) => format!("{delta:+.1}%"),
                    None if row.current == 0.0 => "0".to_owned(),
                    None => "new".to_owned(),
                };
                vec![
                    Cell::Text(row.metric.clone()),
                    Cell::Text(with_unit(row.baseline, row.unit)),
                    Cell::Text(with_unit(row.current, row.unit)),
                    Cell::Text(change),
                    if row.regression {
                        Cell::Flag("regression".to_owned())
                    } else {
                        Cell::Text(String::new())
                    },
                ]
            })
            .collect();
        Table::new(
            vec![
                tables::left("metric"),
                tables::right("baseline"),
                tables::right("current"),
                tables::right("change"),
                tables::left(""),
            ],
            rows,
        )
    }
}

fn with_unit(value: f64, unit: &str) -> String {
    match unit {
        "" => trim_float(value),
        "%" => format!("{value:.2}%"),
        unit => format!("{value:.2} {unit}"),
    }
}

fn trim_float(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else if value.abs() < 0.1 {
        // Sub-100 µs thresholds (`--max-p99 50us`) would all read "0.00".
        format!("{value:.3}")
    } else {
        format!("{value:.2}")
    }
}

/// Limits a run must meet (`--max-p99`, `--min-throughput`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Thresholds {
    /// Highest acceptable corrected end-to-end p99, in milliseconds.
    pub max_p99_ms: Option<f64>,
    /// Lowest acceptable completed throughput, per second.
    pub min_throughput_per_s: Option<f64>,
}

/// Pass or fail, with the reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// `true` when every threshold was met and nothing regressed against the baseline.
    pub passed: bool,
    /// Why the run failed (empty when it passed).
    pub reasons: Vec<String>,
    /// Things worth knowing that do not fail the run (interrupted, dropped starts, …).
    pub notes: Vec<String>,
}

/// Judges `report` against `thresholds` and, when given, the regressions of `comparison`.
#[must_use]
pub fn evaluate(
    report: &Report,
    thresholds: &Thresholds,
    comparison: Option<&Comparison>,
) -> Verdict {
    let mut reasons = Vec::new();
    let corrected = &report.summary.end_to_end_corrected_us;
    if let Some(max_p99_ms) = thresholds.max_p99_ms {
        let p99_ms = corrected.p99_us as f64 / 1_000.0;
        if corrected.count == 0 {
            reasons.push(format!(
                "no iteration completed, so the p99 cannot be under --max-p99 {} ms",
                trim_float(max_p99_ms)
            ));
        } else if p99_ms > max_p99_ms {
            reasons.push(format!(
                "end-to-end p99 (corrected) {p99_ms:.2} ms is above --max-p99 {} ms",
                trim_float(max_p99_ms)
            ));
        }
    }
    if let Some(min_per_s) = thresholds.min_throughput_per_s {
        let achieved = report.summary.throughput.completed_per_s;
        if achieved < min_per_s {
            reasons.push(format!(
                "completed throughput {achieved:.2}/s is below --min-throughput {}/s",
                trim_float(min_per_s)
            ));
        }
    }
    if let Some(comparison) = comparison {
        for row in comparison.regressions() {
            reasons.push(format!(
                "{} regressed from {} to {}{} (tolerance {}%) against baseline `{}`",
                row.metric,
                with_unit(row.baseline, row.unit),
                with_unit(row.current, row.unit),
                row.delta_pct()
                    .map(|delta| format!(", {delta:+.1}%"))
                    .unwrap_or_default(),
                trim_float(comparison.tolerance_pct),
                comparison.baseline_name
            ));
        }
    }
    let mut notes = Vec::new();
    if report.run.interrupted {
        notes.push("the run was interrupted: the results are partial".to_owned());
    }
    let counts = &report.counts;
    if counts.dropped > 0 {
        notes.push(format!(
            "{} starts were dropped because max_in_flight ({}) iterations were running: the target did not keep up",
            counts.dropped, report.config.max_in_flight
        ));
    }
    if counts.late > 0 {
        notes.push(format!(
            "{} starts were issued late (more than {} µs after their intended time): the load generator fell behind",
            counts.late, report.config.late_threshold_us
        ));
    }
    if counts.unfinished > 0 {
        notes.push(format!(
            "{} iterations had not finished when the drain period ended",
            counts.unfinished
        ));
    }
    Verdict {
        passed: reasons.is_empty(),
        reasons,
        notes,
    }
}

impl Verdict {
    /// The verdict as Markdown.
    #[must_use]
    pub fn markdown(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "**Verdict: {}**\n",
            if self.passed { "PASS" } else { "FAIL" }
        );
        for reason in &self.reasons {
            let _ = writeln!(text, "- {reason}");
        }
        for note in &self.notes {
            let _ = writeln!(text, "- note: {note}");
        }
        text
    }
}
