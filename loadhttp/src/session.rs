//! What every goose user reports to: the wfkit-loadgen recorder, counts by HTTP status, and
//! the requests still in flight.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use wfkit_loadgen::measure::{ExternalRecorder, ExternalRunEnd, RunResult};

use crate::LoadHttpError;

/// The most distinct status labels counted; later ones go under `other`.
pub const MAX_STATUS_LABELS: usize = 100;

/// How one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A response with a 2xx status.
    Success(u16),
    /// A response with another status.
    Status(u16),
    /// No response: `label` says why (`TIMEOUT`, `CONNECT`, `TRANSPORT`).
    NoResponse(&'static str),
}

impl Outcome {
    fn status_label(&self) -> String {
        match self {
            Outcome::Success(code) | Outcome::Status(code) => code.to_string(),
            Outcome::NoResponse(label) => (*label).to_owned(),
        }
    }
}

#[derive(Debug)]
struct State {
    recorder: ExternalRecorder,
    statuses: BTreeMap<String, u64>,
    in_flight: u64,
    last_issued: Duration,
    last_finished: Duration,
}

/// The shared bookkeeping of one run.
#[derive(Debug)]
pub(crate) struct Session {
    state: Mutex<State>,
}

/// What a finished session hands back.
#[derive(Debug)]
pub(crate) struct SessionResult {
    pub(crate) result: RunResult,
    pub(crate) statuses: BTreeMap<String, u64>,
}

impl Session {
    pub(crate) fn new(recorder: ExternalRecorder) -> Self {
        Session {
            state: Mutex::new(State {
                recorder,
                statuses: BTreeMap::new(),
                in_flight: 0,
                last_issued: Duration::ZERO,
                last_finished: Duration::ZERO,
            }),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        // A poisoned lock means a user panicked mid-update; the counts are still whole
        // numbers, so keep going with them.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut state)
    }

    pub(crate) fn issued(&self, intended: Duration, issued: Duration) {
        self.with(|state| {
            state.recorder.issued(intended, issued);
            state.in_flight += 1;
            state.last_issued = state.last_issued.max(issued);
        });
    }

    pub(crate) fn finished(
        &self,
        intended: Duration,
        issued: Duration,
        finished: Duration,
        outcome: &Outcome,
    ) {
        self.with(|state| {
            match outcome {
                Outcome::Success(_) => state.recorder.completed(intended, issued, finished),
                Outcome::Status(code) => {
                    state
                        .recorder
                        .failed(intended, finished, &format!("HTTP {code}"));
                }
                Outcome::NoResponse(label) => state.recorder.failed(intended, finished, label),
            }
            let mut label = outcome.status_label();
            if !state.statuses.contains_key(&label) && state.statuses.len() >= MAX_STATUS_LABELS {
                label = "other".to_owned();
            }
            *state.statuses.entry(label).or_insert(0) += 1;
            state.in_flight = state.in_flight.saturating_sub(1);
            state.last_finished = state.last_finished.max(finished);
        });
    }

    /// Closes the books: requests still in flight (goose stopped their users) count as
    /// unfinished.
    pub(crate) fn finish(
        self,
        started_at_unix_ms: u64,
        interrupted: bool,
        target_rate_per_s: Option<f64>,
        issue_window_floor: Option<Duration>,
    ) -> Result<SessionResult, LoadHttpError> {
        let mut state = self
            .state
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let unfinished = state.in_flight;
        state.recorder.unfinished(unfinished);
        let issue_window = state
            .last_issued
            .max(issue_window_floor.unwrap_or_default());
        let result = state.recorder.finish(ExternalRunEnd {
            started_at_unix_ms,
            issue_window,
            elapsed: state.last_finished.max(issue_window),
            interrupted,
            target_rate_per_s,
            closed_expected_interval: None,
        })?;
        Ok(SessionResult {
            result,
            statuses: state.statuses,
        })
    }
}
