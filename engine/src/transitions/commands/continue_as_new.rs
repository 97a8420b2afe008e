//! ContinueAsNewWorkflowExecution: WorkflowExecutionContinuedAsNew closes the run, and a new run
//! of the same workflow id starts with the command's input.

use temporalio_protos::temporal::api::command::v1::ContinueAsNewWorkflowExecutionCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::{
    ContinueAsNewInitiator, WorkflowExecutionStatus, WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::history::v1::WorkflowExecutionContinuedAsNewEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::StartWorkflowExecutionRequest;

use super::CommandRefused;
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::time::{nonzero_duration, proto_duration};
use crate::transitions::start::{ChainLink, RunOrigin};

// Deprecated fields are still written: the real server fills them, and histories must match.
#[allow(deprecated)]
pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: ContinueAsNewWorkflowExecutionCommandAttributes,
) -> Result<(), CommandRefused> {
    let Ok(execution) = state.execution(key) else {
        return Ok(());
    };
    let bad = |message: String| {
        super::refused(
            WorkflowTaskFailedCause::BadContinueAsNewAttributes,
            format!("{message} WorkflowType={}", execution.workflow_type),
        )
    };
    let retry_policy = crate::execution::retry_policy::with_defaults(command.retry_policy.clone())
        .map_err(|error| {
            bad(format!(
                "invalid WorkflowRetryPolicy on ContinueAsNewWorkflowExecutionCommand: {error}."
            ))
        })?;
    crate::transitions::next_run::validate_cron(&command.cron_schedule, state.now())
        .map_err(|error| bad(error.to_string()))?;
    let previous = (*execution.start_request).clone();
    let first_execution_run_id = execution.first_execution_run_id.clone();
    let parent = execution.parent.clone();
    let workflow_type = command
        .workflow_type
        .clone()
        .filter(|t| !t.name.is_empty())
        .or(previous.workflow_type.clone());
    let task_queue = command
        .task_queue
        .clone()
        .filter(|q| !q.name.is_empty())
        .or(previous.task_queue.clone())
        .map(|q| TaskQueue {
            name: q.name,
            kind: q.kind.max(1),
            normal_name: String::new(),
        });
    // No run timeout is written as an explicit 0s on continue-as-new, as the real server does.
    let run_timeout = Some(proto_duration(
        nonzero_duration(command.workflow_run_timeout.as_ref())
            .or(execution.run_timeout)
            .unwrap_or_default(),
    ));
    let task_timeout = nonzero_duration(command.workflow_task_timeout.as_ref())
        .unwrap_or(execution.workflow_task_timeout);
    let backoff = crate::transitions::next_run::spaced_backoff(
        execution,
        state.now(),
        nonzero_duration(command.backoff_start_interval.as_ref()),
    );
    let initiator = match ContinueAsNewInitiator::try_from(command.initiator) {
        Ok(ContinueAsNewInitiator::Unspecified) | Err(_) => ContinueAsNewInitiator::Workflow,
        Ok(initiator) => initiator,
    };
    let attempt = if initiator == ContinueAsNewInitiator::Retry {
        execution.attempt + 1
    } else {
        1
    };
    let expiration = execution.expiration;
    let new_run_id = state.ids.uuid();
    state.close_execution(
        key,
        WorkflowExecutionStatus::ContinuedAsNew,
        Attributes::WorkflowExecutionContinuedAsNewEventAttributes(
            WorkflowExecutionContinuedAsNewEventAttributes {
                new_execution_run_id: new_run_id.clone(),
                workflow_type: workflow_type.clone(),
                task_queue: task_queue.clone(),
                input: command.input.clone(),
                workflow_run_timeout: run_timeout,
                workflow_task_timeout: Some(proto_duration(task_timeout)),
                workflow_task_completed_event_id: completed_event_id,
                backoff_start_interval: command.backoff_start_interval,
                // Written as the command says: the real server leaves an unset initiator unset here.
                initiator: command.initiator,
                inherit_build_id: command.inherit_build_id,
                failure: command.failure.clone(),
                last_completion_result: command.last_completion_result.clone(),
                header: command.header.clone(),
                memo: command.memo.clone(),
                search_attributes: command.search_attributes.clone(),
                ..WorkflowExecutionContinuedAsNewEventAttributes::default()
            },
        ),
    );
    let request = StartWorkflowExecutionRequest {
        namespace: key.namespace.clone(),
        workflow_id: key.workflow_id.clone(),
        workflow_type,
        task_queue,
        input: command.input,
        workflow_execution_timeout: previous.workflow_execution_timeout,
        workflow_run_timeout: run_timeout,
        workflow_task_timeout: Some(proto_duration(task_timeout)),
        identity: previous.identity.clone(),
        header: command.header,
        memo: command.memo,
        search_attributes: command.search_attributes,
        // The command's own policy and schedule, as the server takes them (SDKs copy the
        // workflow's unless told otherwise).
        retry_policy,
        cron_schedule: command.cron_schedule,
        // The new run keeps the priority of the one it continues.
        priority: previous.priority.clone(),
        ..StartWorkflowExecutionRequest::default()
    };
    state.start_run(
        request,
        new_run_id,
        RunOrigin::Chained(Box::new(ChainLink {
            previous_run_id: key.run_id.clone(),
            first_execution_run_id,
            parent,
            initiator,
            backoff,
            attempt,
            last_completion_result: command.last_completion_result,
            continued_failure: command.failure,
            expiration,
        })),
    );
    Ok(())
}
