//! ExecuteMultiOperation: update-with-start. Starts the workflow (or finds the running one the
//! start would attach to) and sends it the update, in one step: a new run carries the update on
//! its first workflow task. Errors are per operation, as on the real server: the operation that
//! failed has its error, the other one is ABORTED (`EngineError::MultiOperation`).

use temporalio_protos::temporal::api::enums::v1::WorkflowIdConflictPolicy;
use temporalio_protos::temporal::api::workflowservice::v1::execute_multi_operation_request::operation::Operation as Requested;
use temporalio_protos::temporal::api::workflowservice::v1::execute_multi_operation_response::{
    Response as OperationResponse, response::Response as Answered,
};
use temporalio_protos::temporal::api::workflowservice::v1::{
    ExecuteMultiOperationRequest, ExecuteMultiOperationResponse, StartWorkflowExecutionRequest,
    StartWorkflowExecutionResponse, UpdateWorkflowExecutionRequest,
    UpdateWorkflowExecutionResponse,
};

use super::Frontend;

use super::update::{check_update_request, update_ref};
use crate::error::EngineError;
use crate::ids::ExecutionKey;

impl Frontend {
    pub(crate) async fn execute_multi_operation(
        &self,
        request: ExecuteMultiOperationRequest,
    ) -> Result<ExecuteMultiOperationResponse, EngineError> {
        let namespace = request.namespace.clone();
        let (mut start, mut update) = start_and_update(request)?;
        // Each operation is checked on its own; the first error of each is reported.
        let start_error = check_start(&namespace, &mut start).err();
        let update_error = check_update(&namespace, &start.workflow_id, &mut update).err();
        let wait_stage = match (start_error, update_error) {
            (None, None) => check_update_request(&mut update)?,
            (start_error, update_error) => {
                return Err(EngineError::MultiOperation(vec![
                    start_error.map(Box::new),
                    update_error.map(Box::new),
                ]));
            }
        };
        let mut update_request = update.request.clone().unwrap_or_default();
        let (key, update_id, admission, started) = {
            let mut state = self.shared.lock();
            state.namespace(&namespace)?;
            let meta = update_request.meta.get_or_insert_default();
            if meta.update_id.is_empty() {
                meta.update_id = state.ids.uuid();
            }
            let update_id = meta.update_id.clone();
            let current = state
                .resolve(&namespace, &start.workflow_id, "")
                .ok()
                .and_then(|key| state.execution(&key).ok().map(|run| (key, run)));
            // The run the update goes to: an existing one that already knows the update, or
            // that the start would attach to; else a new run.
            let existing = current.and_then(|(key, run)| {
                let attaches = run.updates.find(&update_id).is_some()
                    || (run.is_running()
                        && ((!start.request_id.is_empty()
                            && run.start_request.request_id == start.request_id)
                            || start.workflow_id_conflict_policy
                                == WorkflowIdConflictPolicy::UseExisting as i32));
                attaches.then_some((key, run.status))
            });
            let (key, started) = match existing {
                Some((key, status)) => {
                    let response = StartWorkflowExecutionResponse {
                        run_id: key.run_id.clone(),
                        started: false,
                        status: status as i32,
                        ..StartWorkflowExecutionResponse::default()
                    };
                    (key, response)
                }
                None => {
                    let response = crate::transitions::start_request::start_workflow(
                        &mut state,
                        start.clone(),
                    )
                    .map_err(|error| {
                        EngineError::MultiOperation(vec![Some(Box::new(error)), None])
                    })?;
                    let key = ExecutionKey {
                        namespace: namespace.clone(),
                        workflow_id: start.workflow_id.clone(),
                        run_id: response.run_id.clone(),
                    };
                    (key, response)
                }
            };
            let admission = state
                .admit_update(&key, update_request)
                .map_err(|error| EngineError::MultiOperation(vec![None, Some(Box::new(error))]))?;
            (key, update_id, admission, started)
        };
        let (stage, outcome) = self
            .wait_for_update(&key, &update_id, admission, wait_stage)
            .await?;
        Ok(ExecuteMultiOperationResponse {
            responses: vec![
                OperationResponse {
                    response: Some(Answered::StartWorkflow(started)),
                },
                OperationResponse {
                    response: Some(Answered::UpdateWorkflow(UpdateWorkflowExecutionResponse {
                        update_ref: Some(update_ref(&key, &update_id)),
                        outcome,
                        stage: stage as i32,
                        ..UpdateWorkflowExecutionResponse::default()
                    })),
                },
            ],
        })
    }
}

/// The two operations, which must be exactly a start then an update.
fn start_and_update(
    request: ExecuteMultiOperationRequest,
) -> Result<
    (
        StartWorkflowExecutionRequest,
        UpdateWorkflowExecutionRequest,
    ),
    EngineError,
> {
    let mut operations = request
        .operations
        .into_iter()
        .map(|operation| operation.operation);
    match (operations.next(), operations.next(), operations.next()) {
        (
            Some(Some(Requested::StartWorkflow(start))),
            Some(Some(Requested::UpdateWorkflow(update))),
            None,
        ) => Ok((start, update)),
        _ => Err(EngineError::InvalidArgument(
            "Operations have to be exactly [Start, Update].".to_string(),
        )),
    }
}

/// The start operation's own checks, in the real server's order.
fn check_start(
    namespace: &str,
    start: &mut StartWorkflowExecutionRequest,
) -> Result<(), EngineError> {
    let invalid = |text: &str| Err(EngineError::InvalidArgument(text.to_string()));
    if !start.namespace.is_empty() && start.namespace != namespace {
        return invalid("Operation namespace did not match request's namespace.");
    }
    start.namespace = namespace.to_string();
    crate::transitions::start_request::validate(start)?;
    if !start.cron_schedule.is_empty() {
        return invalid("CronSchedule is not allowed.");
    }
    if start.request_eager_execution {
        return invalid("RequestEagerExecution is not supported.");
    }
    if start
        .workflow_start_delay
        .as_ref()
        .is_some_and(|delay| delay.seconds > 0 || delay.nanos > 0)
    {
        return invalid("WorkflowStartDelay is not supported.");
    }
    Ok(())
}

/// The update operation's own checks, in the real server's order.
fn check_update(
    namespace: &str,
    workflow_id: &str,
    update: &mut UpdateWorkflowExecutionRequest,
) -> Result<(), EngineError> {
    let invalid = |text: &str| Err(EngineError::InvalidArgument(text.to_string()));
    if !update.namespace.is_empty() && update.namespace != namespace {
        return invalid("Operation namespace did not match request's namespace.");
    }
    update.namespace = namespace.to_string();
    check_update_request(update)?;
    if !update.first_execution_run_id.is_empty() {
        return invalid("FirstExecutionRunId is not allowed.");
    }
    let execution = update.workflow_execution.clone().unwrap_or_default();
    if !execution.run_id.is_empty() {
        return invalid("RunId is not allowed.");
    }
    if execution.workflow_id != workflow_id {
        return invalid("WorkflowId is not consistent with previous operation(s).");
    }
    Ok(())
}
