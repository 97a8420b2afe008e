//! One workflow update, sent and waited for until it completed: UpdateWorkflowExecution with
//! the COMPLETED wait policy, then, when the server's wait ended first, the same request again
//! (not yet accepted) or PollWorkflowExecutionUpdate (accepted), until the outcome is known.

use serde_json::Value;
use temporalio_client::Connection;
use temporalio_client::grpc::WorkflowService;
use temporalio_client::tonic::Request;
use temporalio_protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_protos::temporal::api::enums::v1::UpdateWorkflowExecutionLifecycleStage as LifecycleStage;
use temporalio_protos::temporal::api::update::v1::outcome::Value as OutcomeValue;
use temporalio_protos::temporal::api::update::v1::{
    Input, Meta, Outcome, Request as UpdateRequest, UpdateRef, WaitPolicy,
};
use temporalio_protos::temporal::api::workflowservice::v1::{
    PollWorkflowExecutionUpdateRequest, UpdateWorkflowExecutionRequest,
};

use super::close_wait::{EMPTY_POLL_PAUSE, LONG_POLL_DEADLINE, LONG_POLL_MIN};
use super::connect::LOADGEN_IDENTITY;
use super::payload::{first_as_json, json_payloads};
use super::status_label::{BAD_RESPONSE, UPDATE_FAILED, from_status};
use crate::TargetError;

/// One update to send: to run `run_id` of `workflow_id`, named `name`, with `index` as its
/// argument.
pub(super) struct UpdateCall<'a> {
    pub(super) connection: &'a Connection,
    pub(super) namespace: &'a str,
    pub(super) workflow_id: &'a str,
    pub(super) run_id: &'a str,
    pub(super) name: &'a str,
    pub(super) index: u32,
}

impl UpdateCall<'_> {
    /// The update id: unique per workflow and index, so a request the server sees twice is
    /// the same update.
    fn update_id(&self) -> String {
        format!("{}-update-{}", self.workflow_id, self.index)
    }

    /// Sends the update and waits until it completed; returns its answer as JSON. A failed
    /// update (its handler failed, or a validator rejected it) is `UPDATE_FAILED`. The
    /// executor's iteration timeout bounds the wait.
    pub(super) async fn execute(&self) -> Result<Value, TargetError> {
        let completed = || {
            Some(WaitPolicy {
                lifecycle_stage: LifecycleStage::Completed as i32,
            })
        };
        let request = UpdateWorkflowExecutionRequest {
            namespace: self.namespace.to_owned(),
            workflow_execution: Some(WorkflowExecution {
                workflow_id: self.workflow_id.to_owned(),
                run_id: self.run_id.to_owned(),
            }),
            wait_policy: completed(),
            request: Some(UpdateRequest {
                meta: Some(Meta {
                    update_id: self.update_id(),
                    identity: LOADGEN_IDENTITY.to_owned(),
                }),
                input: Some(Input {
                    header: None,
                    name: self.name.to_owned(),
                    args: Some(json_payloads(self.index.to_string().into_bytes())),
                }),
                ..UpdateRequest::default()
            }),
            ..UpdateWorkflowExecutionRequest::default()
        };
        // Bounded by the executor's iteration timeout, which cancels this future.
        let update_ref = loop {
            let mut call = Request::new(request.clone());
            call.set_timeout(LONG_POLL_DEADLINE);
            let sent_at = tokio::time::Instant::now();
            let response = self
                .connection
                .clone()
                .update_workflow_execution(call)
                .await
                .map_err(|status| from_status("UpdateWorkflowExecution", &status))?
                .into_inner();
            if let Some(outcome) = response.outcome {
                return self.answer(outcome);
            }
            if response.stage >= LifecycleStage::Accepted as i32 {
                break response.update_ref.unwrap_or_else(|| UpdateRef {
                    workflow_execution: request.workflow_execution.clone(),
                    update_id: self.update_id(),
                });
            }
            // The server's wait ended before the workflow accepted the update: ask again, as
            // the official clients do (the same update id, so the same update).
            pause_if_quick(sent_at).await;
        };
        loop {
            let mut call = Request::new(PollWorkflowExecutionUpdateRequest {
                namespace: self.namespace.to_owned(),
                update_ref: Some(update_ref.clone()),
                identity: LOADGEN_IDENTITY.to_owned(),
                wait_policy: completed(),
            });
            call.set_timeout(LONG_POLL_DEADLINE);
            let sent_at = tokio::time::Instant::now();
            let response = self
                .connection
                .clone()
                .poll_workflow_execution_update(call)
                .await
                .map_err(|status| from_status("PollWorkflowExecutionUpdate", &status))?
                .into_inner();
            if let Some(outcome) = response.outcome {
                return self.answer(outcome);
            }
            pause_if_quick(sent_at).await;
        }
    }

    /// The answer of a completed update, or its failure.
    fn answer(&self, outcome: Outcome) -> Result<Value, TargetError> {
        let fail = |label: &str, detail: String| {
            TargetError::new(
                label,
                format!(
                    "update {} ({}) of workflow {}: {detail}",
                    self.index, self.name, self.workflow_id
                ),
            )
        };
        match outcome.value {
            Some(OutcomeValue::Success(payloads)) => {
                first_as_json(Some(&payloads)).map_err(|message| fail(BAD_RESPONSE, message))
            }
            Some(OutcomeValue::Failure(failure)) => {
                Err(fail(UPDATE_FAILED, format!("failed: {}", failure.message)))
            }
            None => Err(fail(BAD_RESPONSE, "completed without an outcome".into())),
        }
    }
}

/// Pauses after an answer without progress that came back at once, so a server that does not
/// long-poll is not hammered.
async fn pause_if_quick(sent_at: tokio::time::Instant) {
    if sent_at.elapsed() < LONG_POLL_MIN {
        tokio::time::sleep(EMPTY_POLL_PAUSE).await;
    }
}
