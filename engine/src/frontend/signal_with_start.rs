//! SignalWithStartWorkflowExecution: signal the running workflow with this id, or start it and
//! deliver the signal as its first event after WorkflowExecutionStarted.

use temporalio_protos::temporal::api::history::v1::WorkflowExecutionSignaledEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::workflowservice::v1::{
    SignalWithStartWorkflowExecutionRequest, SignalWithStartWorkflowExecutionResponse,
    StartWorkflowExecutionRequest,
};

use super::Frontend;
use crate::error::EngineError;
use crate::execution::BufferedEvent;
use crate::ids::ExecutionKey;
use crate::transitions::start::RunOrigin;
use crate::transitions::start_request::{check_reuse, validate};

impl Frontend {
    pub(crate) async fn signal_with_start_workflow_execution(
        &self,
        request: SignalWithStartWorkflowExecutionRequest,
    ) -> Result<SignalWithStartWorkflowExecutionResponse, EngineError> {
        if request.signal_name.is_empty() {
            return Err(EngineError::InvalidArgument(
                "SignalName is not set on request.".to_string(),
            ));
        }
        let signal = WorkflowExecutionSignaledEventAttributes {
            signal_name: request.signal_name.clone(),
            input: request.signal_input.clone(),
            identity: request.identity.clone(),
            header: request.header.clone(),
            ..WorkflowExecutionSignaledEventAttributes::default()
        };
        let mut start = StartWorkflowExecutionRequest {
            namespace: request.namespace,
            workflow_id: request.workflow_id,
            workflow_type: request.workflow_type,
            task_queue: request.task_queue,
            input: request.input,
            workflow_execution_timeout: request.workflow_execution_timeout,
            workflow_run_timeout: request.workflow_run_timeout,
            workflow_task_timeout: request.workflow_task_timeout,
            identity: request.identity,
            request_id: request.request_id,
            workflow_id_reuse_policy: request.workflow_id_reuse_policy,
            retry_policy: request.retry_policy,
            cron_schedule: request.cron_schedule,
            memo: request.memo,
            search_attributes: request.search_attributes,
            header: request.header,
            priority: request.priority,
            workflow_start_delay: request.workflow_start_delay,
            ..StartWorkflowExecutionRequest::default()
        };
        validate(&mut start)?;
        let mut state = self.shared.lock();
        state.namespace(&start.namespace)?;
        let id = (start.namespace.clone(), start.workflow_id.clone());
        if let Some(run_id) = state.current_runs.get(&id).cloned() {
            let key = ExecutionKey {
                namespace: id.0.clone(),
                workflow_id: id.1.clone(),
                run_id: run_id.clone(),
            };
            let current = state.execution(&key)?;
            if current.is_running() {
                let first_execution_run_id = current.first_execution_run_id.clone();
                state.record_external(
                    &key,
                    BufferedEvent::plain(Attributes::WorkflowExecutionSignaledEventAttributes(
                        signal,
                    )),
                );
                return Ok(SignalWithStartWorkflowExecutionResponse {
                    run_id,
                    first_execution_run_id,
                    started: false,
                    ..Default::default()
                });
            }
            check_reuse(current, &start)?;
        }
        let run_id = state.ids.uuid();
        state.start_run_with(
            start,
            run_id.clone(),
            RunOrigin::Client,
            vec![Attributes::WorkflowExecutionSignaledEventAttributes(signal)],
        );
        Ok(SignalWithStartWorkflowExecutionResponse {
            run_id: run_id.clone(),
            first_execution_run_id: run_id,
            started: true,
            ..Default::default()
        })
    }
}
