//! The three plots of the HTML page, built from a report alone (so a merged report plots the
//! same way as a single run).

use hdrhistogram::Histogram;

use super::schema::Report;
use super::svg::{Line, LineChart};
use crate::LoadgenError;
use crate::measure::Percentiles;

const BLUE: &str = "#1f77b4";
const ORANGE: &str = "#ff7f0e";
const GREEN: &str = "#2ca02c";
const RED: &str = "#d62728";
const PURPLE: &str = "#9467bd";
const GREY: &str = "#7f7f7f";

/// Corrected p50, p90, p99 and max per completion interval, with the uncorrected p99 dashed.
pub(crate) fn percentiles_over_time(report: &Report) -> LineChart {
    let series = &report.series.by_completion;
    let half_width_s = series.width_s as f64 / 2.0;
    let line = |label: &str,
                color: &'static str,
                dashed: bool,
                pick: fn(&Percentiles) -> u64,
                uncorrected: bool| {
        Line {
            label: label.to_owned(),
            color,
            dashed,
            points: series
                .intervals
                .iter()
                .filter(|interval| interval.completed > 0)
                .map(|interval| {
                    let percentiles = if uncorrected {
                        &interval.end_to_end_uncorrected_us
                    } else {
                        &interval.end_to_end_corrected_us
                    };
                    (
                        interval.start_s as f64 + half_width_s,
                        pick(percentiles) as f64 / 1_000.0,
                    )
                })
                .collect(),
        }
    };
    LineChart {
        title: "End-to-end latency over time (by completion time)".to_owned(),
        x_label: "seconds since start".to_owned(),
        y_label: "latency (ms)".to_owned(),
        lines: vec![
            line("p50", BLUE, false, |p| p.p50_us, false),
            line("p90", GREEN, false, |p| p.p90_us, false),
            line("p99", ORANGE, false, |p| p.p99_us, false),
            line("max", RED, false, |p| p.max_us, false),
            line("p99 uncorr.", GREY, true, |p| p.p99_us, true),
        ],
        x_ticks: None,
    }
}

/// Target, issued, completed and failed per second.
pub(crate) fn throughput_over_time(report: &Report) -> LineChart {
    let intended = &report.series.by_intended;
    let width_s = intended.width_s.max(1) as f64;
    let intended_line =
        |label: &str, color: &'static str, dashed: bool, pick: fn(u64, u64) -> u64| Line {
            label: label.to_owned(),
            color,
            dashed,
            points: (0u64..)
                .zip(&intended.buckets)
                .map(|(index, bucket)| {
                    (
                        index as f64 * width_s + width_s / 2.0,
                        pick(bucket.issued, bucket.dropped) as f64 / width_s,
                    )
                })
                .collect(),
        };
    let completion = &report.series.by_completion;
    let completion_width_s = completion.width_s.max(1) as f64;
    let completion_line = |label: &str, color: &'static str, failed: bool| Line {
        label: label.to_owned(),
        color,
        dashed: false,
        points: completion
            .intervals
            .iter()
            .map(|interval| {
                let count = if failed {
                    interval.failed
                } else {
                    interval.completed
                };
                (
                    interval.start_s as f64 + completion_width_s / 2.0,
                    count as f64 / completion_width_s,
                )
            })
            .collect(),
    };
    let mut lines = Vec::new();
    if report.summary.throughput.target_per_s.is_some() {
        lines.push(intended_line("scheduled", GREY, true, |issued, dropped| {
            issued + dropped
        }));
    }
    lines.push(intended_line("issued", BLUE, false, |issued, _| issued));
    lines.push(completion_line("completed", GREEN, false));
    if report.counts.failed > 0 {
        lines.push(completion_line("failed", RED, true));
    }
    LineChart {
        title: "Throughput over time".to_owned(),
        x_label: "seconds since start (issued: intended time; completed: completion time)"
            .to_owned(),
        y_label: "per second".to_owned(),
        lines,
        x_ticks: None,
    }
}

/// The percentile spectrum: latency against percentile on a log scale (50 %, 90 %, 99 %, …).
pub(crate) fn latency_distribution(report: &Report) -> Result<LineChart, LoadgenError> {
    let encoded = &report.histograms;
    let corrected = encoded
        .end_to_end_corrected_us
        .decode("end_to_end_corrected_us")?;
    let uncorrected = encoded
        .end_to_end_uncorrected_us
        .decode("end_to_end_uncorrected_us")?;
    let start = encoded.start_latency_us.decode("start_latency_us")?;
    let update = encoded
        .update_latency_us
        .as_ref()
        .map(|update| update.decode("update_latency_us"))
        .transpose()?;
    let largest = corrected
        .len()
        .max(uncorrected.len())
        .max(start.len())
        .max(update.as_ref().map_or(0, Histogram::len))
        .max(10);
    // The x axis runs to the "nines" the data can support, at most six (99.9999 %).
    let nines = (largest as f64).log10().ceil().clamp(1.0, 6.0);
    let x_ticks = (0..=nines as u32)
        .map(|nine| (f64::from(nine), percentile_label(nine)))
        .collect();
    let mut lines = vec![
        spectrum("corrected", ORANGE, false, &corrected, nines),
        spectrum("uncorrected", GREY, true, &uncorrected, nines),
        spectrum("start", PURPLE, false, &start, nines),
    ];
    let mut title = "Latency by percentile (end-to-end corrected and uncorrected, start".to_owned();
    if let Some(update) = &update {
        lines.push(spectrum("update", GREEN, false, update, nines));
        title.push_str(", update");
    }
    title.push(')');
    Ok(LineChart {
        title,
        x_label: "percentile".to_owned(),
        y_label: "latency (ms)".to_owned(),
        lines,
        x_ticks: Some(x_ticks),
    })
}

fn spectrum(
    label: &str,
    color: &'static str,
    dashed: bool,
    histogram: &Histogram<u64>,
    nines: f64,
) -> Line {
    const STEPS: u32 = 240;
    let points = if histogram.is_empty() {
        Vec::new()
    } else {
        (0..=STEPS)
            .map(|step| {
                let x = nines * f64::from(step) / f64::from(STEPS);
                let quantile = 1.0 - 10f64.powf(-x);
                (x, histogram.value_at_quantile(quantile) as f64 / 1_000.0)
            })
            .collect()
    };
    Line {
        label: label.to_owned(),
        color,
        dashed,
        points,
    }
}

fn percentile_label(nines: u32) -> String {
    match nines {
        0 => "0%".to_owned(),
        1 => "90%".to_owned(),
        n => format!("99.{}%", "9".repeat(n as usize - 2)).replace(".%", "%"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_labels() {
        let labels: Vec<String> = (0..5).map(percentile_label).collect();
        assert_eq!(labels, ["0%", "90%", "99%", "99.9%", "99.99%"]);
    }
}
