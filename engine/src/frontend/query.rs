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

use super::{Frontend, call_deadline};
use crate::error::EngineError;
use crate::matching::{QueueKey, QueueKind};
use crate::state::QueryAnswer;
use crate::token::{TaskKind, TaskToken};
use crate::transitions::queries::QueryRoute;

/// How long a query waits for a worker's answer when the client's deadline is later (the
/// server's internal call timeout).
const QUERY_TIMEOUT: Duration = Duration::from_secs(30);
/// A query no worker can take answers this long before its deadline, as the server does
/// (matching's `returnEmptyTaskTimeBudget`).
const NO_POLLER_BUDGET: Duration = Duration::from_secs(1);

/// The client's answer: the worker's result or its error, or a deadline that passed.
fn answer_of(answer: Option<QueryAnswer>) -> Result<QueryWorkflowResponse, EngineError> {
    match answer {
        Some(QueryAnswer { result: Ok(result) }) => Ok(QueryWorkflowResponse {
            query_result: result,
            ..QueryWorkflowResponse::default()
        }),
        Some(QueryAnswer {
            result: Err(message),
        }) => Err(EngineError::QueryFailed(message)),
        None => Err(EngineError::DeadlineExceeded(
            "query timed out: no worker answered".to_string(),
        )),
    }
}

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
        let timeout =
            call_deadline::remaining().map_or(QUERY_TIMEOUT, |left| left.min(QUERY_TIMEOUT));
        let started = tokio::time::Instant::now();
        let (key, id, queue, mut answer) = {
            let mut state = self.shared.lock();
            let key = state.resolve(
                &request.namespace,
                &execution.workflow_id,
                &execution.run_id,
            )?;
            let queue = QueueKey {
                namespace: key.namespace.clone(),
                name: state.execution(&key)?.task_queue.clone(),
                kind: QueueKind::Workflow,
            };
            let id = state.next_query_id();
            let route = state.route_query(&key, id, query, timeout)?;
            let (sender, receiver) = tokio::sync::oneshot::channel();
            state.waiters.queries.insert(id, sender);
            (
                key,
                id,
                (route == QueryRoute::Direct).then_some(queue),
                receiver,
            )
        };
        // A query sent to the queue learns a second before its deadline that no worker polled
        // the queue lately: the worker may be down. Otherwise it waits on until the deadline
        // (a buffered query waits for its workflow task, as on the server).
        if let Some(queue) = &queue
            && let Some(first_wait) = timeout.checked_sub(NO_POLLER_BUDGET)
        {
            if let Ok(answered) = tokio::time::timeout(first_wait, &mut answer).await {
                return answer_of(answered.ok());
            }
            let window = self.shared.config.query_poller_window;
            let mut state = self.shared.lock();
            if !state.matching.polled_within(queue, window) {
                state.forget_query(&key, id);
                return Err(EngineError::FailedPrecondition(
                    "no poller seen for task queue recently, worker may be down".to_string(),
                ));
            }
        }
        let left = timeout.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, &mut answer).await {
            Ok(answered) => answer_of(answered.ok()),
            Err(_) => {
                self.shared.lock().forget_query(&key, id);
                answer_of(None)
            }
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
