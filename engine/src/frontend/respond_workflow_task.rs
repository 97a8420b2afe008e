//! RespondWorkflowTaskCompleted and RespondWorkflowTaskFailed.

use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_protos::temporal::api::workflowservice::v1::{
    RespondWorkflowTaskCompletedRequest, RespondWorkflowTaskCompletedResponse,
    RespondWorkflowTaskFailedRequest, RespondWorkflowTaskFailedResponse,
};

use super::Frontend;
use crate::canned::CannedAnswer;
use crate::error::EngineError;
use crate::state::ExecutionKey;
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
        let mut state = self.shared.lock();
        state.complete_workflow_task(&key, token.scheduled_event_id, token.attempt, request)?;
        Ok(RespondWorkflowTaskCompletedResponse::default())
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
        state.running_workflow_task(&key, token.scheduled_event_id, token.attempt)?;
        let cause = WorkflowTaskFailedCause::try_from(request.cause)
            .unwrap_or(WorkflowTaskFailedCause::Unspecified);
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
            .canned_waiters
            .remove(&id)
            .ok_or_else(|| EngineError::NotFound("Workflow task not found.".to_string()))?;
        let _ = sender.send(answer);
        Ok(())
    }
}
