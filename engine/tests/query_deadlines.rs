//! A query sent to a task queue that no worker polled lately answers FAILED_PRECONDITION ("no
//! poller seen for task queue recently, worker may be down") a second before the client's
//! deadline, as the real server's matching does, instead of running into the deadline.
//!
//! The real server's window is 20 s (`matching.queryPollerUnavailableWindow`); the engine takes
//! it from `EngineConfig::query_poller_window`, zero here, so the test needs no 20 s of quiet.
//! The queries that no workflow task can answer (a cron run before its first task, a run closed
//! before any task) are compared with the real server in `errors.rs`.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::TaskQueueKind;
use temporalio_protos::temporal::api::query::v1::WorkflowQuery;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::{
    PollWorkflowTaskQueueRequest, QueryWorkflowRequest, RespondWorkflowTaskCompletedRequest,
    StartWorkflowExecutionRequest,
};
use tonic::{Code, Request};
use wfkit_cluster::{ConnectOptions, connect};
use wfkit_engine::{EngineConfig, TestEngine};

const NAMESPACE: &str = "default";
const QUEUE: &str = "query-deadlines";
/// The client's deadline; the answer comes a second before it, well inside it.
const QUERY_DEADLINE: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_to_a_queue_no_worker_polls_lately_says_so_before_its_deadline() -> Result<()> {
    let engine = TestEngine::start_with(EngineConfig {
        query_poller_window: Duration::ZERO,
        ..EngineConfig::default()
    })
    .await?;
    let client = connect(&ConnectOptions::new(
        engine.address().to_string(),
        NAMESPACE,
    ))
    .await
    .context("connect")?;
    let task_queue = Some(TaskQueue {
        name: QUEUE.to_owned(),
        kind: TaskQueueKind::Normal as i32,
        ..TaskQueue::default()
    });
    client
        .clone()
        .start_workflow_execution(StartWorkflowExecutionRequest {
            namespace: NAMESPACE.to_owned(),
            workflow_id: "idle".to_owned(),
            workflow_type: Some(WorkflowType {
                name: "Idle".to_owned(),
            }),
            task_queue: task_queue.clone(),
            request_id: "idle-start".to_owned(),
            ..StartWorkflowExecutionRequest::default()
        })
        .await
        .context("start")?;
    // One workflow task completed with no commands: the run waits, and a query goes straight
    // to the queue (a query behind a pending task would wait for that task instead).
    let task = client
        .clone()
        .poll_workflow_task_queue(PollWorkflowTaskQueueRequest {
            namespace: NAMESPACE.to_owned(),
            task_queue,
            ..PollWorkflowTaskQueueRequest::default()
        })
        .await
        .context("poll")?
        .into_inner();
    ensure!(!task.task_token.is_empty(), "no first workflow task");
    client
        .clone()
        .respond_workflow_task_completed(RespondWorkflowTaskCompletedRequest {
            namespace: NAMESPACE.to_owned(),
            task_token: task.task_token,
            ..RespondWorkflowTaskCompletedRequest::default()
        })
        .await
        .context("complete the first task")?;

    let mut query = Request::new(QueryWorkflowRequest {
        namespace: NAMESPACE.to_owned(),
        execution: Some(WorkflowExecution {
            workflow_id: "idle".to_owned(),
            run_id: String::new(),
        }),
        query: Some(WorkflowQuery {
            query_type: "state".to_owned(),
            ..WorkflowQuery::default()
        }),
        ..QueryWorkflowRequest::default()
    });
    query.set_timeout(QUERY_DEADLINE);
    let status = client
        .clone()
        .query_workflow(query)
        .await
        .expect_err("nobody answers the query");
    ensure!(
        status.code() == Code::FailedPrecondition
            && status
                .message()
                .contains("no poller seen for task queue recently, worker may be down"),
        "expected the server's no-poller answer, got {:?}: {}",
        status.code(),
        status.message()
    );
    engine.stop().await;
    Ok(())
}
