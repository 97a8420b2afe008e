//! Time series of a run, each bounded to [`MAX_SERIES_POINTS`] points.
//!
//! Buckets start one second wide. When a run outlasts `MAX_SERIES_POINTS` buckets, neighbouring
//! buckets are merged pairwise and the width doubles, so an hour-long run has 2 s buckets and a
//! day-long one 64 s buckets, and memory stays flat however long the run.
//!
//! - [`IntendedSeries`]: counts keyed by the second in which each start was *intended*: issued,
//!   late, dropped, and how those iterations ended.
//! - [`CompletionSeries`]: per interval of *completion* time, the count of completions and
//!   failures and the interval's histograms (as in an HdrHistogram interval log). Rates over
//!   time and percentiles over time come from here.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::histogram::{EncodedHistogram, add_into, latency_histogram};
use crate::LoadgenError;

/// The most buckets a series keeps.
pub const MAX_SERIES_POINTS: usize = 1_800;

/// Counts of the starts intended within one bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntendedBucket {
    /// Starts issued.
    pub issued: u64,
    /// Of those, starts issued later than the late threshold.
    pub late: u64,
    /// Starts not issued because `max_in_flight` iterations were already running.
    pub dropped: u64,
    /// Iterations that completed.
    pub completed: u64,
    /// Iterations that failed.
    pub failed: u64,
}

impl IntendedBucket {
    fn add(&mut self, other: &IntendedBucket) {
        self.issued += other.issued;
        self.late += other.late;
        self.dropped += other.dropped;
        self.completed += other.completed;
        self.failed += other.failed;
    }
}

/// Counts keyed by intended start time. Bucket `i` covers `[i·width_s, (i+1)·width_s)` seconds
/// from the run's start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntendedSeries {
    /// Width of each bucket, in seconds (1, 2, 4, …).
    pub width_s: u64,
    /// The buckets, from the run's start.
    pub buckets: Vec<IntendedBucket>,
}

impl Default for IntendedSeries {
    fn default() -> Self {
        IntendedSeries {
            width_s: 1,
            buckets: Vec::new(),
        }
    }
}

impl IntendedSeries {
    /// The bucket holding `offset`, created (and the series coarsened) as needed.
    pub(crate) fn bucket_mut(&mut self, offset: Duration) -> &mut IntendedBucket {
        let mut index = offset.as_secs() / self.width_s;
        // Each coarsening halves the index; 64 passes cover any u64.
        for _ in 0..64 {
            if index < MAX_SERIES_POINTS as u64 {
                break;
            }
            self.coarsen();
            index = offset.as_secs() / self.width_s;
        }
        let index = usize::try_from(index)
            .unwrap_or(MAX_SERIES_POINTS - 1)
            .min(MAX_SERIES_POINTS - 1);
        if self.buckets.len() <= index {
            self.buckets.resize(index + 1, IntendedBucket::default());
        }
        &mut self.buckets[index]
    }

    /// Doubles the bucket width, merging neighbours.
    fn coarsen(&mut self) {
        self.buckets = self
            .buckets
            .chunks(2)
            .map(|pair| {
                let mut merged = pair[0];
                if let Some(second) = pair.get(1) {
                    merged.add(second);
                }
                merged
            })
            .collect();
        self.width_s = self.width_s.saturating_mul(2);
    }

    /// Adds `other` bucket by bucket, aligned on the run start, at the coarser of the widths.
    pub(crate) fn merge_from(&mut self, other: &IntendedSeries) -> Result<(), LoadgenError> {
        let mut other = other.clone();
        align_widths(&mut self.width_s, &mut other.width_s, "intended series")?;
        while self.width_s < other.width_s {
            self.coarsen();
        }
        while other.width_s < self.width_s {
            other.coarsen();
        }
        if self.buckets.len() < other.buckets.len() {
            self.buckets
                .resize(other.buckets.len(), IntendedBucket::default());
        }
        for (mine, theirs) in self.buckets.iter_mut().zip(&other.buckets) {
            mine.add(theirs);
        }
        Ok(())
    }
}

/// What happened during one interval of completion time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionInterval {
    /// Iterations that completed in this interval.
    pub completed: u64,
    /// Iterations that failed in this interval.
    pub failed: u64,
    /// Start latency of the iterations completed in this interval.
    pub start_latency_us: EncodedHistogram,
    /// Corrected end-to-end latency of the iterations completed in this interval.
    pub end_to_end_corrected_us: EncodedHistogram,
    /// Uncorrected end-to-end latency of the iterations completed in this interval.
    pub end_to_end_uncorrected_us: EncodedHistogram,
}

impl CompletionInterval {
    fn empty(encoded_empty: &EncodedHistogram) -> Self {
        CompletionInterval {
            completed: 0,
            failed: 0,
            start_latency_us: encoded_empty.clone(),
            end_to_end_corrected_us: encoded_empty.clone(),
            end_to_end_uncorrected_us: encoded_empty.clone(),
        }
    }

    /// Decodes the three histograms.
    pub fn decode(&self) -> Result<IntervalHistograms, LoadgenError> {
        Ok(IntervalHistograms {
            start_latency_us: self.start_latency_us.decode("interval start_latency_us")?,
            end_to_end_corrected_us: self
                .end_to_end_corrected_us
                .decode("interval end_to_end_corrected_us")?,
            end_to_end_uncorrected_us: self
                .end_to_end_uncorrected_us
                .decode("interval end_to_end_uncorrected_us")?,
        })
    }

    /// Adds `other` (counts and histograms) into this interval.
    fn add(&mut self, other: &CompletionInterval) -> Result<(), LoadgenError> {
        let mut mine = self.decode()?;
        let theirs = other.decode()?;
        mine.add(&theirs)?;
        self.completed += other.completed;
        self.failed += other.failed;
        self.set_histograms(&mine)
    }

    fn set_histograms(&mut self, histograms: &IntervalHistograms) -> Result<(), LoadgenError> {
        self.start_latency_us = EncodedHistogram::encode(&histograms.start_latency_us)?;
        self.end_to_end_corrected_us =
            EncodedHistogram::encode(&histograms.end_to_end_corrected_us)?;
        self.end_to_end_uncorrected_us =
            EncodedHistogram::encode(&histograms.end_to_end_uncorrected_us)?;
        Ok(())
    }
}

/// The decoded histograms of one completion interval.
#[derive(Debug, Clone)]
pub struct IntervalHistograms {
    /// Start latency.
    pub start_latency_us: Histogram<u64>,
    /// Corrected end-to-end latency.
    pub end_to_end_corrected_us: Histogram<u64>,
    /// Uncorrected end-to-end latency.
    pub end_to_end_uncorrected_us: Histogram<u64>,
}

impl IntervalHistograms {
    pub(crate) fn new() -> Self {
        IntervalHistograms {
            start_latency_us: latency_histogram(),
            end_to_end_corrected_us: latency_histogram(),
            end_to_end_uncorrected_us: latency_histogram(),
        }
    }

    fn add(&mut self, other: &IntervalHistograms) -> Result<(), LoadgenError> {
        add_into(
            &mut self.start_latency_us,
            &other.start_latency_us,
            "interval start_latency_us",
        )?;
        add_into(
            &mut self.end_to_end_corrected_us,
            &other.end_to_end_corrected_us,
            "interval end_to_end_corrected_us",
        )?;
        add_into(
            &mut self.end_to_end_uncorrected_us,
            &other.end_to_end_uncorrected_us,
            "interval end_to_end_uncorrected_us",
        )
    }

    fn reset(&mut self) {
        self.start_latency_us.reset();
        self.end_to_end_corrected_us.reset();
        self.end_to_end_uncorrected_us.reset();
    }
}

/// Completions and latency histograms per interval of completion time. Interval `i` covers
/// `[i·width_s, (i+1)·width_s)` seconds from the run's start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionSeries {
    /// Width of each interval, in seconds (1, 2, 4, …).
    pub width_s: u64,
    /// The intervals, from the run's start.
    pub intervals: Vec<CompletionInterval>,
}

impl Default for CompletionSeries {
    fn default() -> Self {
        CompletionSeries {
            width_s: 1,
            intervals: Vec::new(),
        }
    }
}

impl CompletionSeries {
    /// Doubles the interval width, merging neighbours.
    fn coarsen(&mut self) -> Result<(), LoadgenError> {
        let mut merged = Vec::with_capacity(self.intervals.len().div_ceil(2));
        for pair in self.intervals.chunks(2) {
            let mut first = pair[0].clone();
            if let Some(second) = pair.get(1) {
                first.add(second)?;
            }
            merged.push(first);
        }
        self.intervals = merged;
        self.width_s = self.width_s.saturating_mul(2);
        Ok(())
    }

    /// Adds `other` interval by interval, aligned on the run start, at the coarser width.
    pub(crate) fn merge_from(&mut self, other: &CompletionSeries) -> Result<(), LoadgenError> {
        let mut other = other.clone();
        align_widths(&mut self.width_s, &mut other.width_s, "completion series")?;
        while self.width_s < other.width_s {
            self.coarsen()?;
        }
        while other.width_s < self.width_s {
            other.coarsen()?;
        }
        let empty = EncodedHistogram::empty();
        while self.intervals.len() < other.intervals.len() {
            self.intervals.push(CompletionInterval::empty(&empty));
        }
        for (mine, theirs) in self.intervals.iter_mut().zip(&other.intervals) {
            mine.add(theirs)?;
        }
        Ok(())
    }

    /// Replaces each interval's corrected histogram by its uncorrected one corrected for
    /// coordinated omission with `interval_us` (see `measure` docs, closed model).
    pub(crate) fn correct_closed(&mut self, interval_us: u64) -> Result<(), LoadgenError> {
        for interval in &mut self.intervals {
            let uncorrected = interval
                .end_to_end_uncorrected_us
                .decode("interval end_to_end_uncorrected_us")?;
            interval.end_to_end_corrected_us =
                EncodedHistogram::encode(&uncorrected.clone_correct(interval_us))?;
        }
        Ok(())
    }
}

/// Widths are powers of two; anything else comes from a hand-edited report.
fn align_widths(mine: &mut u64, theirs: &mut u64, what: &str) -> Result<(), LoadgenError> {
    for width in [*mine, *theirs] {
        if width == 0 || !width.is_power_of_two() {
            return Err(LoadgenError::Merge {
                reason: format!("{what} has width {width} s; widths are 1, 2, 4, … seconds"),
            });
        }
    }
    Ok(())
}

/// Builds a [`CompletionSeries`] while a run is going: one live interval, earlier ones encoded.
#[derive(Debug)]
pub(crate) struct CompletionRecorder {
    series: CompletionSeries,
    live: IntervalHistograms,
    live_completed: u64,
    live_failed: u64,
    /// Index of the live interval; always equals `series.intervals.len()`.
    live_index: u64,
    encoded_empty: EncodedHistogram,
}

impl CompletionRecorder {
    pub(crate) fn new() -> Self {
        CompletionRecorder {
            series: CompletionSeries::default(),
            live: IntervalHistograms::new(),
            live_completed: 0,
            live_failed: 0,
            live_index: 0,
            encoded_empty: EncodedHistogram::empty(),
        }
    }

    /// The live histograms for an event at `offset`, after closing earlier intervals. An
    /// offset before the live interval (two completions racing for the lock) lands in the live
    /// interval, at most a few microseconds late.
    pub(crate) fn at(&mut self, offset: Duration) -> Result<&mut IntervalHistograms, LoadgenError> {
        self.advance_to(offset)?;
        Ok(&mut self.live)
    }

    pub(crate) fn count_completed(&mut self) {
        self.live_completed += 1;
    }

    pub(crate) fn count_failed(&mut self, offset: Duration) -> Result<(), LoadgenError> {
        self.advance_to(offset)?;
        self.live_failed += 1;
        Ok(())
    }

    fn advance_to(&mut self, offset: Duration) -> Result<(), LoadgenError> {
        // Bounded: each pass closes one interval, and closing past MAX_SERIES_POINTS doubles
        // the width, so the number of passes is at most about 2·MAX_SERIES_POINTS·64.
        loop {
            let index = offset.as_secs() / self.series.width_s;
            if index <= self.live_index {
                return Ok(());
            }
            self.close_live()?;
        }
    }

    fn close_live(&mut self) -> Result<(), LoadgenError> {
        let closed = if self.live_completed == 0 && self.live_failed == 0 {
            CompletionInterval::empty(&self.encoded_empty)
        } else {
            let mut interval = CompletionInterval::empty(&self.encoded_empty);
            interval.completed = self.live_completed;
            interval.failed = self.live_failed;
            interval.set_histograms(&self.live)?;
            interval
        };
        self.live.reset();
        self.live_completed = 0;
        self.live_failed = 0;
        self.series.intervals.push(closed);
        self.live_index += 1;
        if self.series.intervals.len() >= MAX_SERIES_POINTS {
            // MAX_SERIES_POINTS is even, so the live interval starts a fresh pair.
            self.series.coarsen()?;
            self.live_index /= 2;
        }
        Ok(())
    }

    /// Closes the live interval (if anything happened in it, or it is needed to reach `end`)
    /// and returns the series.
    pub(crate) fn finish(mut self, end: Duration) -> Result<CompletionSeries, LoadgenError> {
        self.advance_to(end)?;
        if self.live_completed > 0 || self.live_failed > 0 {
            self.close_live()?;
        }
        Ok(self.series)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intended_series_coarsens_instead_of_growing() {
        let mut series = IntendedSeries::default();
        let seconds = 2 * MAX_SERIES_POINTS as u64 - 10;
        for second in 0..seconds {
            series.bucket_mut(Duration::from_secs(second)).issued += 1;
        }
        assert_eq!(series.width_s, 2);
        assert_eq!(series.buckets.len() as u64, seconds / 2);
        assert!(series.buckets.iter().all(|bucket| bucket.issued == 2));
        series.bucket_mut(Duration::from_secs(100_000)).issued += 1;
        assert!(series.buckets.len() <= MAX_SERIES_POINTS);
        let total: u64 = series.buckets.iter().map(|bucket| bucket.issued).sum();
        assert_eq!(total, seconds + 1);
    }

    #[test]
    fn completion_series_keeps_counts_through_coarsening() {
        let mut recorder = CompletionRecorder::new();
        let seconds = 2 * MAX_SERIES_POINTS as u64 - 10;
        for second in 0..seconds {
            let offset = Duration::from_millis(second * 1_000 + 500);
            recorder
                .at(offset)
                .expect("records")
                .start_latency_us
                .saturating_record(second + 1);
            recorder.count_completed();
        }
        let series = recorder
            .finish(Duration::from_secs(seconds))
            .expect("finishes");
        assert!(series.intervals.len() <= MAX_SERIES_POINTS);
        assert_eq!(series.width_s, 2);
        let completed: u64 = series.intervals.iter().map(|i| i.completed).sum();
        assert_eq!(completed, seconds);
        let first = series.intervals[0].decode().expect("decodes");
        assert_eq!(first.start_latency_us.len(), 2);
    }
}
