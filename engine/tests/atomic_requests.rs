//! A request applies all of its changes or none. A test hook makes the engine panic right after
//! it writes an event, in the middle of a request that writes several: the RPC answers INTERNAL
//! (WFE012), the history and every other owner (task queues, timers) are as before the request,
//! and the same request sent again is applied exactly once.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use temporalio_protos::temporal::api::command::v1::{
    Command, CompleteWorkflowExecutionCommandAttributes, StartTimerCommandAttributes, command,
};
use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::{CommandType, EventType, TaskQueueKind};
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::{
    PollWorkflowTaskQueueRequest, PollWorkflowTaskQueueResponse,
    RespondWorkflowTaskCompletedRequest, SignalWorkflowExecutionRequest,
    StartWorkflowExecutionRequest,
};
use tonic::Code;
use wfkit_cluster::{Client, ConnectOptions, connect};
use wfkit_engine::TestEngine;

const QUEUE: &str = "atomic-requests";
const WORKFLOW_ID: &str = "atomic-requests-1";
/// The timer the workflow starts: short, so the test sees it fire.
const TIMER: Duration = Duration::from_millis(200);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_panics_midway_is_undone_and_answers_internal() -> Result<()> {
    let engine = TestEngine::start().await?;
    let client = connect(&ConnectOptions::new(
        engine.address().to_string(),
        "default",
    ))
    .await?;
    start(&client).await?;

    // A signal: its event is written, then a workflow task is scheduled. Panic between the two.
    engine.panic_after_writes(1);
    let before = event_types(&engine)?;
    let status = signal(&client).await.expect_err("the signal panicked");
    ensure!(status.code() == Code::Internal, "INTERNAL, got {status:?}");
    ensure!(
        status.message().contains("[WFE012]"),
        "{}",
        status.message()
    );
    ensure!(event_types(&engine)? == before, "the signal left no event");
    signal(&client).await.context("the engine serves again")?;

    // The first workflow task sees the signal once.
    let task = poll(&client).await?;
    let signals = task
        .history
        .iter()
        .flat_map(|history| &history.events)
        .filter(|event| event.event_type == EventType::WorkflowExecutionSignaled as i32)
        .count();
    ensure!(
        signals == 1,
        "one signal in the task's history, got {signals}"
    );

    // Completing it writes WorkflowTaskCompleted, then TimerStarted and arms the timer. Panic
    // after the second write: the timer must not stay armed, the task must still be running.
    engine.panic_after_writes(2);
    let before = event_types(&engine)?;
    let status = complete(&client, &task, start_timer())
        .await
        .expect_err("the completion panicked");
    ensure!(status.code() == Code::Internal, "INTERNAL, got {status:?}");
    ensure!(
        event_types(&engine)? == before,
        "the completion left no event"
    );
    complete(&client, &task, start_timer())
        .await
        .context("the same completion again")?;

    // The timer fires once: a second, half-undone timer would fire twice.
    let task = poll(&client).await?;
    complete(&client, &task, complete_workflow()).await?;
    let types = event_types(&engine)?;
    let name = |event_type: EventType| event_type as i32;
    ensure!(
        types
            == vec![
                name(EventType::WorkflowExecutionStarted),
                name(EventType::WorkflowTaskScheduled),
                name(EventType::WorkflowExecutionSignaled),
                name(EventType::WorkflowTaskStarted),
                name(EventType::WorkflowTaskCompleted),
                name(EventType::TimerStarted),
                name(EventType::TimerFired),
                name(EventType::WorkflowTaskScheduled),
                name(EventType::WorkflowTaskStarted),
                name(EventType::WorkflowTaskCompleted),
                name(EventType::WorkflowExecutionCompleted),
            ],
        "history after the undone requests: {:?}",
        types
            .iter()
            .map(|t| EventType::try_from(*t).map_or("?", |t| t.as_str_name()))
            .collect::<Vec<_>>()
    );
    engine.stop().await;
    Ok(())
}

fn event_types(engine: &TestEngine) -> Result<Vec<i32>> {
    let history = engine.history("default", WORKFLOW_ID)?;
    Ok(history
        .events
        .iter()
        .map(|event| event.event_type)
        .collect())
}

fn task_queue() -> Option<TaskQueue> {
    Some(TaskQueue {
        name: QUEUE.to_string(),
        kind: TaskQueueKind::Normal as i32,
        ..TaskQueue::default()
    })
}

async fn start(client: &Client) -> Result<()> {
    client
        .clone()
        .start_workflow_execution(StartWorkflowExecutionRequest {
            namespace: "default".to_string(),
            workflow_id: WORKFLOW_ID.to_string(),
            workflow_type: Some(WorkflowType {
                name: "Atomic".to_string(),
            }),
            task_queue: task_queue(),
            request_id: "atomic-start".to_string(),
            ..StartWorkflowExecutionRequest::default()
        })
        .await?;
    Ok(())
}

async fn signal(client: &Client) -> Result<(), tonic::Status> {
    client
        .clone()
        .signal_workflow_execution(SignalWorkflowExecutionRequest {
            namespace: "default".to_string(),
            workflow_execution: Some(WorkflowExecution {
                workflow_id: WORKFLOW_ID.to_string(),
                run_id: String::new(),
            }),
            signal_name: "poke".to_string(),
            identity: "atomic-test".to_string(),
            ..SignalWorkflowExecutionRequest::default()
        })
        .await
        .map(|_| ())
}

/// Polls until the workflow's next task arrives (an empty poll answers with no token).
async fn poll(client: &Client) -> Result<PollWorkflowTaskQueueResponse> {
    loop {
        let task = client
            .clone()
            .poll_workflow_task_queue(PollWorkflowTaskQueueRequest {
                namespace: "default".to_string(),
                task_queue: task_queue(),
                identity: "atomic-test".to_string(),
                ..PollWorkflowTaskQueueRequest::default()
            })
            .await?
            .into_inner();
        if !task.task_token.is_empty() {
            return Ok(task);
        }
    }
}

async fn complete(
    client: &Client,
    task: &PollWorkflowTaskQueueResponse,
    command: Command,
) -> Result<(), tonic::Status> {
    client
        .clone()
        .respond_workflow_task_completed(RespondWorkflowTaskCompletedRequest {
            namespace: "default".to_string(),
            task_token: task.task_token.clone(),
            commands: vec![command],
            identity: "atomic-test".to_string(),
            ..RespondWorkflowTaskCompletedRequest::default()
        })
        .await
        .map(|_| ())
}

fn start_timer() -> Command {
    Command {
        command_type: CommandType::StartTimer as i32,
        attributes: Some(command::Attributes::StartTimerCommandAttributes(
            StartTimerCommandAttributes {
                timer_id: "t1".to_string(),
                start_to_fire_timeout: TIMER.try_into().ok(),
            },
        )),
        ..Command::default()
    }
}

fn complete_workflow() -> Command {
    Command {
        command_type: CommandType::CompleteWorkflowExecution as i32,
        attributes: Some(
            command::Attributes::CompleteWorkflowExecutionCommandAttributes(
                CompleteWorkflowExecutionCommandAttributes::default(),
            ),
        ),
        ..Command::default()
    }
}
