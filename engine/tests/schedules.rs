//! Schedules, driven through the RPCs with a scripted raw-gRPC worker:
//!
//! - an hourly schedule takes its 720 actions of a 30-day month with time skipping, each a
//!   workflow named `<id>-<nominal time>` carrying the server's two search attributes;
//! - with time skipping locked and moved by hand, the overlap policy buffers one start and
//!   skips the rest while a run is open, starts the buffered one when it closes, and a pause
//!   and a manual trigger do what the server's do;
//! - bad requests get the server's codes (compared with the real server in `errors.rs`).
//!
//! The semantics, with the real server's sources, are in `engine/docs/schedules-semantics.md`.

use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail, ensure};
use temporalio_protos::temporal::api::common::v1::{Payload, WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::{
    ScheduleOverlapPolicy, TaskQueueKind, WorkflowExecutionStatus,
};
use temporalio_protos::temporal::api::schedule::v1::schedule_action::Action;
use temporalio_protos::temporal::api::schedule::v1::{
    IntervalSpec, Schedule, ScheduleAction, SchedulePatch, SchedulePolicies, ScheduleSpec,
    TriggerImmediatelyRequest,
};
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflow::v1::NewWorkflowExecutionInfo;
use temporalio_protos::temporal::api::workflowservice::v1::{
    CreateScheduleRequest, DeleteScheduleRequest, DescribeScheduleRequest,
    DescribeScheduleResponse, PatchScheduleRequest, PollWorkflowTaskQueueRequest,
    PollWorkflowTaskQueueResponse, RespondWorkflowTaskCompletedRequest,
    TerminateWorkflowExecutionRequest,
};
use tonic::Code;
use wfkit_cluster::{Client, ConnectOptions, connect};
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};

const NAMESPACE: &str = "default";
const HOUR: Duration = Duration::from_secs(3600);
/// How many times a check of the schedule's state is repeated while the timer driver catches up
/// with a clock moved by hand (it fires due timers on its own task), and the pause between two.
const SETTLE_ATTEMPTS: u32 = 200;
const SETTLE_PAUSE: Duration = Duration::from_millis(50);

async fn engine_and_client(config: EngineConfig) -> Result<(TestEngine, Client)> {
    let engine = TestEngine::start_with(config).await?;
    let client = connect(&ConnectOptions::new(
        engine.address().to_string(),
        NAMESPACE,
    ))
    .await
    .context("connect to the engine")?;
    Ok((engine, client))
}

fn task_queue(name: &str) -> Option<TaskQueue> {
    Some(TaskQueue {
        name: name.to_owned(),
        kind: TaskQueueKind::Normal as i32,
        ..TaskQueue::default()
    })
}

fn seconds(seconds: i64) -> Option<prost_wkt_types::Duration> {
    Some(prost_wkt_types::Duration { seconds, nanos: 0 })
}

/// A schedule that starts `Scheduled` workflows named `<workflow_id>-<time>` on `queue`.
fn schedule(
    every: Duration,
    workflow_id: &str,
    queue: &str,
    overlap: ScheduleOverlapPolicy,
) -> Schedule {
    Schedule {
        spec: Some(ScheduleSpec {
            interval: vec![IntervalSpec {
                interval: seconds(every.as_secs() as i64),
                phase: None,
            }],
            ..ScheduleSpec::default()
        }),
        action: Some(ScheduleAction {
            action: Some(Action::StartWorkflow(NewWorkflowExecutionInfo {
                workflow_id: workflow_id.to_owned(),
                workflow_type: Some(WorkflowType {
                    name: "Scheduled".to_owned(),
                }),
                task_queue: task_queue(queue),
                ..NewWorkflowExecutionInfo::default()
            })),
        }),
        policies: Some(SchedulePolicies {
            overlap_policy: overlap as i32,
            ..SchedulePolicies::default()
        }),
        state: None,
    }
}

async fn create(client: &Client, schedule_id: &str, schedule: Schedule) -> Result<()> {
    client
        .clone()
        .create_schedule(CreateScheduleRequest {
            namespace: NAMESPACE.to_owned(),
            schedule_id: schedule_id.to_owned(),
            schedule: Some(schedule),
            request_id: format!("{schedule_id}-create"),
            ..CreateScheduleRequest::default()
        })
        .await
        .context("create the schedule")?;
    Ok(())
}

async fn describe(client: &Client, schedule_id: &str) -> Result<DescribeScheduleResponse> {
    Ok(client
        .clone()
        .describe_schedule(DescribeScheduleRequest {
            namespace: NAMESPACE.to_owned(),
            schedule_id: schedule_id.to_owned(),
        })
        .await
        .context("describe the schedule")?
        .into_inner())
}

async fn patch(client: &Client, schedule_id: &str, patch: SchedulePatch) -> Result<()> {
    client
        .clone()
        .patch_schedule(PatchScheduleRequest {
            namespace: NAMESPACE.to_owned(),
            schedule_id: schedule_id.to_owned(),
            patch: Some(patch),
            ..PatchScheduleRequest::default()
        })
        .await
        .context("patch the schedule")?;
    Ok(())
}

/// Describes the schedule until `done` holds for it (the timer driver may still be firing).
async fn settle(
    client: &Client,
    schedule_id: &str,
    what: &str,
    done: impl Fn(&DescribeScheduleResponse) -> bool,
) -> Result<DescribeScheduleResponse> {
    let mut last = describe(client, schedule_id).await?;
    for _ in 0..SETTLE_ATTEMPTS {
        if done(&last) {
            return Ok(last);
        }
        tokio::time::sleep(SETTLE_PAUSE).await;
        last = describe(client, schedule_id).await?;
    }
    bail!("the schedule never came to: {what}; last described as {last:?}")
}

async fn poll(client: &Client, queue: &str) -> Result<PollWorkflowTaskQueueResponse> {
    loop {
        let task = client
            .clone()
            .poll_workflow_task_queue(PollWorkflowTaskQueueRequest {
                namespace: NAMESPACE.to_owned(),
                task_queue: task_queue(queue),
                identity: "schedules-test".to_owned(),
                ..PollWorkflowTaskQueueRequest::default()
            })
            .await
            .context("poll")?
            .into_inner();
        if !task.task_token.is_empty() {
            return Ok(task);
        }
    }
}

/// Completes a workflow task; `complete_workflow` also completes the run.
async fn respond(
    client: &Client,
    task: PollWorkflowTaskQueueResponse,
    complete_workflow: bool,
) -> Result<()> {
    use temporalio_protos::temporal::api::command::v1::{
        Command, CompleteWorkflowExecutionCommandAttributes, command,
    };
    use temporalio_protos::temporal::api::enums::v1::CommandType;
    let commands = if complete_workflow {
        vec![Command {
            command_type: CommandType::CompleteWorkflowExecution as i32,
            attributes: Some(
                command::Attributes::CompleteWorkflowExecutionCommandAttributes(
                    CompleteWorkflowExecutionCommandAttributes::default(),
                ),
            ),
            ..Command::default()
        }]
    } else {
        Vec::new()
    };
    client
        .clone()
        .respond_workflow_task_completed(RespondWorkflowTaskCompletedRequest {
            namespace: NAMESPACE.to_owned(),
            task_token: task.task_token,
            commands,
            identity: "schedules-test".to_owned(),
            ..RespondWorkflowTaskCompletedRequest::default()
        })
        .await
        .context("respond")?;
    Ok(())
}

fn text(payload: Option<&Payload>) -> String {
    payload
        .map(|p| String::from_utf8_lossy(&p.data).into_owned())
        .unwrap_or_default()
}

fn time_of(timestamp: Option<&prost_wkt_types::Timestamp>) -> Option<SystemTime> {
    timestamp.and_then(|t| SystemTime::try_from(*t).ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_hourly_schedule_takes_720_actions_in_a_skipped_month() -> Result<()> {
    const ACTIONS: usize = 30 * 24;
    let (engine, client) = engine_and_client(EngineConfig {
        time_mode: TimeMode::Skipping,
        ..EngineConfig::default()
    })
    .await?;
    create(
        &client,
        "hourly-schedule",
        schedule(HOUR, "hourly", "hourly-queue", ScheduleOverlapPolicy::Skip),
    )
    .await?;
    let mut previous_id = String::new();
    for action in 1..=ACTIONS {
        let task = poll(&client, "hourly-queue").await?;
        let execution = task.workflow_execution.clone().unwrap_or_default();
        ensure!(
            execution.workflow_id.starts_with("hourly-")
                && execution.workflow_id.ends_with(":00:00Z"),
            "action {action}: workflow id {:?} is not hourly-<top of an hour>",
            execution.workflow_id
        );
        ensure!(
            execution.workflow_id > previous_id,
            "action {action}: {} does not come after {previous_id}",
            execution.workflow_id
        );
        let started = task
            .history
            .as_ref()
            .and_then(|h| h.events.first())
            .and_then(|e| match &e.attributes {
                Some(temporalio_protos::temporal::api::history::v1::history_event::Attributes::WorkflowExecutionStartedEventAttributes(a)) => Some(a.clone()),
                _ => None,
            })
            .context("no started event")?;
        let attributes = started.search_attributes.unwrap_or_default().indexed_fields;
        let nominal = execution.workflow_id.trim_start_matches("hourly-");
        ensure!(
            text(attributes.get("TemporalScheduledById")) == "\"hourly-schedule\""
                && text(attributes.get("TemporalScheduledStartTime")) == format!("\"{nominal}\""),
            "action {action}: search attributes {attributes:?}"
        );
        previous_id = execution.workflow_id.clone();
        if action == ACTIONS {
            // No more: the schedule is paused while its last workflow still holds the clock.
            patch(
                &client,
                "hourly-schedule",
                SchedulePatch {
                    pause: "a month is enough".to_owned(),
                    ..SchedulePatch::default()
                },
            )
            .await?;
        }
        respond(&client, task, true).await?;
    }
    let described = settle(
        &client,
        "hourly-schedule",
        "720 actions, none running",
        |d| {
            d.info.as_ref().is_some_and(|info| {
                info.action_count == ACTIONS as i64 && info.running_workflows.is_empty()
            })
        },
    )
    .await?;
    let info = described.info.unwrap_or_default();
    ensure!(
        info.recent_actions.len() == 10
            && info.recent_actions.iter().all(|action| {
                action.start_workflow_status == WorkflowExecutionStatus::Completed as i32
            }),
        "the last 10 actions, all completed: {:?}",
        info.recent_actions
    );
    let future: Vec<_> = info
        .future_action_times
        .iter()
        .filter_map(|t| time_of(Some(t)))
        .collect();
    ensure!(
        future.len() == 10
            && future
                .windows(2)
                .all(|pair| pair[1].duration_since(pair[0]).ok() == Some(HOUR)),
        "ten future times an hour apart: {future:?}"
    );
    ensure!(
        info.missed_catchup_window == 0 && info.overlap_skipped == 0,
        "nothing missed or skipped: {info:?}"
    );
    client
        .clone()
        .delete_schedule(DeleteScheduleRequest {
            namespace: NAMESPACE.to_owned(),
            schedule_id: "hourly-schedule".to_owned(),
            ..DeleteScheduleRequest::default()
        })
        .await
        .context("delete")?;
    let gone = describe(&client, "hourly-schedule").await;
    ensure!(
        gone.as_ref()
            .err()
            .and_then(|e| e.downcast_ref::<tonic::Status>())
            .map(tonic::Status::code)
            == Some(Code::NotFound),
        "a deleted schedule is not found: {gone:?}"
    );
    engine.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlap_pause_and_trigger_act_as_the_server_does() -> Result<()> {
    let (engine, client) = engine_and_client(EngineConfig {
        time_mode: TimeMode::Skipping,
        ..EngineConfig::default()
    })
    .await?;
    // Time moves only when the test says.
    engine.lock_time_skipping();
    let id = "buffered";
    let every = Duration::from_secs(10);
    create(
        &client,
        id,
        schedule(
            every,
            "buffered-wf",
            "buffered-queue",
            ScheduleOverlapPolicy::BufferOne,
        ),
    )
    .await?;

    // The first action: its workflow takes a task and stays open.
    engine.sleep(every);
    let first = poll(&client, "buffered-queue").await?;
    let first_id = first
        .workflow_execution
        .clone()
        .unwrap_or_default()
        .workflow_id;
    respond(&client, first, false).await?;

    // Three more times while it runs: one buffered, two skipped.
    engine.sleep(every * 3);
    let described = settle(&client, id, "one buffered, two skipped", |d| {
        d.info
            .as_ref()
            .is_some_and(|info| info.overlap_skipped == 2)
    })
    .await?;
    let info = described.info.unwrap_or_default();
    ensure!(
        info.action_count == 1 && info.buffer_size == 1 && info.running_workflows.len() == 1,
        "one action, one buffered start, one running workflow: {info:?}"
    );

    // The open run ends: the buffered start runs.
    client
        .clone()
        .terminate_workflow_execution(TerminateWorkflowExecutionRequest {
            namespace: NAMESPACE.to_owned(),
            workflow_execution: Some(WorkflowExecution {
                workflow_id: first_id.clone(),
                run_id: String::new(),
            }),
            reason: "let the buffered start run".to_owned(),
            ..TerminateWorkflowExecutionRequest::default()
        })
        .await
        .context("terminate the first run")?;
    let second = poll(&client, "buffered-queue").await?;
    let second_id = second
        .workflow_execution
        .clone()
        .unwrap_or_default()
        .workflow_id;
    ensure!(
        second_id != first_id,
        "the buffered start is a new workflow"
    );
    respond(&client, second, false).await?;
    let described = settle(&client, id, "two actions, the first terminated", |d| {
        d.info.as_ref().is_some_and(|info| {
            info.action_count == 2
                && info.recent_actions.first().map(|a| a.start_workflow_status)
                    == Some(WorkflowExecutionStatus::Terminated as i32)
        })
    })
    .await?;
    ensure!(
        described.info.unwrap_or_default().buffer_size == 0,
        "the buffer is empty again"
    );

    // Paused, time passes without actions or skips; a trigger with ALLOW_ALL still starts.
    patch(
        &client,
        id,
        SchedulePatch {
            pause: "paused by the test".to_owned(),
            ..SchedulePatch::default()
        },
    )
    .await?;
    let described = describe(&client, id).await?;
    let state = described.schedule.and_then(|s| s.state).unwrap_or_default();
    ensure!(
        state.paused && state.notes == "paused by the test",
        "paused with notes: {state:?}"
    );
    engine.sleep(every * 3);
    patch(
        &client,
        id,
        SchedulePatch {
            trigger_immediately: Some(TriggerImmediatelyRequest {
                overlap_policy: ScheduleOverlapPolicy::AllowAll as i32,
                scheduled_time: None,
            }),
            ..SchedulePatch::default()
        },
    )
    .await?;
    let described = settle(&client, id, "the trigger's action", |d| {
        d.info.as_ref().is_some_and(|info| info.action_count == 3)
    })
    .await?;
    let info = described.info.unwrap_or_default();
    ensure!(
        info.overlap_skipped == 2 && info.running_workflows.len() == 1,
        "paused time is neither taken nor skipped, and an ALLOW_ALL start is not tracked: {info:?}"
    );
    engine.unlock_time_skipping();
    engine.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_id_and_a_bad_spec_are_refused() -> Result<()> {
    let (engine, client) = engine_and_client(EngineConfig::default()).await?;
    create(
        &client,
        "once",
        schedule(HOUR, "once-wf", "once-queue", ScheduleOverlapPolicy::Skip),
    )
    .await?;
    let again = client
        .clone()
        .create_schedule(CreateScheduleRequest {
            namespace: NAMESPACE.to_owned(),
            schedule_id: "once".to_owned(),
            schedule: Some(schedule(
                HOUR,
                "once-wf",
                "once-queue",
                ScheduleOverlapPolicy::Skip,
            )),
            request_id: "another-request".to_owned(),
            ..CreateScheduleRequest::default()
        })
        .await
        .expect_err("a second schedule with the same id");
    ensure!(
        again.code() == Code::AlreadyExists
            && again
                .message()
                .contains("schedule \"once\" is already registered"),
        "{again:?}"
    );
    let mut bad = schedule(HOUR, "bad-wf", "bad-queue", ScheduleOverlapPolicy::Skip);
    bad.spec = Some(ScheduleSpec {
        cron_string: vec!["61 * * * *".to_owned()],
        ..ScheduleSpec::default()
    });
    let refused = client
        .clone()
        .create_schedule(CreateScheduleRequest {
            namespace: NAMESPACE.to_owned(),
            schedule_id: "bad".to_owned(),
            schedule: Some(bad),
            request_id: "bad-create".to_owned(),
            ..CreateScheduleRequest::default()
        })
        .await
        .expect_err("a minute of 61");
    ensure!(
        refused.code() == Code::InvalidArgument
            && refused.message().contains("Invalid schedule spec:"),
        "{refused:?}"
    );
    engine.stop().await;
    Ok(())
}
