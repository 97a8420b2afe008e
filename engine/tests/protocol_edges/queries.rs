//! Read after write: a query sent after a signal was accepted must see the signal. The real
//! server makes a query that arrives while a workflow task is pending wait for that task (it
//! rides on it, after the signal) instead of sending it to a worker whose state is behind.
//!
//! The scripted worker answers the way an SDK's state would: a query on a workflow task sees
//! the task's whole history (the SDK applies the new events first); a stand-alone query task
//! sees only what completed workflow tasks processed. Either delivery is correct when it comes
//! at the right time, so the facts are the answer only, which must count the signal.

use std::collections::HashMap;

use temporalio_protos::temporal::api::query::v1::WorkflowQueryResult;

use super::*;

const QUERY_TYPE: &str = "signals-seen";

/// Signals among the events: what a workflow that counts signals has seen.
fn signals_in<'a>(events: impl Iterator<Item = &'a HistoryEvent>) -> usize {
    events
        .filter(|event| event_type(event) == EventType::WorkflowExecutionSignaled)
        .count()
}

/// Signals a stand-alone query task sees: those before the last completed workflow task.
fn signals_processed(history: &History) -> usize {
    let processed = history
        .events
        .iter()
        .rposition(|event| event_type(event) == EventType::WorkflowTaskCompleted)
        .map_or(0, |index| index + 1);
    signals_in(history.events[..processed].iter())
}

/// Q1. Signal, then query while the workflow task the signal scheduled is pending.
pub(super) async fn query_after_signal(ctx: Ctx) -> Result<History> {
    let run_id = ctx.start(|_| {}).await?;
    let first = ctx.poll_workflow_task("first").await?;
    ctx.complete(first.task_token, vec![]).await?;
    ctx.signal(&run_id).await?;

    let query = QueryWorkflowRequest {
        namespace: ctx.namespace.clone(),
        execution: ctx.execution(&run_id),
        query: Some(WorkflowQuery {
            query_type: QUERY_TYPE.to_owned(),
            ..WorkflowQuery::default()
        }),
        ..QueryWorkflowRequest::default()
    };
    let client = ctx.client.clone();
    let asked = tokio::spawn(async move {
        within(
            "QueryWorkflow",
            RPC_TIMEOUT,
            client.clone().query_workflow(request(query, RPC_TIMEOUT)),
        )
        .await
    });
    // Gives the query time to reach the server before the worker polls, the order in which an
    // engine that sends it straight to the worker answers from state that misses the signal.
    // Both orders must pass; this only makes the wrong behaviour show.
    tokio::time::sleep(QUERY_SETTLE).await;

    let mut answered = false;
    for _ in 0..2 {
        if answered {
            break;
        }
        let task = ctx.poll_any_workflow_task().await?;
        if task.query.is_some() {
            let history = task.history.clone().unwrap_or_default();
            let seen = signals_processed(&history);
            ctx.answer_query_task(task.task_token, &format!("{seen} signals"))
                .await?;
            answered = true;
        } else {
            let history = task.history.clone().unwrap_or_default();
            let seen = signals_in(history.events.iter());
            let results: HashMap<String, WorkflowQueryResult> = task
                .queries
                .keys()
                .map(|id| {
                    (
                        id.clone(),
                        WorkflowQueryResult {
                            result_type: QueryResultType::Answered as i32,
                            answer: payloads(&format!("{seen} signals")),
                            ..WorkflowQueryResult::default()
                        },
                    )
                })
                .collect();
            answered = !results.is_empty();
            ctx.complete_with_query_results(task.task_token, results)
                .await?;
        }
    }
    let answer = asked.await??;
    let text = match &answer {
        Ok(response) => payloads_text(response.query_result.as_ref()),
        Err(status) => format!("{:?} {:?}", status.code(), status.message()),
    };
    ctx.fact("query after a signal", &text);
    ctx.check(
        "a query after an accepted signal sees it",
        text.contains("1 signals"),
        &text,
    );
    ctx.signal_and_complete(&run_id).await?;
    ctx.history(&run_id).await
}

/// How long the query is given to arrive before the worker polls.
const QUERY_SETTLE: Duration = Duration::from_millis(500);

impl Ctx {
    /// Polls the normal queue for a workflow task or a query task, without recording it (which
    /// of the two comes depends on timing).
    async fn poll_any_workflow_task(&self) -> Result<PollWorkflowTaskQueueResponse> {
        let deadline = Instant::now() + TASK_WAIT;
        loop {
            let timeout = deadline
                .saturating_duration_since(Instant::now())
                .max(MIN_POLL_TIMEOUT);
            let poll = PollWorkflowTaskQueueRequest {
                namespace: self.namespace.clone(),
                task_queue: Some(self.normal_queue()),
                identity: IDENTITY.to_owned(),
                ..PollWorkflowTaskQueueRequest::default()
            };
            let task = expect_ok(
                "PollWorkflowTaskQueue",
                timeout,
                self.client
                    .clone()
                    .poll_workflow_task_queue(request(poll, timeout)),
            )
            .await?;
            if !task.task_token.is_empty() {
                return Ok(task);
            }
            if Instant::now() >= deadline {
                bail!("PollWorkflowTaskQueue: no task within {TASK_WAIT:?}");
            }
        }
    }

    async fn answer_query_task(&self, task_token: Vec<u8>, answer: &str) -> Result<()> {
        let answer = RespondQueryTaskCompletedRequest {
            namespace: self.namespace.clone(),
            task_token,
            completed_type: QueryResultType::Answered as i32,
            query_result: payloads(answer),
            ..RespondQueryTaskCompletedRequest::default()
        };
        expect_ok(
            "RespondQueryTaskCompleted",
            RPC_TIMEOUT,
            self.client
                .clone()
                .respond_query_task_completed(request(answer, RPC_TIMEOUT)),
        )
        .await?;
        Ok(())
    }

    async fn complete_with_query_results(
        &self,
        task_token: Vec<u8>,
        query_results: HashMap<String, WorkflowQueryResult>,
    ) -> Result<()> {
        let completion = RespondWorkflowTaskCompletedRequest {
            namespace: self.namespace.clone(),
            task_token,
            query_results,
            identity: IDENTITY.to_owned(),
            ..RespondWorkflowTaskCompletedRequest::default()
        };
        expect_ok(
            "RespondWorkflowTaskCompleted (query results)",
            RPC_TIMEOUT,
            self.client
                .clone()
                .respond_workflow_task_completed(request(completion, RPC_TIMEOUT)),
        )
        .await?;
        Ok(())
    }
}
