//! Where a query goes, so that it sees everything the server accepted before it (read after
//! write), as on the real server:
//!
//! - A run with no workflow task pending or running, whose events a completed task has all
//!   processed (or a closed run), is queried directly: a query task on its normal queue.
//! - Otherwise (a signal or update just scheduled a task, or one is running) the query waits on
//!   the run (at most `MAX_BUFFERED_QUERIES`). It rides on the next workflow task that starts,
//!   after that task's new events (`queries` of the poll response), and the worker answers it in
//!   the task's completion (`query_results`). A query that came while a task ran, and finds no
//!   next task when that one completes, is then sent directly.
//!
//! The query ids are the engine's (`State::next_query_id`); the callers wait in
//! `State::waiters`.

use std::collections::HashMap;

use temporalio_protos::temporal::api::enums::v1::{EventType, QueryResultType};
use temporalio_protos::temporal::api::query::v1::{WorkflowQuery, WorkflowQueryResult};

use crate::error::EngineError;
use crate::execution::{BufferedQuery, WorkflowTask};
use crate::ids::ExecutionKey;
use crate::matching::{QueryTask, QueueKey, QueueKind};
use crate::state::{QueryAnswer, State};

/// Queries that may wait on one run (the real server's `history.MaxBufferedQueryCount`).
const MAX_BUFFERED_QUERIES: usize = 1;

/// Where a query went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryRoute {
    /// To the run's normal queue, for any worker of it.
    Direct,
    /// Behind the pending workflow task, to ride on the next one.
    Buffered,
}

impl State {
    /// Sends a query directly, or makes it wait for the run's next workflow task.
    pub(crate) fn route_query(
        &mut self,
        key: &ExecutionKey,
        id: i64,
        query: WorkflowQuery,
        timeout: std::time::Duration,
    ) -> Result<QueryRoute, EngineError> {
        let execution = self.execution(key)?;
        // As the server: a run that closed before any workflow task completed cannot answer,
        // and one whose first task waits (a cron or retry backoff) past the query's deadline
        // does not try.
        let completed_a_task = execution.previous_started_event_id > 0;
        if !execution.is_running() && !completed_a_task {
            return Err(EngineError::WorkflowNotReady(
                "Workflow execution closed before WorkflowTaskStarted event".to_string(),
            ));
        }
        let had_a_task = completed_a_task
            || execution.workflow_task != WorkflowTask::Idle
            || execution
                .history
                .iter()
                .any(|event| event.event_type == EventType::WorkflowTaskScheduled as i32);
        if !had_a_task && execution.execution_time > self.now() + timeout {
            return Err(EngineError::WorkflowNotReady(
                "Workflow task is not scheduled yet.".to_string(),
            ));
        }
        let settled = !execution.is_running()
            || (execution.previous_started_event_id > 0
                && execution.workflow_task == WorkflowTask::Idle);
        if settled {
            self.query_directly(key, id, query);
            return Ok(QueryRoute::Direct);
        }
        if execution.queries.len() >= MAX_BUFFERED_QUERIES {
            return Err(EngineError::ResourceExhausted(
                "consistent query buffer is full, this may be caused by too many queries and workflow not able to process query fast enough".to_string(),
            ));
        }
        self.execution_mut(key)?.queries.push(BufferedQuery {
            id,
            query,
            on_task: false,
        });
        Ok(QueryRoute::Buffered)
    }

    /// A query task on the run's normal queue.
    fn query_directly(&mut self, key: &ExecutionKey, id: i64, query: WorkflowQuery) {
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        let queue = QueueKey {
            namespace: key.namespace.clone(),
            name: execution.task_queue.clone(),
            kind: QueueKind::Workflow,
        };
        self.matching.push_query(
            queue,
            QueryTask {
                id,
                key: key.clone(),
                query,
            },
        );
    }

    /// The waiting queries a workflow task that starts now carries, by query id.
    pub(crate) fn queries_for_task(
        &mut self,
        key: &ExecutionKey,
    ) -> HashMap<String, WorkflowQuery> {
        let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) else {
            return HashMap::new();
        };
        execution
            .queries
            .iter_mut()
            .filter(|query| !query.on_task)
            .map(|query| {
                query.on_task = true;
                (query.id.to_string(), query.query.clone())
            })
            .collect()
    }

    /// The answers a workflow task's completion carries go to their callers.
    pub(crate) fn answer_task_queries(
        &mut self,
        key: &ExecutionKey,
        results: HashMap<String, WorkflowQueryResult>,
    ) {
        for (id, result) in results {
            let Ok(id) = id.parse::<i64>() else {
                continue;
            };
            if let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
                execution.queries.retain(|query| query.id != id);
            }
            let answer = if result.result_type == QueryResultType::Answered as i32 {
                Ok(result.answer)
            } else {
                Err(result.error_message)
            };
            if let Some(waiter) = self.waiters.queries.remove(&id) {
                // The caller may have given up; then nobody needs the answer.
                let _ = waiter.send(QueryAnswer { result: answer });
            }
        }
    }

    /// After a workflow task ended: queries it carried but did not answer wait for the next
    /// task (a failed or timed-out task is retried); with no task pending (the run is idle or
    /// closed), every waiting query goes directly.
    pub(crate) fn release_queries(&mut self, key: &ExecutionKey) {
        let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) else {
            return;
        };
        for query in &mut execution.queries {
            query.on_task = false;
        }
        let pending = execution.is_running() && execution.workflow_task != WorkflowTask::Idle;
        if pending || execution.queries.is_empty() {
            return;
        }
        let waiting = std::mem::take(&mut execution.queries);
        for query in waiting {
            self.query_directly(key, query.id, query.query);
        }
    }

    /// A caller stopped waiting: its query no longer waits on the run.
    pub(crate) fn forget_query(&mut self, key: &ExecutionKey, id: i64) {
        if let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
            execution.queries.retain(|query| query.id != id);
        }
        self.waiters.queries.remove(&id);
    }
}
