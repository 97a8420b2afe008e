//! Judging histories: probes go to a worker through the engine's canned tasks, and the worker's
//! answers become verdicts (DESIGN.md §2.3).

use std::time::Duration;

use temporalio_protos::temporal::api::enums::v1::{
    EventType, QueryResultType, WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::history::v1::History;
use wfkit_engine::{CannedAnswer, TestEngine};

use crate::compare::{adds_patch_marker, compare};
use crate::language::SdkLanguage;
use crate::probe::{ProbeRun, replay_probe, task_probe};
use crate::sdk_text::{PlainFailure, from_sdk_message, names_nondeterminism, unknown_query};
use crate::shape::{Shape, recorded_commands};
use crate::verdict::{Verdict, hint};

/// Where and how probes are sent.
#[derive(Debug)]
pub(crate) struct Session<'e> {
    pub(crate) engine: &'e TestEngine,
    pub(crate) namespace: String,
    pub(crate) task_queue: String,
    pub(crate) task_timeout: Duration,
    /// Run ids handed out so far: each probe gets a fresh one, so a worker's cache never mixes
    /// two histories (core keys its cache by run id).
    pub(crate) probes: std::sync::atomic::AtomicU64,
    /// The worker's language, from the SDK metadata of its first completion; hints name its API.
    pub(crate) language: std::sync::Mutex<SdkLanguage>,
}

impl Session<'_> {
    fn next_run(&self, workflow_id: &str) -> ProbeRun {
        let probe = self
            .probes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        ProbeRun {
            workflow_id: workflow_id.to_string(),
            run_id: format!("00000000-0000-4000-8000-{probe:012x}"),
            task_queue: self.task_queue.clone(),
        }
    }

    async fn send(
        &self,
        response: temporalio_protos::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse,
    ) -> CannedAnswer {
        let answer = self
            .engine
            .run_canned_task(
                &self.namespace,
                &self.task_queue,
                response,
                self.task_timeout,
            )
            .await;
        if let CannedAnswer::Completed(completed) = &answer
            && let Some(metadata) = &completed.sdk_metadata
            && !metadata.sdk_name.is_empty()
        {
            let mut language = self
                .language
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if *language == SdkLanguage::Unknown {
                *language = SdkLanguage::from_sdk_name(&metadata.sdk_name);
            }
        }
        answer
    }

    /// The verdict on one history, its hints in the worker's language.
    pub(crate) async fn judge(&self, history: &History, workflow_id: &str) -> Verdict {
        let verdict = self.judge_in_any_language(history, workflow_id).await;
        let language = *self
            .language
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        verdict.in_language(language)
    }

    async fn judge_in_any_language(&self, history: &History, workflow_id: &str) -> Verdict {
        if history.events.first().map(|e| e.event_type)
            != Some(EventType::WorkflowExecutionStarted as i32)
        {
            return Verdict::Unreadable {
                reason: "the first event is not WorkflowExecutionStarted".to_string(),
            };
        }
        let shape = Shape::of(history);
        let mut notes = Vec::new();
        if let Some(&last) = shape.completed_starts.last() {
            let run = self.next_run(workflow_id);
            let answer = self
                .send(task_probe(history, &run, last, shape.previous(last)))
                .await;
            match answer {
                CannedAnswer::Completed(completed) => {
                    let recorded = recorded_commands(history, last);
                    if let Some((divergence, hint)) = compare(&completed.commands, &recorded) {
                        if adds_patch_marker(&completed.commands, &recorded) {
                            // A fresh task takes the new branch of patched(); replay decides.
                            match self.confirm_by_replay(history, workflow_id, last).await {
                                Verdict::Ok { .. } => notes.push("a {patched} branch is new since the recording; replay keeps the old one".to_string()),
                                other => return other,
                            }
                        } else {
                            return Verdict::Nondeterministic { divergence, hint };
                        }
                    }
                }
                other => return failure_verdict(other, history),
            }
        }
        // The recording's last task failed or never finished (sdk-rust#865): run it again.
        if let Some(unfinished) = shape.unfinished_start {
            let run = self.next_run(workflow_id);
            let previous = shape.previous(unfinished);
            match self.send(task_probe(history, &run, unfinished, previous)).await {
                CannedAnswer::Completed(_) => notes.push(format!(
                    "the workflow task started at event {unfinished} did not complete in the recording; the code completes it now"
                )),
                other => return failure_verdict(other, history),
            }
        }
        if shape.completed_starts.is_empty() && shape.unfinished_start.is_none() {
            notes.push("no workflow task ran in this history: nothing to replay".to_string());
        }
        Verdict::Ok { notes }
    }

    /// Probe R: replay the whole history through the metadata query.
    async fn confirm_by_replay(&self, history: &History, workflow_id: &str, last: i64) -> Verdict {
        let run = self.next_run(workflow_id);
        match self.send(replay_probe(history, &run, last)).await {
            CannedAnswer::Query(answer)
                if answer.completed_type == QueryResultType::Answered as i32 =>
            {
                Verdict::Ok { notes: Vec::new() }
            }
            CannedAnswer::Query(answer) => {
                let message = answer
                    .failure
                    .as_ref()
                    .map(|f| f.message.clone())
                    .unwrap_or(answer.error_message.clone());
                if answer.cause == WorkflowTaskFailedCause::NonDeterministicError as i32
                    || names_nondeterminism(&message)
                {
                    let (divergence, hint) = from_sdk_message(&message, history);
                    Verdict::Nondeterministic { divergence, hint }
                } else if unknown_query(&message) {
                    // An SDK without the metadata query replayed the history to find that out.
                    Verdict::Ok {
                        notes: vec![format!(
                            "the worker does not know the metadata query ({message})"
                        )],
                    }
                } else {
                    failure_verdict(CannedAnswer::Query(answer), history)
                }
            }
            other => failure_verdict(other, history),
        }
    }
}

/// A worker's failure answer, or no answer, as a verdict.
fn failure_verdict(answer: CannedAnswer, history: &History) -> Verdict {
    match answer {
        CannedAnswer::Failed(failed) => {
            let message = failed
                .failure
                .as_ref()
                .map(|f| f.message.clone())
                .unwrap_or_default();
            let cause = WorkflowTaskFailedCause::try_from(failed.cause)
                .unwrap_or(WorkflowTaskFailedCause::Unspecified);
            if cause == WorkflowTaskFailedCause::NonDeterministicError
                || names_nondeterminism(&message)
            {
                let (divergence, hint) = from_sdk_message(&message, history);
                return Verdict::Nondeterministic { divergence, hint };
            }
            let hint = match PlainFailure::of(&message) {
                PlainFailure::UnregisteredType => hint(
                    "unregistered-type",
                    "the workflow type is not registered on the replay worker",
                ),
                PlainFailure::Deadlock => hint(
                    "deadlock",
                    "the workflow code blocked the worker (a deadlock detector fired)",
                ),
                PlainFailure::Panic => hint(
                    "panic",
                    "the workflow code failed (panicked or raised) while replaying",
                ),
            };
            Verdict::Failed {
                message,
                cause: cause.as_str_name().to_string(),
                hint,
            }
        }
        CannedAnswer::Query(answer) => Verdict::Failed {
            message: answer
                .failure
                .map(|f| f.message)
                .unwrap_or(answer.error_message),
            cause: "query failed".to_string(),
            hint: hint("panic", "the workflow code failed while replaying"),
        },
        CannedAnswer::TimedOut => Verdict::Failed {
            message: "no answer from the worker before the task timeout".to_string(),
            cause: "timeout".to_string(),
            hint: hint(
                "timeout",
                "no worker polled the replay task queue, or the workflow code hangs",
            ),
        },
        CannedAnswer::Completed(_) => Verdict::Ok { notes: Vec::new() },
    }
}
