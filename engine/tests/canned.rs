//! Canned workflow tasks (the transport the replayer builds on): a recorded history cut at its
//! last completed workflow task is handed to the official Rust SDK worker, which replays the
//! earlier tasks and answers the last one; a changed history gets the SDK's nondeterminism
//! failure.

use std::time::Duration;

use anyhow::{Context, Result};
use temporalio_protos::temporal::api::command::v1::command::Attributes as Command;
use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::{
    EventType, TaskQueueKind, WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::history::v1::History;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse;
use wfkit_engine::{CannedAnswer, EngineConfig, TestEngine, TimeMode};
use wfkit_scenarios::{BackgroundWorker, ServerTarget};

const TASK_QUEUE: &str = "canned";

fn fixture(name: &str) -> Result<History> {
    let path = format!(
        "{}/../fixtures/scenarios/{name}/v1/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let loaded = wfkit_history::load_file(&path)?;
    loaded.into_single(&path).context("one history")
}

/// The last task's probe: the history up to the WorkflowTaskStarted of its last completed
/// workflow task, with the started ids a real server would send.
fn last_task_probe(history: &History, run_id: &str) -> PollWorkflowTaskQueueResponse {
    let events = &history.events;
    let completed_starts: Vec<i64> = events
        .windows(2)
        .filter(|pair| {
            pair[0].event_type == EventType::WorkflowTaskStarted as i32
                && pair[1].event_type == EventType::WorkflowTaskCompleted as i32
        })
        .map(|pair| pair[0].event_id)
        .collect();
    let started = *completed_starts.last().expect("a completed workflow task");
    let previous = completed_starts.iter().rev().nth(1).copied().unwrap_or(0);
    let workflow_type = match events[0].attributes.as_ref() {
        Some(Attributes::WorkflowExecutionStartedEventAttributes(a)) => a.workflow_type.clone(),
        _ => None,
    };
    PollWorkflowTaskQueueResponse {
        workflow_execution: Some(WorkflowExecution {
            workflow_id: format!("canned-{run_id}"),
            run_id: run_id.to_string(),
        }),
        workflow_type: workflow_type.or(Some(WorkflowType::default())),
        previous_started_event_id: previous,
        started_event_id: started,
        attempt: 1,
        history: Some(History {
            events: events[..started as usize].to_vec(),
        }),
        workflow_execution_task_queue: Some(TaskQueue {
            name: TASK_QUEUE.to_string(),
            kind: TaskQueueKind::Normal as i32,
            ..TaskQueue::default()
        }),
        ..PollWorkflowTaskQueueResponse::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canned_tasks_reach_the_worker_and_its_answers_come_back() -> Result<()> {
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Real,
        ..EngineConfig::default()
    })
    .await?;
    let worker = BackgroundWorker::start(
        &ServerTarget::new(engine.address().to_string(), "default"),
        TASK_QUEUE,
    )
    .await?;
    let deadline = Duration::from_secs(20);

    // The recorded history, unchanged: the last task completes the workflow again.
    let hello = fixture("hello")?;
    let answer = engine
        .run_canned_task(
            "default",
            TASK_QUEUE,
            last_task_probe(&hello, "00000000-0000-4000-8000-000000000001"),
            deadline,
        )
        .await;
    let CannedAnswer::Completed(completed) = answer else {
        panic!("expected a completion, got {answer:?}")
    };
    let kinds: Vec<_> = completed
        .commands
        .iter()
        .map(|c| c.attributes.clone())
        .collect();
    assert!(
        matches!(
            kinds.as_slice(),
            [Some(Command::CompleteWorkflowExecutionCommandAttributes(_))]
        ),
        "{kinds:?}"
    );

    // The activity's type changed in the replayed part: the SDK reports nondeterminism.
    let mut changed = hello.clone();
    for event in &mut changed.events {
        if let Some(Attributes::ActivityTaskScheduledEventAttributes(a)) = event.attributes.as_mut()
        {
            a.activity_type = Some(temporalio_protos::temporal::api::common::v1::ActivityType {
                name: "renamed".to_string(),
            });
        }
    }
    let answer = engine
        .run_canned_task(
            "default",
            TASK_QUEUE,
            last_task_probe(&changed, "00000000-0000-4000-8000-000000000002"),
            deadline,
        )
        .await;
    let CannedAnswer::Failed(failed) = answer else {
        panic!("expected a failure, got {answer:?}")
    };
    assert_eq!(
        failed.cause,
        WorkflowTaskFailedCause::NonDeterministicError as i32,
        "{failed:?}"
    );
    let message = failed
        .failure
        .as_ref()
        .map(|f| f.message.clone())
        .unwrap_or_default();
    assert!(message.contains("TMPRL1100"), "{message}");

    // Nobody polls this queue: the submitter hears of it at its deadline.
    let answer = engine
        .run_canned_task(
            "default",
            "nobody-polls",
            last_task_probe(&hello, "00000000-0000-4000-8000-000000000003"),
            Duration::from_millis(200),
        )
        .await;
    assert!(matches!(answer, CannedAnswer::TimedOut), "{answer:?}");

    worker.stop().await?;
    engine.stop().await;
    Ok(())
}
