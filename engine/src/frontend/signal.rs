//! SignalWorkflowExecution, RequestCancelWorkflowExecution and TerminateWorkflowExecution.

use temporalio_protos::temporal::api::history::v1::WorkflowExecutionSignaledEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::workflowservice::v1::{
    RequestCancelWorkflowExecutionRequest, RequestCancelWorkflowExecutionResponse,
    SignalWorkflowExecutionRequest, SignalWorkflowExecutionResponse,
    TerminateWorkflowExecutionRequest, TerminateWorkflowExecutionResponse,
};

use super::Frontend;
use crate::error::EngineError;
use crate::execution::BufferedEvent;
use crate::ids::ExecutionKey;
use crate::state::State;

impl Frontend {
    pub(crate) async fn signal_workflow_execution(
        &self,
        request: SignalWorkflowExecutionRequest,
    ) -> Result<SignalWorkflowExecutionResponse, EngineError> {
        if request.signal_name.is_empty() {
            return Err(EngineError::InvalidArgument(
                "SignalName is not set on request.".to_string(),
            ));
        }
        let mut state = self.shared.lock();
        let key = running(
            &state,
            &request.namespace,
            request.workflow_execution.as_ref(),
        )?;
        state.record_external(
            &key,
            BufferedEvent::plain(Attributes::WorkflowExecutionSignaledEventAttributes(
                WorkflowExecutionSignaledEventAttributes {
                    signal_name: request.signal_name,
                    input: request.input,
                    identity: request.identity,
                    header: request.header,
                    ..WorkflowExecutionSignaledEventAttributes::default()
                },
            )),
        );
        Ok(SignalWorkflowExecutionResponse::default())
    }

    /// Cancelling a closed run succeeds and does nothing, as on the real server.
    pub(crate) async fn request_cancel_workflow_execution(
        &self,
        request: RequestCancelWorkflowExecutionRequest,
    ) -> Result<RequestCancelWorkflowExecutionResponse, EngineError> {
        let mut state = self.shared.lock();
        let execution = request.workflow_execution.clone().unwrap_or_default();
        let key = state.resolve(
            &request.namespace,
            &execution.workflow_id,
            &execution.run_id,
        )?;
        if state.execution(&key)?.is_running() {
            state.request_cancel(&key, &request.reason, &request.identity);
        }
        Ok(RequestCancelWorkflowExecutionResponse::default())
    }

    pub(crate) async fn terminate_workflow_execution(
        &self,
        request: TerminateWorkflowExecutionRequest,
    ) -> Result<TerminateWorkflowExecutionResponse, EngineError> {
        let mut state = self.shared.lock();
        let key = running(
            &state,
            &request.namespace,
            request.workflow_execution.as_ref(),
        )?;
        state.terminate(&key, &request.reason, request.details, &request.identity);
        Ok(TerminateWorkflowExecutionResponse::default())
    }
}

/// The run a request names, which must still be running.
fn running(
    state: &State,
    namespace: &str,
    execution: Option<&temporalio_protos::temporal::api::common::v1::WorkflowExecution>,
) -> Result<ExecutionKey, EngineError> {
    let execution = execution.cloned().unwrap_or_default();
    let key = state.resolve(namespace, &execution.workflow_id, &execution.run_id)?;
    if !state.execution(&key)?.is_running() {
        return Err(EngineError::NotFound(
            "workflow execution already completed".to_string(),
        ));
    }
    Ok(key)
}
