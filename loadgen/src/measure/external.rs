//! Recording a run that another driver executes (such as goose, for the HTTP mode), so its
//! measurements land in the same [`RunResult`], with the same histograms, series, error
//! labels and coordinated-omission correction as a run of [`run_load`](crate::run_load).
//!
//! The driver reports each request with offsets from the run's start (it owns the clock);
//! [`ExternalRecorder::finish`] closes the series and, for the closed model, applies the same
//! HdrHistogram correction the executor applies.

use std::time::Duration;

use super::recorder::{Recorder, RunEnd};
use super::result::{Phase, RunConfig, RunResult};
use crate::LoadgenError;

/// How an externally driven run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalRunEnd {
    /// Wall-clock start, milliseconds since the Unix epoch.
    pub started_at_unix_ms: u64,
    /// From the start until the driver stopped issuing requests.
    pub issue_window: Duration,
    /// From the start until the last request finished.
    pub elapsed: Duration,
    /// The run was stopped early (Ctrl-C).
    pub interrupted: bool,
    /// Open model: the rate the schedule aimed at, in requests per second.
    pub target_rate_per_s: Option<f64>,
    /// Closed model: the expected interval between one worker's requests for the
    /// coordinated-omission correction; `None` takes the median latency.
    pub closed_expected_interval: Option<Duration>,
}

/// Records requests issued by another driver. Every request is one iteration whose start call
/// is the request itself: `start_latency_us` and both end-to-end histograms hold its latency
/// (corrected as described in the [`measure`](super) docs).
#[derive(Debug)]
pub struct ExternalRecorder {
    recorder: Recorder,
}

impl ExternalRecorder {
    /// A recorder for a run set up as `config`. The config is checked like the executor's.
    pub fn new(config: RunConfig) -> Result<Self, LoadgenError> {
        config.model.validate()?;
        config.stop.validate()?;
        Ok(ExternalRecorder {
            recorder: Recorder::new(config),
        })
    }

    /// A request intended at `intended` was issued at `issued` (both offsets from the run's
    /// start; `issued` before `intended` counts as on time).
    pub fn issued(&mut self, intended: Duration, issued: Duration) {
        self.recorder
            .issued(intended, issued.saturating_sub(intended));
    }

    /// The request intended at `intended` and issued at `issued` succeeded at `completed`.
    pub fn completed(&mut self, intended: Duration, issued: Duration, completed: Duration) {
        let latency = completed.saturating_sub(issued);
        self.recorder.completed(
            intended,
            completed,
            latency,
            completed.saturating_sub(intended),
            latency,
        );
    }

    /// The request intended at `intended` failed at `failed` with `status` (such as `HTTP 503`).
    pub fn failed(&mut self, intended: Duration, failed: Duration, status: &str) {
        self.recorder
            .failed(Some(intended), failed, Phase::Start, status);
    }

    /// `count` requests were still running when the driver gave up on them.
    pub fn unfinished(&mut self, count: u64) {
        self.recorder.unfinished(count);
    }

    /// The result: series closed, counts totalled, closed-model correction applied.
    pub fn finish(self, end: ExternalRunEnd) -> Result<RunResult, LoadgenError> {
        self.recorder.finish(RunEnd {
            started_at_unix_ms: end.started_at_unix_ms,
            issue_window: end.issue_window,
            elapsed: end.elapsed,
            interrupted: end.interrupted,
            target_rate_per_s: end.target_rate_per_s,
            closed_expected_interval: end.closed_expected_interval,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LoadModel, StopCondition};

    fn config(model: LoadModel) -> RunConfig {
        RunConfig {
            model,
            stop: StopCondition::iterations(3),
            max_in_flight: 2,
            late_threshold: Duration::from_millis(2),
            drain_timeout: Duration::from_secs(1),
            iteration_timeout: Duration::from_secs(5),
        }
    }

    fn end(elapsed: Duration) -> ExternalRunEnd {
        ExternalRunEnd {
            started_at_unix_ms: 1_000,
            issue_window: elapsed,
            elapsed,
            interrupted: false,
            target_rate_per_s: None,
            closed_expected_interval: None,
        }
    }

    #[test]
    fn closed_requests_are_counted_and_corrected() -> Result<(), LoadgenError> {
        let mut recorder = ExternalRecorder::new(config(LoadModel::Closed { in_flight: 1 }))?;
        let ms = Duration::from_millis;
        for (issued, completed) in [(0, 10), (10, 20), (20, 1_020)] {
            recorder.issued(ms(issued), ms(issued));
            recorder.completed(ms(issued), ms(issued), ms(completed));
        }
        recorder.issued(ms(1_020), ms(1_020));
        recorder.failed(ms(1_020), ms(1_021), "HTTP 404");
        let result = recorder.finish(end(ms(1_021)))?;
        assert_eq!(result.counts.issued, 4);
        assert_eq!(result.counts.completed, 3);
        assert_eq!(result.counts.failed, 1);
        assert_eq!(result.counts.scheduled, 4);
        assert_eq!(result.errors[0].status, "HTTP 404");
        assert_eq!(result.histograms.start_latency_us.len(), 3);
        assert_eq!(result.histograms.end_to_end_uncorrected_us.len(), 3);
        // The one-second request hides about 99 requests a 10 ms pace would have made.
        assert!(result.histograms.end_to_end_corrected_us.len() > 90);
        assert_eq!(result.correction_interval_us, Some(10_000));
        Ok(())
    }

    #[test]
    fn open_requests_count_from_their_intended_time() -> Result<(), LoadgenError> {
        let model = LoadModel::Open(crate::model::ArrivalModel::Constant { rate_per_s: 10.0 });
        let mut recorder = ExternalRecorder::new(config(model))?;
        let ms = Duration::from_millis;
        recorder.issued(ms(100), ms(150));
        recorder.completed(ms(100), ms(150), ms(160));
        let result = recorder.finish(end(ms(160)))?;
        assert_eq!(result.counts.late, 1);
        assert_eq!(
            result.histograms.end_to_end_uncorrected_us.max(),
            result
                .histograms
                .end_to_end_uncorrected_us
                .highest_equivalent(10_000)
        );
        assert!(result.histograms.end_to_end_corrected_us.min() >= 59_000);
        assert_eq!(result.histograms.schedule_lag_us.len(), 1);
        Ok(())
    }
}
