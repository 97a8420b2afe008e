//! PollWorkflowTaskQueue: a long poll that starts the oldest current workflow task.

use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::TaskQueueKind;
use temporalio_protos::temporal::api::history::v1::History;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::{
    PollWorkflowTaskQueueRequest, PollWorkflowTaskQueueResponse,
};

use super::Frontend;
use super::long_poll::poller;
use crate::error::EngineError;
use crate::matching::{QueryTask, QueueKind};
use crate::state::State;
use crate::time::timestamp;
use crate::token::{TaskKind, TaskToken};
use crate::transitions::workflow_task::StartedWorkflowTask;

impl Frontend {
    // Deprecated worker-version fields are still filled: the real server fills them.
    #[allow(deprecated)]
    pub(crate) async fn poll_workflow_task_queue(
        &self,
        request: PollWorkflowTaskQueueRequest,
    ) -> Result<PollWorkflowTaskQueueResponse, EngineError> {
        let response = self
            .long_poll(
                &request.identity,
                &request.namespace,
                request.task_queue.as_ref(),
                QueueKind::Workflow,
                |state, queue| {
                    while let Some((id, response)) = state.matching.pop_canned(queue) {
                        // A canned task whose submitter gave up is dropped.
                        if state.waiters.canned.contains_key(&id) {
                            return Some(*response);
                        }
                    }
                    while let Some(query) = state.matching.pop_query(queue) {
                        // A query whose client gave up is dropped.
                        if state.waiters.queries.contains_key(&query.id)
                            && let Some(response) = query_response(state, query)
                        {
                            return Some(response);
                        }
                    }
                    while let Some(task) = state.matching.pop(queue) {
                        let request_id = state.ids.uuid();
                        if let Some(started) = state.start_workflow_task(
                            &task,
                            &poller(
                                &request.identity,
                                request_id,
                                request.worker_version_capabilities.as_ref(),
                            ),
                        ) {
                            let backlog = state.matching.backlog(queue);
                            return Some(poll_response(state, started, backlog));
                        }
                    }
                    None
                },
            )
            .await?;
        Ok(response.unwrap_or_default())
    }
}

/// The response for a started task: the whole history on the normal queue; on a sticky queue,
/// only what the worker has not seen (events after its previous workflow task started).
fn poll_response(
    state: &State,
    task: StartedWorkflowTask,
    backlog: usize,
) -> PollWorkflowTaskQueueResponse {
    let Some(execution) = state.executions.get(&task.key) else {
        return PollWorkflowTaskQueueResponse::default();
    };
    // The scheduled event says which queue: written, or (a transient or speculative task) sent.
    let scheduled_event = match &task.transient {
        Some(transient) => Some(&transient[0]),
        None => execution.history.get(task.scheduled_event_id as usize - 1),
    };
    let sticky = execution.sticky.is_some()
        && matches!(
            scheduled_event.and_then(|e| e.attributes.as_ref()),
            Some(temporalio_protos::temporal::api::history::v1::history_event::Attributes::WorkflowTaskScheduledEventAttributes(a))
                if a.task_queue.as_ref().is_some_and(|q| q.kind == TaskQueueKind::Sticky as i32)
        );
    let first = if sticky && task.previous_started_event_id > 0 {
        task.previous_started_event_id as usize
    } else {
        0
    };
    let mut events = execution.events(first, usize::MAX);
    // A transient retry's own events follow the written history.
    if let Some(transient) = task.transient.clone() {
        events.extend(*transient);
    }
    let token = TaskToken {
        kind: TaskKind::Workflow,
        namespace: task.key.namespace.clone(),
        workflow_id: task.key.workflow_id.clone(),
        run_id: task.key.run_id.clone(),
        scheduled_event_id: task.scheduled_event_id,
        attempt: task.attempt,
    };
    PollWorkflowTaskQueueResponse {
        task_token: token.encode(),
        workflow_execution: Some(WorkflowExecution {
            workflow_id: task.key.workflow_id.clone(),
            run_id: task.key.run_id.clone(),
        }),
        workflow_type: Some(WorkflowType {
            name: execution.workflow_type.clone(),
        }),
        previous_started_event_id: task.previous_started_event_id,
        started_event_id: task.started_event_id,
        attempt: task.attempt,
        backlog_count_hint: backlog as i64,
        history: Some(History { events }),
        workflow_execution_task_queue: Some(TaskQueue {
            name: execution.task_queue.clone(),
            kind: TaskQueueKind::Normal as i32,
            ..TaskQueue::default()
        }),
        scheduled_time: Some(timestamp(task.scheduled_time)),
        started_time: Some(timestamp(task.started_time)),
        messages: task.messages,
        queries: task.queries,
        ..PollWorkflowTaskQueueResponse::default()
    }
}

/// A query task: the query, and the whole history for a worker that must replay to answer it.
fn query_response(state: &State, query: QueryTask) -> Option<PollWorkflowTaskQueueResponse> {
    let execution = state.executions.get(&query.key)?;
    let token = TaskToken {
        kind: TaskKind::Query,
        namespace: query.key.namespace.clone(),
        workflow_id: query.key.workflow_id.clone(),
        run_id: query.key.run_id.clone(),
        scheduled_event_id: query.id,
        attempt: 1,
    };
    Some(PollWorkflowTaskQueueResponse {
        task_token: token.encode(),
        workflow_execution: Some(WorkflowExecution {
            workflow_id: query.key.workflow_id.clone(),
            run_id: query.key.run_id.clone(),
        }),
        workflow_type: Some(WorkflowType {
            name: execution.workflow_type.clone(),
        }),
        previous_started_event_id: execution.previous_started_event_id,
        // A query task runs no workflow task: the server sends started 0 and attempt 1.
        started_event_id: 0,
        attempt: 1,
        history: Some(History {
            events: execution.events(0, usize::MAX),
        }),
        query: Some(query.query),
        workflow_execution_task_queue: Some(TaskQueue {
            name: execution.task_queue.clone(),
            kind: TaskQueueKind::Normal as i32,
            ..TaskQueue::default()
        }),
        ..PollWorkflowTaskQueueResponse::default()
    })
}
