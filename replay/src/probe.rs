//! The workflow tasks replay hands a worker, built from a recorded history (see DESIGN.md §2).

use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::TaskQueueKind;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{History, HistoryEvent};
use temporalio_protos::temporal::api::protocol::v1::{Message, message::SequencingId};
use temporalio_protos::temporal::api::query::v1::WorkflowQuery;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse;

/// The built-in query every core-based SDK answers; asking it makes the worker replay the whole
/// history (DESIGN.md §2.2, probe R).
const METADATA_QUERY: &str = "__temporal_workflow_metadata";

/// Identity of the run a probe is for.
#[derive(Debug, Clone)]
pub(crate) struct ProbeRun {
    pub(crate) workflow_id: String,
    pub(crate) run_id: String,
    pub(crate) task_queue: String,
}

fn base(
    history: &History,
    run: &ProbeRun,
    events: &[HistoryEvent],
) -> PollWorkflowTaskQueueResponse {
    let workflow_type = match history.events.first().and_then(|e| e.attributes.as_ref()) {
        Some(Attributes::WorkflowExecutionStartedEventAttributes(a)) => a.workflow_type.clone(),
        _ => None,
    };
    PollWorkflowTaskQueueResponse {
        workflow_execution: Some(WorkflowExecution {
            workflow_id: run.workflow_id.clone(),
            run_id: run.run_id.clone(),
        }),
        workflow_type: Some(workflow_type.unwrap_or(WorkflowType::default())),
        attempt: 1,
        history: Some(History {
            events: events.to_vec(),
        }),
        workflow_execution_task_queue: Some(TaskQueue {
            name: run.task_queue.clone(),
            kind: TaskQueueKind::Normal as i32,
            ..TaskQueue::default()
        }),
        ..PollWorkflowTaskQueueResponse::default()
    }
}

/// Probe T: the history up to a task's WorkflowTaskStarted; earlier tasks replay, this one runs
/// fresh and the worker answers with its commands. Updates the recorded task accepted were
/// delivered to it as protocol messages, not events: they are handed over the same way, rebuilt
/// from their UpdateAccepted events, so the worker runs their handlers as it did.
pub(crate) fn task_probe(
    history: &History,
    run: &ProbeRun,
    started: i64,
    previous: i64,
) -> PollWorkflowTaskQueueResponse {
    let end = (started as usize).min(history.events.len());
    let mut response = base(history, run, &history.events[..end]);
    response.started_event_id = started;
    response.previous_started_event_id = previous;
    response.messages = accepted_update_requests(&history.events[end..], started);
    response
}

/// The update requests a task received, from the UpdateAccepted events its completion wrote
/// (`after_started`: the events after the task's WorkflowTaskStarted, up to the next task).
fn accepted_update_requests(after_started: &[HistoryEvent], started: i64) -> Vec<Message> {
    use prost::Message as _;
    after_started
        .iter()
        .take_while(|event| {
            !matches!(
                event.attributes,
                Some(Attributes::WorkflowTaskScheduledEventAttributes(_))
                    | Some(Attributes::WorkflowTaskStartedEventAttributes(_))
            )
        })
        .filter_map(|event| match &event.attributes {
            Some(Attributes::WorkflowExecutionUpdateAcceptedEventAttributes(accepted)) => {
                let request = accepted.accepted_request.clone()?;
                let sequencing = match accepted.accepted_request_sequencing_event_id {
                    0 => started - 1,
                    id => id,
                };
                Some(Message {
                    id: accepted.accepted_request_message_id.clone(),
                    protocol_instance_id: accepted.protocol_instance_id.clone(),
                    sequencing_id: Some(SequencingId::EventId(sequencing)),
                    body: Some(prost_wkt_types::Any {
                        type_url: "type.googleapis.com/temporal.api.update.v1.Request".to_string(),
                        value: request.encode_to_vec(),
                    }),
                })
            }
            _ => None,
        })
        .collect()
}

/// Probe R: the whole history with the metadata query; the worker replays every event,
/// including the last task's commands, and answers the query or reports nondeterminism.
pub(crate) fn replay_probe(
    history: &History,
    run: &ProbeRun,
    last_completed_start: i64,
) -> PollWorkflowTaskQueueResponse {
    let mut response = base(history, run, &history.events);
    response.started_event_id = last_completed_start;
    response.previous_started_event_id = last_completed_start;
    response.query = Some(WorkflowQuery {
        query_type: METADATA_QUERY.to_string(),
        ..WorkflowQuery::default()
    });
    response
}
