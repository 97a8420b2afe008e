//! Waiting for a workflow to close: long polls of GetWorkflowExecutionHistory with the
//! close-event filter, following continue-as-new to the last run.

use std::time::Duration;

use serde_json::Value;
use temporalio_client::Connection;
use temporalio_client::grpc::WorkflowService;
use temporalio_client::tonic::Request;
use temporalio_protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_protos::temporal::api::enums::v1::HistoryEventFilterType;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::workflowservice::v1::GetWorkflowExecutionHistoryRequest;

use super::payload::first_as_json;
use super::status_label::{
    BAD_RESPONSE, CONTINUE_AS_NEW_LIMIT, WORKFLOW_CANCELED, WORKFLOW_FAILED, WORKFLOW_TERMINATED,
    WORKFLOW_TIMED_OUT, from_status,
};
use super::workflow_plan::MAX_CONTINUE_AS_NEW_FOLLOWED;
use crate::TargetError;

/// Pause after an empty answer that came back at once, so a server that does not long-poll is
/// not hammered. A long poll that expired (the server's ~20 s) is simply repeated.
pub(super) const EMPTY_POLL_PAUSE: Duration = Duration::from_millis(20);
/// An empty answer faster than this did not long-poll.
pub(super) const LONG_POLL_MIN: Duration = Duration::from_millis(500);
/// Deadline of one long poll: above the server's own (about 20 s on Temporal and wfkit's
/// engine), so the server ends the poll, not the client.
pub(super) const LONG_POLL_DEADLINE: Duration = Duration::from_secs(70);

/// How a workflow completed: its last run and its result.
pub(super) struct Completed {
    pub(super) run_id: String,
    pub(super) result: Value,
}

/// Waits until `workflow_id` (from run `run_id`) completes, following continue-as-new.
/// Another ending (failed, timed out, …) is an error under its outcome label. The executor's
/// iteration timeout bounds the wait.
pub(super) async fn wait_for_completion(
    connection: &Connection,
    namespace: &str,
    workflow_id: &str,
    run_id: &str,
) -> Result<Completed, TargetError> {
    let mut run_id = run_id.to_owned();
    for _ in 0..=MAX_CONTINUE_AS_NEW_FOLLOWED {
        let attributes = close_event(connection, namespace, workflow_id, &run_id).await?;
        let fail = |label: &str, detail: String| {
            TargetError::new(
                label,
                format!("workflow {workflow_id} run {run_id}: {detail}"),
            )
        };
        match attributes {
            Attributes::WorkflowExecutionCompletedEventAttributes(completed) => {
                let result = first_as_json(completed.result.as_ref())
                    .map_err(|message| fail(BAD_RESPONSE, message))?;
                return Ok(Completed { run_id, result });
            }
            Attributes::WorkflowExecutionContinuedAsNewEventAttributes(continued) => {
                if continued.new_execution_run_id.is_empty() {
                    return Err(fail(
                        BAD_RESPONSE,
                        "continued as new without a new run id".into(),
                    ));
                }
                run_id = continued.new_execution_run_id;
            }
            Attributes::WorkflowExecutionFailedEventAttributes(failed) => {
                let message = failed
                    .failure
                    .map(|failure| failure.message)
                    .unwrap_or_default();
                return Err(fail(WORKFLOW_FAILED, format!("failed: {message}")));
            }
            Attributes::WorkflowExecutionTimedOutEventAttributes(_) => {
                return Err(fail(WORKFLOW_TIMED_OUT, "timed out".into()));
            }
            Attributes::WorkflowExecutionCanceledEventAttributes(_) => {
                return Err(fail(WORKFLOW_CANCELED, "was cancelled".into()));
            }
            Attributes::WorkflowExecutionTerminatedEventAttributes(terminated) => {
                return Err(fail(
                    WORKFLOW_TERMINATED,
                    format!("terminated: {}", terminated.reason),
                ));
            }
            _ => {
                return Err(fail(
                    BAD_RESPONSE,
                    "the close filter returned another event".into(),
                ));
            }
        }
    }
    Err(TargetError::new(
        CONTINUE_AS_NEW_LIMIT,
        format!(
            "workflow {workflow_id} continued as new more than {MAX_CONTINUE_AS_NEW_FOLLOWED} times"
        ),
    ))
}

/// Long-polls until run `run_id` closes; returns its close event's attributes.
async fn close_event(
    connection: &Connection,
    namespace: &str,
    workflow_id: &str,
    run_id: &str,
) -> Result<Attributes, TargetError> {
    let mut next_page_token = Vec::new();
    // Bounded by the executor's iteration timeout, which cancels this future.
    loop {
        let mut request = Request::new(GetWorkflowExecutionHistoryRequest {
            namespace: namespace.to_owned(),
            execution: Some(WorkflowExecution {
                workflow_id: workflow_id.to_owned(),
                run_id: run_id.to_owned(),
            }),
            next_page_token: std::mem::take(&mut next_page_token),
            wait_new_event: true,
            history_event_filter_type: HistoryEventFilterType::CloseEvent as i32,
            skip_archival: true,
            ..GetWorkflowExecutionHistoryRequest::default()
        });
        request.set_timeout(LONG_POLL_DEADLINE);
        let polled_at = tokio::time::Instant::now();
        let response = connection
            .clone()
            .get_workflow_execution_history(request)
            .await
            .map_err(|status| from_status("GetWorkflowExecutionHistory", &status))?
            .into_inner();
        let last = response
            .history
            .and_then(|history| history.events.into_iter().last())
            .and_then(|event| event.attributes);
        if let Some(attributes) = last {
            return Ok(attributes);
        }
        // The token continues the same long poll where the server left it.
        next_page_token = response.next_page_token;
        if polled_at.elapsed() < LONG_POLL_MIN {
            tokio::time::sleep(EMPTY_POLL_PAUSE).await;
        }
    }
}
