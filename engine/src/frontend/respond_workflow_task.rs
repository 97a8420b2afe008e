//! RespondWorkflowTaskCompleted and RespondWorkflowTaskFailed.

use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_protos::temporal::api::workflowservice::v1::{
    RespondWorkflowTaskCompletedRequest, RespondWorkflowTaskCompletedResponse,
    RespondWorkflowTaskFailedRequest, RespondWorkflowTaskFailedResponse,
};

use super::Frontend;
use crate::canned::CannedAnswer;
use crate::error::EngineError;
use crate::faults::FaultEvent;
use crate::ids::ExecutionKey;
use crate::token::{TaskKind, TaskToken};

impl Frontend {
    pub(crate) async fn respond_workflow_task_completed(
        &self,
        request: RespondWorkflowTaskCompletedRequest,
    ) -> Result<RespondWorkflowTaskCompletedResponse, EngineError> {
        let token = workflow_token(&request.task_token)?;
        if token.kind == TaskKind::Canned {
            self.answer_canned(
                token.scheduled_event_id,
                CannedAnswer::Completed(Box::new(request)),
            )?;
            return Ok(RespondWorkflowTaskCompletedResponse::default());
        }
        let key = ExecutionKey {
            namespace: token.namespace,
            workflow_id: token.workflow_id,
            run_id: token.run_id,
        };
        let identity = request.identity.clone();
        let mut state = self.shared.lock();
        let n = state.workflow_task_completion_arrived(
            &key,
            token.scheduled_event_id,
            token.attempt,
        )?;
        let reset_history_event_id =
            state.complete_workflow_task(&key, token.scheduled_event_id, token.attempt, request)?;
        if state.workflow_task_accepted(n, &identity) {
            return Err(EngineError::Unavailable(
                "injected fault: the reply to this workflow task completion was lost".to_string(),
            ));
        }
        Ok(RespondWorkflowTaskCompletedResponse {
            reset_history_event_id,
            ..RespondWorkflowTaskCompletedResponse::default()
        })
    }

    pub(crate) async fn respond_workflow_task_failed(
        &self,
        request: RespondWorkflowTaskFailedRequest,
    ) -> Result<RespondWorkflowTaskFailedResponse, EngineError> {
        let token = workflow_token(&request.task_token)?;
        if token.kind == TaskKind::Canned {
            self.answer_canned(
                token.scheduled_event_id,
                CannedAnswer::Failed(Box::new(request)),
            )?;
            return Ok(RespondWorkflowTaskFailedResponse::default());
        }
        let key = ExecutionKey {
            namespace: token.namespace,
            workflow_id: token.workflow_id,
            run_id: token.run_id,
        };
        let mut state = self.shared.lock();
        if state.workflow_task_answer_lost(&key, token.scheduled_event_id, token.attempt) {
            return Err(EngineError::NotFound(
                "Workflow task not found.".to_string(),
            ));
        }
        state.running_workflow_task(&key, token.scheduled_event_id, token.attempt)?;
        let cause = WorkflowTaskFailedCause::try_from(request.cause)
            .unwrap_or(WorkflowTaskFailedCause::Unspecified);
        state.faults.report(FaultEvent::WorkflowTaskFailed {
            workflow_id: key.workflow_id.clone(),
            cause: cause.as_str_name().to_string(),
            message: request
                .failure
                .as_ref()
                .map(|failure| failure.message.clone())
                .unwrap_or_default(),
        });
        state.fail_workflow_task(&key, cause, request.failure, &request.identity);
        Ok(RespondWorkflowTaskFailedResponse::default())
    }
}

fn workflow_token(bytes: &[u8]) -> Result<TaskToken, EngineError> {
    let token = TaskToken::decode(bytes)?;
    if !matches!(token.kind, TaskKind::Workflow | TaskKind::Canned) {
        return Err(EngineError::InvalidArgument(
            "the task token is not a workflow task's".to_string(),
        ));
    }
    Ok(token)
}

impl Frontend {
    /// Routes a worker's answer to whoever submitted the canned task; a late answer (the
    /// submitter gave up) is a stale task, as on the real server.
    pub(crate) fn answer_canned(&self, id: i64, answer: CannedAnswer) -> Result<(), EngineError> {
        let sender = self
            .shared
            .lock()
            .waiters
            .canned
            .remove(&id)
            .ok_or_else(|| EngineError::NotFound("Workflow task not found.".to_string()))?;
        let _ = sender.send(answer);
        Ok(())
    }
}
