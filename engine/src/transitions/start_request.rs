//! A start request as the server takes it, whoever sends it (a client's StartWorkflowExecution,
//! SignalWithStart, update-with-start, or a schedule's action): validation with the server's
//! defaults, the id reuse and conflict policies, and request-id dedup.

use std::time::SystemTime;

use temporalio_protos::temporal::api::enums::v1::{
    WorkflowExecutionStatus, WorkflowIdConflictPolicy, WorkflowIdReusePolicy,
};
use temporalio_protos::temporal::api::workflowservice::v1::{
    StartWorkflowExecutionRequest, StartWorkflowExecutionResponse,
};

use crate::error::EngineError;
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::transitions::start::RunOrigin;

/// Longest workflow id, type name or task queue name the server accepts.
const MAX_ID_LENGTH: usize = 1000;

/// Starts a run, or answers for the run a retried request already started.
pub(crate) fn start_workflow(
    state: &mut State,
    request: StartWorkflowExecutionRequest,
) -> Result<StartWorkflowExecutionResponse, EngineError> {
    let id = (request.namespace.clone(), request.workflow_id.clone());
    if let Some(run_id) = state.current_runs.get(&id).cloned() {
        let key = ExecutionKey {
            namespace: id.0.clone(),
            workflow_id: id.1.clone(),
            run_id: run_id.clone(),
        };
        let current = state.execution(&key)?;
        // The same request again (a client retry): the same answer.
        if !request.request_id.is_empty() && current.start_request.request_id == request.request_id
        {
            return Ok(response(run_id, current.is_running()));
        }
        if current.is_running() {
            let conflict = WorkflowIdConflictPolicy::try_from(request.workflow_id_conflict_policy)
                .unwrap_or_default();
            match conflict {
                WorkflowIdConflictPolicy::UseExisting => return Ok(response(run_id, false)),
                WorkflowIdConflictPolicy::TerminateExisting => {
                    state.terminate(
                        &key,
                        "terminated by a start with WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING",
                        None,
                        &request.identity,
                    );
                }
                _ => {
                    return Err(EngineError::AlreadyStarted {
                        workflow_id: request.workflow_id.clone(),
                        run_id,
                        start_request_id: current.start_request.request_id.clone(),
                    });
                }
            }
        } else {
            check_reuse(current, &request)?;
        }
    }
    let run_id = state.ids.uuid();
    state.start_run(request, run_id.clone(), RunOrigin::Client);
    Ok(response(run_id, true))
}

fn response(run_id: String, started: bool) -> StartWorkflowExecutionResponse {
    StartWorkflowExecutionResponse {
        run_id,
        started,
        // Both a new run and an existing one it answers for are running.
        status: WorkflowExecutionStatus::Running as i32,
        ..StartWorkflowExecutionResponse::default()
    }
}

/// The server's checks of a start request, in its order; fills in the retry policy's defaults.
pub(crate) fn validate(request: &mut StartWorkflowExecutionRequest) -> Result<(), EngineError> {
    let invalid = |message: &str| Err(EngineError::InvalidArgument(message.to_string()));
    if request.workflow_id.is_empty() {
        return invalid("WorkflowId is not set on request.");
    }
    if request.workflow_id.len() > MAX_ID_LENGTH {
        return invalid("WorkflowId length exceeds limit.");
    }
    match &request.workflow_type {
        Some(t) if !t.name.is_empty() => {}
        _ => return invalid("WorkflowType is not set on request."),
    }
    match &request.task_queue {
        Some(q) if !q.name.is_empty() => {}
        _ => return invalid("TaskQueue is not set on request."),
    }
    for (name, value) in [
        (
            "WorkflowExecutionTimeout",
            &request.workflow_execution_timeout,
        ),
        ("WorkflowRunTimeout", &request.workflow_run_timeout),
        ("WorkflowTaskTimeout", &request.workflow_task_timeout),
    ] {
        if let Some(d) = value
            && (d.seconds < 0 || d.nanos < 0)
        {
            return Err(EngineError::InvalidArgument(format!("Invalid {name}.")));
        }
    }
    if request.workflow_id.contains('\0') || request.namespace.contains('\0') {
        return invalid("WorkflowId and Namespace must not contain NUL.");
    }
    request.retry_policy =
        crate::execution::retry_policy::with_defaults(request.retry_policy.take())
            .map_err(EngineError::InvalidArgument)?;
    // Whether the schedule has any time in the next five years: the server asks its own clock.
    super::next_run::validate_cron(&request.cron_schedule, SystemTime::now())
        .map_err(|error| EngineError::InvalidArgument(error.to_string()))?;
    if !request.cron_schedule.is_empty() && request.workflow_start_delay.is_some() {
        return invalid("CronSchedule and WorkflowStartDelay may not be used together.");
    }
    Ok(())
}

/// A closed run with this workflow id: may a new run start, by the request's id reuse policy?
pub(crate) fn check_reuse(
    current: &crate::execution::Execution,
    request: &StartWorkflowExecutionRequest,
) -> Result<(), EngineError> {
    let reuse =
        WorkflowIdReusePolicy::try_from(request.workflow_id_reuse_policy).unwrap_or_default();
    let completed = current.status == WorkflowExecutionStatus::Completed;
    let refused = match reuse {
        WorkflowIdReusePolicy::RejectDuplicate => true,
        WorkflowIdReusePolicy::AllowDuplicateFailedOnly => completed,
        _ => false,
    };
    if refused {
        return Err(EngineError::AlreadyStarted {
            workflow_id: request.workflow_id.clone(),
            run_id: current.key.run_id.clone(),
            start_request_id: current.start_request.request_id.clone(),
        });
    }
    Ok(())
}
