//! QueryWorkflow and RespondQueryTaskCompleted.
//!
//! A query goes to the workflow's normal task queue as a query task (the `query` field of a
//! workflow task poll response, with the full history), so any worker of the queue can answer
//! it, from its cache or by replaying; closed workflows are queried the same way. While a
//! workflow task is pending or running, the query waits for the next task instead, so that it
//! sees what was accepted before it (`transitions/queries.rs`).

use std::time::Duration;

use temporalio_protos::temporal::api::enums::v1::QueryResultType;
use temporalio_protos::temporal::api::workflowservice::v1::{
    QueryWorkflowRequest, QueryWorkflowResponse, RespondQueryTaskCompletedRequest,
    RespondQueryTaskCompletedResponse,
};

use super::Frontend;
use crate::error::EngineError;
use crate::state::QueryAnswer;
use crate::token::{TaskKind, TaskToken};

/// How long a query waits for a worker's answer (the SDK clients' own deadline is shorter).
const QUERY_TIMEOUT: Duration = Duration::from_secs(60);

impl Frontend {
    pub(crate) async fn query_workflow(
        &self,
        request: QueryWorkflowRequest,
    ) -> Result<QueryWorkflowResponse, EngineError> {
        let query = request
            .query
            .filter(|q| !q.query_type.is_empty())
            .ok_or_else(|| {
                EngineError::InvalidArgument("QueryType is not set on request.".to_string())
            })?;
        let execution = request.execution.unwrap_or_default();
        let answer = {
            let mut state = self.shared.lock();
            let key = state.resolve(
                &request.namespace,
                &execution.workflow_id,
                &execution.run_id,
            )?;
            let id = state.next_query_id();
            state.route_query(&key, id, query)?;
            let (sender, receiver) = tokio::sync::oneshot::channel();
            state.waiters.queries.insert(id, sender);
            (key, id, receiver)
        };
        let (key, id, answer) = answer;
        let answered = tokio::time::timeout(QUERY_TIMEOUT, answer).await;
        if answered.is_err() {
            self.shared.lock().forget_query(&key, id);
        }
        match answered {
            Ok(Ok(QueryAnswer { result: Ok(result) })) => Ok(QueryWorkflowResponse {
                query_result: result,
                ..QueryWorkflowResponse::default()
            }),
            Ok(Ok(QueryAnswer {
                result: Err(message),
            })) => Err(EngineError::QueryFailed(message)),
            _ => Err(EngineError::DeadlineExceeded(
                "query timed out: no worker answered".to_string(),
            )),
        }
    }

    pub(crate) async fn respond_query_task_completed(
        &self,
        request: RespondQueryTaskCompletedRequest,
    ) -> Result<RespondQueryTaskCompletedResponse, EngineError> {
        let token = TaskToken::decode(&request.task_token)?;
        if token.kind == TaskKind::Canned {
            self.answer_canned(
                token.scheduled_event_id,
                crate::canned::CannedAnswer::Query(Box::new(request)),
            )?;
            return Ok(RespondQueryTaskCompletedResponse::default());
        }
        if token.kind != TaskKind::Query {
            return Err(EngineError::InvalidArgument(
                "the task token is not a query task's".to_string(),
            ));
        }
        let sender = self
            .shared
            .lock()
            .waiters
            .queries
            .remove(&token.scheduled_event_id)
            .ok_or_else(|| {
                EngineError::NotFound("query task not found, or already expired".to_string())
            })?;
        let result = if request.completed_type == QueryResultType::Answered as i32 {
            Ok(request.query_result)
        } else {
            Err(request.error_message)
        };
        // The client may have given up waiting; then nobody needs the answer.
        let _ = sender.send(QueryAnswer { result });
        Ok(RespondQueryTaskCompletedResponse::default())
    }
}
