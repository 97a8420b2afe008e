//! The live recorder every iteration of a run reports to. Pure bookkeeping: offsets come in as
//! durations since the run's start, so it reads no clock and is easy to test. The one reading
//! it takes is the process's CPU time, at `new` and at `finish`: both the executor and
//! external drivers create the recorder when the run starts, so this covers every kind of run.

use std::collections::BTreeMap;
use std::time::Duration;

use super::cpu::CpuTime;
use super::histogram::{duration_us, record_duration};
use super::result::{
    ErrorCount, LatencyHistograms, MAX_ERROR_LABELS, MAX_STATUS_CHARS, OTHER_STATUS, Phase,
    RunConfig, RunCounts, RunResult,
};
use super::series::{CompletionRecorder, IntendedSeries};
use crate::LoadgenError;

/// How the run ended, from the executor.
#[derive(Debug, Clone)]
pub(crate) struct RunEnd {
    pub(crate) started_at_unix_ms: u64,
    pub(crate) issue_window: Duration,
    pub(crate) elapsed: Duration,
    pub(crate) interrupted: bool,
    pub(crate) target_rate_per_s: Option<f64>,
    pub(crate) closed_expected_interval: Option<Duration>,
}

/// Live bookkeeping of one run.
#[derive(Debug)]
pub(crate) struct Recorder {
    config: RunConfig,
    histograms: LatencyHistograms,
    counts: RunCounts,
    errors: BTreeMap<(Phase, String), u64>,
    intended: IntendedSeries,
    completion: CompletionRecorder,
    /// The first internal error (a histogram that would not encode); reported by `finish`.
    fault: Option<LoadgenError>,
    /// The process's CPU time when the run started.
    cpu_at_start: Option<CpuTime>,
}

impl Recorder {
    pub(crate) fn new(config: RunConfig) -> Self {
        Recorder {
            config,
            histograms: LatencyHistograms::default(),
            counts: RunCounts::default(),
            errors: BTreeMap::new(),
            intended: IntendedSeries::default(),
            completion: CompletionRecorder::new(),
            fault: None,
            cpu_at_start: CpuTime::of_process(),
        }
    }

    /// A start was issued `lag` after its intended offset.
    pub(crate) fn issued(&mut self, intended: Duration, lag: Duration) {
        self.counts.issued += 1;
        let late = lag > self.config.late_threshold;
        let bucket = self.intended.bucket_mut(intended);
        bucket.issued += 1;
        if self.config.model.is_open() {
            record_duration(&mut self.histograms.schedule_lag_us, lag);
            if late {
                bucket.late += 1;
                self.counts.late += 1;
            }
        }
    }

    /// A start came due while `max_in_flight` iterations were running, and was not issued.
    pub(crate) fn dropped(&mut self, intended: Duration) {
        self.counts.dropped += 1;
        self.intended.bucket_mut(intended).dropped += 1;
    }

    /// An iteration completed. `from_intended` and `from_actual` are its end-to-end latencies.
    pub(crate) fn completed(
        &mut self,
        intended: Duration,
        completed_at: Duration,
        start_latency: Duration,
        from_intended: Duration,
        from_actual: Duration,
    ) {
        let open = self.config.model.is_open();
        self.counts.completed += 1;
        self.intended.bucket_mut(intended).completed += 1;
        record_duration(&mut self.histograms.start_latency_us, start_latency);
        record_duration(&mut self.histograms.end_to_end_uncorrected_us, from_actual);
        if open {
            record_duration(&mut self.histograms.end_to_end_corrected_us, from_intended);
        }
        match self.completion.at(completed_at) {
            Ok(live) => {
                record_duration(&mut live.start_latency_us, start_latency);
                record_duration(&mut live.end_to_end_uncorrected_us, from_actual);
                if open {
                    record_duration(&mut live.end_to_end_corrected_us, from_intended);
                }
                self.completion.count_completed();
            }
            Err(error) => self.note_fault(error),
        }
    }

    /// An iteration failed in `phase` with `status`. `intended` is `None` when the iteration's
    /// intended time is unknown (the target panicked).
    pub(crate) fn failed(
        &mut self,
        intended: Option<Duration>,
        failed_at: Duration,
        phase: Phase,
        status: &str,
    ) {
        self.counts.failed += 1;
        if let Some(intended) = intended {
            self.intended.bucket_mut(intended).failed += 1;
        }
        if let Err(error) = self.completion.count_failed(failed_at) {
            self.note_fault(error);
        }
        let mut label: String = status.chars().take(MAX_STATUS_CHARS).collect();
        if !self.errors.contains_key(&(phase, label.clone()))
            && self.errors.len() >= MAX_ERROR_LABELS
        {
            label = OTHER_STATUS.to_owned();
        }
        *self.errors.entry((phase, label)).or_insert(0) += 1;
    }

    /// `count` iterations were abandoned when the drain period ended.
    pub(crate) fn unfinished(&mut self, count: u64) {
        self.counts.unfinished += count;
    }

    fn note_fault(&mut self, error: LoadgenError) {
        if self.fault.is_none() {
            self.fault = Some(error);
        }
    }

    /// Closes the series and, for the closed model, corrects for coordinated omission.
    pub(crate) fn finish(self, end: RunEnd) -> Result<RunResult, LoadgenError> {
        if let Some(fault) = self.fault {
            return Err(fault);
        }
        let generator_cpu = self
            .cpu_at_start
            .zip(CpuTime::of_process())
            .map(|(start, end)| end.since(start));
        let mut histograms = self.histograms;
        let mut by_completion = self.completion.finish(end.elapsed)?;
        let mut correction_interval_us = None;
        if !self.config.model.is_open() {
            let uncorrected = &histograms.end_to_end_uncorrected_us;
            let interval_us = match end.closed_expected_interval {
                Some(interval) => duration_us(interval),
                // The lowest value of the median's bucket: the recorded pace, not the top of
                // its 0.1 % precision band.
                None => uncorrected.lowest_equivalent(uncorrected.value_at_quantile(0.5)),
            }
            .max(1);
            if !uncorrected.is_empty() {
                histograms.end_to_end_corrected_us = uncorrected.clone_correct(interval_us);
                by_completion.correct_closed(interval_us)?;
                correction_interval_us = Some(interval_us);
            }
        }
        let mut counts = self.counts;
        counts.scheduled = counts.issued + counts.dropped;
        let errors = self
            .errors
            .into_iter()
            .map(|((phase, status), count)| ErrorCount {
                phase,
                status,
                count,
            })
            .collect();
        Ok(RunResult {
            config: self.config,
            processes: 1,
            started_at_unix_ms: end.started_at_unix_ms,
            issue_window: end.issue_window,
            elapsed: end.elapsed,
            interrupted: end.interrupted,
            target_rate_per_s: end.target_rate_per_s,
            correction_interval_us,
            counts,
            errors,
            histograms,
            by_intended: self.intended,
            by_completion,
            generator_cpu,
        })
    }
}
