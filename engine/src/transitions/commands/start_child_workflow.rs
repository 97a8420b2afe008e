//! StartChildWorkflowExecution: StartChildWorkflowExecutionInitiated now; the child itself
//! starts once the workflow task is complete (a deferred effect), as on the real server.

use temporalio_protos::temporal::api::command::v1::StartChildWorkflowExecutionCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::{
    ParentClosePolicy, TaskQueueKind, WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::history::v1::StartChildWorkflowExecutionInitiatedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;

use super::{CommandRefused, refused};
use crate::ids::ExecutionKey;
use crate::state::{Deferred, State};
use crate::time::proto_duration;

// `control` is deprecated but still copied: the real server does.
#[allow(deprecated)]
pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: StartChildWorkflowExecutionCommandAttributes,
) -> Result<(), CommandRefused> {
    let bad = |message: &str| {
        refused(
            WorkflowTaskFailedCause::BadStartChildExecutionAttributes,
            message,
        )
    };
    if command.workflow_id.is_empty() {
        return Err(bad("Required field WorkflowId is not set."));
    }
    let workflow_type = command
        .workflow_type
        .clone()
        .filter(|t| !t.name.is_empty())
        .ok_or_else(|| bad("Required field WorkflowType is not set."))?;
    let retry_policy = crate::execution::retry_policy::with_defaults(command.retry_policy)
        .map_err(|error| {
            bad(&format!(
                "invalid WorkflowRetryPolicy on StartChildWorkflowExecutionCommand: {error}."
            ))
        })?;
    crate::transitions::next_run::validate_cron(&command.cron_schedule, state.now())
        .map_err(bad)?;
    let execution = state.execution(key).map_err(|e| bad(&e.to_string()))?;
    let namespace = if command.namespace.is_empty() {
        key.namespace.clone()
    } else {
        command.namespace.clone()
    };
    let namespace_id = state
        .namespaces
        .get(&namespace)
        .map(|n| n.id.clone())
        .unwrap_or_default();
    let task_queue = match command.task_queue.as_ref().map(|q| q.name.as_str()) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => execution.task_queue.clone(),
    };
    // A child inherits the parent's workflow task timeout when it sets none.
    let task_timeout = command
        .workflow_task_timeout
        .or(Some(proto_duration(execution.workflow_task_timeout)));
    let initiated_event_id = state.write(
        key,
        Attributes::StartChildWorkflowExecutionInitiatedEventAttributes(
            StartChildWorkflowExecutionInitiatedEventAttributes {
                namespace,
                namespace_id,
                workflow_id: command.workflow_id,
                workflow_type: Some(workflow_type),
                task_queue: Some(TaskQueue {
                    name: task_queue,
                    kind: TaskQueueKind::Normal as i32,
                    ..TaskQueue::default()
                }),
                input: command.input,
                workflow_execution_timeout: command.workflow_execution_timeout,
                // The server writes the run timeout and the close policy even when left unset.
                workflow_run_timeout: Some(command.workflow_run_timeout.unwrap_or_default()),
                workflow_task_timeout: task_timeout,
                parent_close_policy: if command.parent_close_policy == 0 {
                    ParentClosePolicy::Terminate as i32
                } else {
                    command.parent_close_policy
                },
                control: command.control,
                workflow_task_completed_event_id: completed_event_id,
                workflow_id_reuse_policy: command.workflow_id_reuse_policy,
                retry_policy,
                cron_schedule: command.cron_schedule,
                header: command.header,
                memo: command.memo.filter(|memo| !memo.fields.is_empty()),
                search_attributes: command.search_attributes,
                inherit_build_id: command.inherit_build_id,
                priority: command.priority,
                ..StartChildWorkflowExecutionInitiatedEventAttributes::default()
            },
        ),
    );
    state.deferred.push(Deferred::StartChild {
        parent: key.clone(),
        initiated_event_id,
    });
    Ok(())
}
