//! Merging the report files of several load generator processes into one report, so one run
//! can span machines (`wfkit report merge`).
//!
//! Unlike [`merge_reports`](super::merge_reports), which aligns every run on its own start,
//! this aligns the time series on the runs' wall-clock start timestamps: a process that
//! started 3 s after the earliest one has its series shifted by 3 s. The shift is rounded to
//! the series' bucket width (1 s for runs up to 30 minutes), the only resolution the series
//! keep. Histograms are added exactly, counts and errors summed, and throughput is recomputed
//! over the merged span, from the earliest start to the latest end. Optional sections (the
//! history latencies of Temporal runs) are merged as [`merge_reports`](super::merge_reports)
//! merges them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::history_latency::merge_history_latency;
use super::schema::Report;
use crate::LoadgenError;
use crate::measure::{
    CompletionInterval, CompletionSeries, EncodedHistogram, IntendedBucket, IntendedSeries,
    MAX_MERGE_INPUTS, MAX_SERIES_POINTS, RunResult, merge,
};

/// A merged report, with what the caller should know about its inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedReport {
    /// The merged report.
    pub report: Report,
    /// How far each input's series were shifted to align on wall-clock time, in whole
    /// seconds, in input order.
    pub shifts_s: Vec<u64>,
    /// Things that make the merge questionable without making it wrong: different load
    /// models, the same run given twice.
    pub warnings: Vec<String>,
}

/// Reads the report files (or report folders) at `paths` and merges them into one report
/// named `name`, aligned on wall-clock time. The first unreadable file ends the merge with an
/// error that names it.
pub fn merge_report_files(name: &str, paths: &[PathBuf]) -> Result<MergedReport, LoadgenError> {
    check_input_count(paths.len())?;
    let reports = paths
        .iter()
        .map(|path| Report::read(path))
        .collect::<Result<Vec<_>, _>>()?;
    let labels: Vec<String> = paths.iter().map(|path| label(path)).collect();
    merge_aligned(name, &reports, &labels)
}

/// Merges `reports` into one report named `name`, aligning their series on wall-clock time.
/// `labels` name the inputs in warnings (file names); missing labels fall back to run names.
pub fn merge_aligned(
    name: &str,
    reports: &[Report],
    labels: &[String],
) -> Result<MergedReport, LoadgenError> {
    check_input_count(reports.len())?;
    let label_of = |index: usize| -> String {
        labels
            .get(index)
            .cloned()
            .unwrap_or_else(|| reports[index].run.name.clone())
    };
    let results = reports
        .iter()
        .enumerate()
        .map(|(index, report)| {
            report.to_result().map_err(|error| LoadgenError::Merge {
                reason: format!("{}: {error}", label_of(index)),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let base_ms = results
        .iter()
        .map(|result| result.started_at_unix_ms)
        .min()
        .unwrap_or_default();
    let offsets_ms: Vec<u64> = results
        .iter()
        .map(|result| result.started_at_unix_ms - base_ms)
        .collect();
    let width_s = common_width_s(&results, &offsets_ms)?;
    let mut shifted = Vec::with_capacity(results.len());
    let mut shifts_s = Vec::with_capacity(results.len());
    for (result, offset_ms) in results.iter().zip(&offsets_ms) {
        let buckets = rounded_buckets(*offset_ms, width_s);
        shifts_s.push(buckets.saturating_mul(width_s));
        shifted.push(shift(result, base_ms, *offset_ms, width_s, buckets)?);
    }
    let mut report = Report::from_result(name, &merge(&shifted)?)?;
    // Optional sections outside the run result merge on their own, as in `merge_reports`.
    report.history_latency =
        merge_history_latency(reports.iter().map(|report| report.history_latency.clone()))?;
    Ok(MergedReport {
        report,
        shifts_s,
        warnings: warnings(reports, &label_of),
    })
}

fn check_input_count(count: usize) -> Result<(), LoadgenError> {
    if count == 0 {
        return Err(LoadgenError::Merge {
            reason: "no reports given".to_owned(),
        });
    }
    if count > MAX_MERGE_INPUTS {
        return Err(LoadgenError::Merge {
            reason: format!("{count} reports given; at most {MAX_MERGE_INPUTS} can be merged"),
        });
    }
    Ok(())
}

fn label(path: &Path) -> String {
    path.display().to_string()
}

/// The bucket width (seconds) every shifted series fits in with at most
/// [`MAX_SERIES_POINTS`] points: the widest input width, doubled while the span is too long.
fn common_width_s(results: &[RunResult], offsets_ms: &[u64]) -> Result<u64, LoadgenError> {
    let mut width_s = 1u64;
    for result in results {
        for width in [result.by_intended.width_s, result.by_completion.width_s] {
            if width == 0 || !width.is_power_of_two() {
                return Err(LoadgenError::Merge {
                    reason: format!("a series has width {width} s; widths are 1, 2, 4, … seconds"),
                });
            }
            width_s = width_s.max(width);
        }
    }
    // Each doubling halves the points needed; 64 passes cover any u64 span.
    for _ in 0..64 {
        let fits = results.iter().zip(offsets_ms).all(|(result, offset_ms)| {
            let own = result.by_intended.width_s.max(result.by_completion.width_s);
            let longest = result
                .by_intended
                .buckets
                .len()
                .max(result.by_completion.intervals.len()) as u64;
            let own_span_s = longest.saturating_mul(own);
            let points = rounded_buckets(*offset_ms, width_s)
                .saturating_add(own_span_s.div_ceil(width_s))
                .saturating_add(1);
            points <= MAX_SERIES_POINTS as u64
        });
        if fits {
            return Ok(width_s);
        }
        width_s = width_s.saturating_mul(2);
    }
    Err(LoadgenError::Merge {
        reason: "the runs' start times are too far apart to align".to_owned(),
    })
}

/// `offset_ms` in buckets of `width_s`, rounded to the nearest bucket.
fn rounded_buckets(offset_ms: u64, width_s: u64) -> u64 {
    let width_ms = width_s.saturating_mul(1_000).max(1);
    offset_ms.saturating_add(width_ms / 2) / width_ms
}

/// `result` as if it had started at `base_ms`: series coarsened to `width_s` and shifted by
/// `buckets` empty buckets, windows extended by the start offset.
fn shift(
    result: &RunResult,
    base_ms: u64,
    offset_ms: u64,
    width_s: u64,
    buckets: u64,
) -> Result<RunResult, LoadgenError> {
    let mut shifted = result.clone();
    let offset = Duration::from_millis(offset_ms);
    shifted.started_at_unix_ms = base_ms;
    shifted.issue_window = result.issue_window.saturating_add(offset);
    shifted.elapsed = result.elapsed.saturating_add(offset);
    // Coarsen by merging into an empty series of the common width.
    let mut by_intended = IntendedSeries {
        width_s,
        buckets: Vec::new(),
    };
    by_intended.merge_from(&result.by_intended)?;
    let mut by_completion = CompletionSeries {
        width_s,
        intervals: Vec::new(),
    };
    by_completion.merge_from(&result.by_completion)?;
    let count = usize::try_from(buckets).unwrap_or(MAX_SERIES_POINTS);
    if count > 0 {
        let empty = EncodedHistogram::empty();
        let mut intervals = Vec::with_capacity(count + by_completion.intervals.len());
        intervals.resize(
            count,
            CompletionInterval {
                completed: 0,
                failed: 0,
                start_latency_us: empty.clone(),
                end_to_end_corrected_us: empty.clone(),
                end_to_end_uncorrected_us: empty,
            },
        );
        intervals.append(&mut by_completion.intervals);
        by_completion.intervals = intervals;
        let mut intended = vec![IntendedBucket::default(); count];
        intended.append(&mut by_intended.buckets);
        by_intended.buckets = intended;
    }
    shifted.by_intended = by_intended;
    shifted.by_completion = by_completion;
    Ok(shifted)
}

fn warnings(reports: &[Report], label_of: &dyn Fn(usize) -> String) -> Vec<String> {
    let mut warnings = Vec::new();
    let first = &reports[0];
    for (index, report) in reports.iter().enumerate().skip(1) {
        if report.config.model_flags != first.config.model_flags {
            warnings.push(format!(
                "{} ran `{}` but {} ran `{}`; the merged report keeps the first one's setup",
                label_of(index),
                report.config.model_flags,
                label_of(0),
                first.config.model_flags
            ));
        }
        for (earlier, other) in reports.iter().enumerate().take(index) {
            if other.run.started_at_unix_ms == report.run.started_at_unix_ms
                && other.histograms == report.histograms
            {
                warnings.push(format!(
                    "{} and {} look like the same run (same start time and histograms); it is counted twice",
                    label_of(earlier),
                    label_of(index)
                ));
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_to_the_nearest_bucket() {
        assert_eq!(rounded_buckets(0, 1), 0);
        assert_eq!(rounded_buckets(499, 1), 0);
        assert_eq!(rounded_buckets(500, 1), 1);
        assert_eq!(rounded_buckets(3_200, 1), 3);
        assert_eq!(rounded_buckets(3_200, 2), 2);
    }

    #[test]
    fn no_reports_is_an_error() {
        let error = merge_aligned("x", &[], &[]).expect_err("fails");
        assert_eq!(error.code(), "WFL014");
    }
}
