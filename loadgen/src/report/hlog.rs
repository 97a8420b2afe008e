//! HdrHistogram interval logs (`*.hlog`): one per histogram, one line per completion interval,
//! readable by HdrHistogram's `HistogramLogProcessor` and `HistogramLogAnalyzer`.

use std::fmt::Write as _;
use std::time::Duration;

use hdrhistogram::serialization::V2DeflateSerializer;
use hdrhistogram::serialization::interval_log::IntervalLogWriterBuilder;

use super::schema::{IntervalReport, Report};
use crate::LoadgenError;
use crate::measure::EncodedHistogram;

/// The logs written for a report: file name and which interval histogram it holds.
pub const HLOG_FILES: [(&str, &str); 3] = [
    ("end_to_end_corrected.hlog", "end_to_end_corrected_us"),
    ("end_to_end_uncorrected.hlog", "end_to_end_uncorrected_us"),
    ("start_latency.hlog", "start_latency_us"),
];

/// The interval log of the histogram named `metric` (one of the names in [`HLOG_FILES`]).
/// Values, and the max column, are microseconds.
pub fn interval_log(report: &Report, metric: &str) -> Result<Vec<u8>, LoadgenError> {
    let pick: fn(&IntervalReport) -> &EncodedHistogram = match metric {
        "end_to_end_corrected_us" => |interval| &interval.histograms.end_to_end_corrected_us,
        "end_to_end_uncorrected_us" => |interval| &interval.histograms.end_to_end_uncorrected_us,
        "start_latency_us" => |interval| &interval.histograms.start_latency_us,
        other => {
            return Err(LoadgenError::Histogram {
                name: other.to_owned(),
                message: "no interval log for this histogram".to_owned(),
            });
        }
    };
    let start_s = report.run.started_at_unix_ms as f64 / 1_000.0;
    let mut header = String::new();
    let _ = writeln!(
        header,
        "#[Histogram log format version 1.3]\n#[Interval histograms written by {}: {metric}, microseconds, run {}]\n#[StartTime: {start_s:.3} (seconds since epoch)]\n#[BaseTime: 0.000 (seconds since epoch)]\n\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"",
        report.run.generator, report.run.name
    );
    let mut bytes = header.into_bytes();
    let mut serializer = V2DeflateSerializer::new();
    let log_error = |message: String| LoadgenError::Histogram {
        name: metric.to_owned(),
        message,
    };
    let width = Duration::from_secs(report.series.by_completion.width_s);
    {
        let mut writer = IntervalLogWriterBuilder::new()
            .begin_log_with(&mut bytes, &mut serializer)
            .map_err(|error| log_error(error.to_string()))?;
        for interval in &report.series.by_completion.intervals {
            let histogram = pick(interval).decode(metric)?;
            writer
                .write_histogram(
                    &histogram,
                    Duration::from_secs(interval.start_s),
                    width,
                    None,
                )
                .map_err(|error| log_error(error.to_string()))?;
        }
    }
    Ok(bytes)
}
