//! Workflow updates across owners: admitting one (and the speculative workflow task that
//! carries it), the worker's answers in a task completion (protocol messages), and what the
//! engine does with updates nobody answered. The update registry itself is
//! `execution/updates.rs`; the RPCs are `frontend/update.rs`.

use prost::Message as _;
use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    WorkflowExecutionUpdateAcceptedEventAttributes,
    WorkflowExecutionUpdateCompletedEventAttributes, WorkflowTaskScheduledEventAttributes,
};
use temporalio_protos::temporal::api::protocol::v1::{Message, message::SequencingId};
use temporalio_protos::temporal::api::update::v1::{Acceptance, Rejection, Request, Response};

use super::commands::{CommandRefused, refused};
use crate::error::EngineError;
use crate::execution::WorkflowTask;
use crate::execution::updates::{
    Admitted, LimitReached, MAX_IN_FLIGHT_UPDATES, MAX_TOTAL_UPDATES, Stage,
};
use crate::ids::ExecutionKey;
use crate::matching::{QueueKey, QueueKind, TaskRef};
use crate::state::State;
use crate::time::proto_duration;

/// The package of the update protocol's message bodies.
const UPDATE_PROTOCOL: &str = "temporal.api.update.v1";
/// Workflow task attempts from which new updates are refused (the real server's
/// `failUpdateWorkflowTaskAttemptCount`).
const FAILING_TASK_ATTEMPT: i32 = 3;

/// The protocol messages that carry update requests on a workflow task: `event_id` is the event
/// before the task's started event, as the real server sets it.
pub(crate) fn request_messages(requests: Vec<Request>, event_id: i64) -> Vec<Message> {
    requests
        .into_iter()
        .map(|request| {
            let update_id = request
                .meta
                .as_ref()
                .map(|meta| meta.update_id.clone())
                .unwrap_or_default();
            Message {
                id: format!("{update_id}/request"),
                protocol_instance_id: update_id,
                body: Some(prost_wkt_types::Any {
                    type_url: format!("type.googleapis.com/{UPDATE_PROTOCOL}.Request"),
                    value: request.encode_to_vec(),
                }),
                sequencing_id: Some(SequencingId::EventId(event_id)),
            }
        })
        .collect()
}

/// What a caller waiting on an update is told now.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Progress {
    /// Not yet accepted.
    Admitted,
    Accepted,
    Completed(Box<temporalio_protos::temporal::api::update::v1::Outcome>),
    /// The update ended without an outcome: the caller gets this error.
    Failed(EngineErrorKind),
}

/// An error a waiter gets, kept as data so `Progress` can be compared and cloned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EngineErrorKind {
    /// The run closed before the update was accepted.
    AbortedByClose,
    /// The run continued as new before the update was accepted: the caller retries.
    AbortedByContinue,
    /// The update is gone (its run is gone).
    Gone,
}

impl EngineErrorKind {
    pub(crate) fn error(self) -> EngineError {
        match self {
            EngineErrorKind::AbortedByClose => {
                EngineError::NotFound("workflow update was aborted by closing workflow".to_string())
            }
            EngineErrorKind::AbortedByContinue => EngineError::ResourceExhausted(
                "workflow operation can not be applied because workflow is closing".to_string(),
            ),
            EngineErrorKind::Gone => EngineError::NotFound("workflow not found".to_string()),
        }
    }
}

impl State {
    /// UpdateWorkflowExecution's change on a run: admits the update (or finds the one with its
    /// id) and makes sure a workflow task will carry it. Returns the admission number the
    /// caller follows. A closed run only answers for updates it already knows.
    pub(crate) fn admit_update(
        &mut self,
        key: &ExecutionKey,
        request: Request,
    ) -> Result<u64, EngineError> {
        let update_id = request
            .meta
            .as_ref()
            .map(|meta| meta.update_id.clone())
            .unwrap_or_default();
        let execution = self.execution(key)?;
        if !execution.is_running() {
            return execution
                .updates
                .find(&update_id)
                .map(|update| update.admission)
                .ok_or_else(|| {
                    EngineError::NotFound("workflow execution already completed".to_string())
                });
        }
        if execution.updates.find(&update_id).is_none()
            && let WorkflowTask::Scheduled { attempt, .. } | WorkflowTask::Started { attempt, .. } =
                execution.workflow_task
            && attempt >= FAILING_TASK_ATTEMPT
        {
            return Err(EngineError::FailedPrecondition(
                "Unable to perform workflow execution update due to Workflow Task in failed state."
                    .to_string(),
            ));
        }
        let execution = self.execution_mut(key)?;
        let admitted = execution.updates.admit(request).map_err(|limit| match limit {
            LimitReached::InFlight => EngineError::ResourceExhausted(format!(
                "limit on number of concurrent in-flight updates has been reached ({MAX_IN_FLIGHT_UPDATES})"
            )),
            LimitReached::Total => EngineError::FailedPrecondition(format!(
                "The limit on the total number of distinct updates in this workflow has been reached ({MAX_TOTAL_UPDATES}). Make sure any duplicate updates share an Update ID so the server can deduplicate them, and consider rejecting updates that you aren't going to process. You can also Continue-as-New to avoid this; we recommend you check Continue-as-New Suggested in your Workflow."
            )),
        })?;
        match admitted {
            Admitted::Existing { admission } => Ok(admission),
            Admitted::New { admission } => {
                // A pending task carries it when it starts; a running one, the task after it
                // (`completion.rs`). With none, a speculative task.
                if execution.workflow_task == WorkflowTask::Idle {
                    self.schedule_speculative_workflow_task(key);
                }
                Ok(admission)
            }
        }
    }

    /// Where the update a caller follows stands. `None`: it is not (or no longer) the same
    /// update, for instance a rejected id that was admitted again.
    pub(crate) fn update_progress(
        &self,
        key: &ExecutionKey,
        update_id: &str,
        admission: u64,
    ) -> Progress {
        let Some(execution) = self.executions.get(key) else {
            return Progress::Failed(EngineErrorKind::Gone);
        };
        let Some(update) = execution.updates.follow(update_id, admission) else {
            return Progress::Failed(EngineErrorKind::Gone);
        };
        match &update.stage {
            Stage::Admitted | Stage::Sent => Progress::Admitted,
            Stage::Accepted { .. } => Progress::Accepted,
            Stage::Completed { outcome } => Progress::Completed(Box::new(outcome.clone())),
            Stage::Rejected { failure } => Progress::Completed(Box::new(
                temporalio_protos::temporal::api::update::v1::Outcome {
                    value: Some(
                        temporalio_protos::temporal::api::update::v1::outcome::Value::Failure(
                            failure.clone(),
                        ),
                    ),
                },
            )),
            Stage::Aborted { reason } => Progress::Failed(match reason {
                crate::execution::updates::AbortReason::WorkflowClosed => {
                    EngineErrorKind::AbortedByClose
                }
                crate::execution::updates::AbortReason::WorkflowContinued => {
                    EngineErrorKind::AbortedByContinue
                }
            }),
        }
    }

    /// Something other than the update happens to a run whose pending task is speculative: the
    /// task becomes an ordinary one, its events written before the new event (a scheduled task)
    /// or before the buffer (a started one), as on the real server.
    pub(crate) fn make_speculative_task_ordinary(&mut self, key: &ExecutionKey) {
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        match execution.workflow_task {
            WorkflowTask::Scheduled {
                speculative: true, ..
            } => {
                self.write_speculative_scheduled(key);
            }
            WorkflowTask::Started {
                speculative: true, ..
            } => self.write_transient_events(key),
            _ => {}
        }
    }

    /// Writes the scheduled event of a scheduled speculative task, which becomes an ordinary
    /// task with that event id (re-queued under it). Returns the event id.
    pub(crate) fn write_speculative_scheduled(&mut self, key: &ExecutionKey) -> i64 {
        let Some(execution) = self.executions.get(key) else {
            return 0;
        };
        let WorkflowTask::Scheduled {
            attempt,
            sticky,
            scheduled_time,
            speculative: true,
            ..
        } = execution.workflow_task
        else {
            return 0;
        };
        let timeout = execution.workflow_task_timeout;
        let queue_name = match (&execution.sticky, sticky) {
            (Some(s), true) => s.queue.clone(),
            _ => execution.task_queue.clone(),
        };
        let task_queue = self.workflow_task_queue(key, sticky);
        let scheduled_event_id = self.write(
            key,
            Attributes::WorkflowTaskScheduledEventAttributes(
                WorkflowTaskScheduledEventAttributes {
                    task_queue: Some(task_queue),
                    start_to_close_timeout: Some(proto_duration(timeout)),
                    attempt,
                },
            ),
        );
        let queue = QueueKey {
            namespace: key.namespace.clone(),
            name: queue_name,
            kind: QueueKind::Workflow,
        };
        self.matching.remove(&queue, key, 0);
        self.matching.push(
            queue,
            TaskRef {
                key: key.clone(),
                scheduled_event_id,
                attempt,
            },
        );
        let written_events = self.executions.get(key).map_or(0, |e| e.history.len());
        if let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
            execution.workflow_task = WorkflowTask::Scheduled {
                scheduled_event_id,
                attempt,
                sticky,
                scheduled_time,
                written_events,
                speculative: false,
            };
        }
        if sticky {
            self.arm_sticky_timeout(key, scheduled_event_id, attempt);
        }
        scheduled_event_id
    }

    /// Applies one protocol message of a workflow task completion: an acceptance writes
    /// UpdateAccepted, a response UpdateCompleted, a rejection nothing.
    pub(crate) fn apply_update_message(
        &mut self,
        key: &ExecutionKey,
        message: Message,
    ) -> Result<(), CommandRefused> {
        let bad = |text: String| {
            refused(
                WorkflowTaskFailedCause::BadUpdateWorkflowExecutionMessage,
                text,
            )
        };
        let body = message.body.unwrap_or_default();
        let type_name = body.type_url.rsplit('/').next().unwrap_or_default();
        let Some((package, kind)) = type_name.rsplit_once('.') else {
            return Err(bad(format!("unsupported protocol type {type_name}")));
        };
        if package != UPDATE_PROTOCOL {
            return Err(bad(format!("unsupported protocol type {package}")));
        }
        let update_id = message.protocol_instance_id;
        let Some(stage) = self
            .executions
            .get(key)
            .and_then(|execution| execution.updates.find(&update_id))
            .map(|update| update.stage.clone())
        else {
            return Err(bad(format!(
                "update {update_id} wasn't found on the server. This is most likely a transient error which will be resolved automatically by retries"
            )));
        };
        let invalid = |kind: &str, stage: &Stage| {
            bad(format!(
                "invalid state transition attempted for Update {update_id}: received {kind} message while in state {}",
                stage_name(stage)
            ))
        };
        let decode_error = |error: prost::DecodeError| bad(format!("{kind}: {error}"));
        match kind {
            "Acceptance" => {
                let acceptance = Acceptance::decode(body.value.as_slice()).map_err(decode_error)?;
                if !matches!(stage, Stage::Admitted | Stage::Sent) {
                    return Err(invalid("Acceptance", &stage));
                }
                let request = self
                    .executions
                    .get(key)
                    .and_then(|execution| execution.updates.find(&update_id))
                    .map(|update| update.request.clone());
                let accepted_event_id = self.write(
                    key,
                    Attributes::WorkflowExecutionUpdateAcceptedEventAttributes(
                        WorkflowExecutionUpdateAcceptedEventAttributes {
                            protocol_instance_id: update_id.clone(),
                            accepted_request_message_id: format!("{update_id}/request"),
                            accepted_request_sequencing_event_id: acceptance
                                .accepted_request_sequencing_event_id,
                            accepted_request: request,
                        },
                    ),
                );
                self.set_update_stage(key, &update_id, Stage::Accepted { accepted_event_id });
            }
            "Response" => {
                let response = Response::decode(body.value.as_slice()).map_err(decode_error)?;
                let Stage::Accepted { accepted_event_id } = stage else {
                    return Err(invalid("Response", &stage));
                };
                let outcome = response.outcome.clone().unwrap_or_default();
                self.write(
                    key,
                    Attributes::WorkflowExecutionUpdateCompletedEventAttributes(
                        WorkflowExecutionUpdateCompletedEventAttributes {
                            meta: response.meta,
                            accepted_event_id,
                            outcome: response.outcome,
                        },
                    ),
                );
                self.set_update_stage(key, &update_id, Stage::Completed { outcome });
            }
            "Rejection" => {
                let rejection = Rejection::decode(body.value.as_slice()).map_err(decode_error)?;
                if !matches!(stage, Stage::Admitted | Stage::Sent) {
                    return Err(invalid("Rejection", &stage));
                }
                let failure = rejection.failure.unwrap_or_default();
                self.set_update_stage(key, &update_id, Stage::Rejected { failure });
            }
            other => return Err(bad(format!("unsupported protocol message {other}"))),
        }
        Ok(())
    }

    /// Updates the worker got in this task but did not answer are rejected by the engine (the
    /// real server's `UnprocessedUpdate`): a worker that does not know updates must not leave
    /// their callers waiting.
    pub(crate) fn reject_unprocessed_updates(&mut self, key: &ExecutionKey) {
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        for update_id in execution.updates.unanswered() {
            self.set_update_stage(
                key,
                &update_id,
                Stage::Rejected {
                    failure: crate::execution::updates::unprocessed_update_failure(),
                },
            );
        }
    }

    fn set_update_stage(&mut self, key: &ExecutionKey, update_id: &str, stage: Stage) {
        if let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
            execution.updates.set_stage(update_id, stage);
            execution.changed.notify_waiters();
        }
    }
}

/// The state names the real server uses in its transition errors.
fn stage_name(stage: &Stage) -> &'static str {
    match stage {
        Stage::Admitted => "Admitted",
        Stage::Sent => "Sent",
        Stage::Accepted { .. } => "Accepted",
        Stage::Completed { .. } => "Completed",
        Stage::Rejected { .. } => "Rejected",
        Stage::Aborted { .. } => "Aborted",
    }
}
