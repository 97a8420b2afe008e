//! A month of an hourly schedule, next to the real dev server, in one run; writes
//! `reports/schedule-month.md`.
//!
//! - **wfkit**: an hourly schedule takes its 720 actions of a 30-day month with time skipping, a
//!   scripted raw-gRPC worker completing each workflow; the wall time is measured.
//! - **The real server** runs schedules on its own clock, so a month of hourly actions takes a
//!   month. It is measured on a 1 s schedule for a few actions (wall time per action), and the
//!   month is that scaled to hourly actions.
//! - **Overlap policies**: on wfkit, a virtual day of the hourly schedule whose workflows run
//!   90 minutes (a timer), once per policy: what each policy started, skipped, buffered,
//!   canceled or terminated.
//!
//! `cargo bench -p wfkit-engine --bench schedule_month` (WFKIT_BENCH_REAL_ACTIONS changes how
//! many 1 s actions the real server is timed on; default 5).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use temporalio_protos::temporal::api::command::v1::{
    Command, CompleteWorkflowExecutionCommandAttributes, StartTimerCommandAttributes, command,
};
use temporalio_protos::temporal::api::common::v1::WorkflowType;
use temporalio_protos::temporal::api::enums::v1::{
    CommandType, EventType, ScheduleOverlapPolicy, TaskQueueKind, WorkflowExecutionStatus,
};
use temporalio_protos::temporal::api::schedule::v1::schedule_action::Action;
use temporalio_protos::temporal::api::schedule::v1::{
    IntervalSpec, Schedule, ScheduleAction, SchedulePatch, SchedulePolicies, ScheduleSpec,
};
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflow::v1::NewWorkflowExecutionInfo;
use temporalio_protos::temporal::api::workflowservice::v1::{
    CreateScheduleRequest, DescribeScheduleRequest, DescribeScheduleResponse,
    ListWorkflowExecutionsRequest, PatchScheduleRequest, PollWorkflowTaskQueueRequest,
    PollWorkflowTaskQueueResponse, RespondWorkflowTaskCompletedRequest,
};
use wfkit_cluster::{Client, ConnectOptions, connect};
use wfkit_devserver::DevServer;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};

const HOUR: Duration = Duration::from_secs(3600);
const MONTH_ACTIONS: usize = 30 * 24;
const DAY_ACTIONS: usize = 24;
/// The overlap runs' workflows last this long: past the next hourly action.
const WORKFLOW_LENGTH: Duration = Duration::from_secs(90 * 60);
/// A long poll's deadline (the real server answers an empty poll after about a minute).
const POLL_DEADLINE: Duration = Duration::from_secs(70);

fn task_queue(name: &str) -> Option<TaskQueue> {
    Some(TaskQueue {
        name: name.to_owned(),
        kind: TaskQueueKind::Normal as i32,
        ..TaskQueue::default()
    })
}

fn schedule(every: Duration, id: &str, overlap: ScheduleOverlapPolicy) -> Schedule {
    Schedule {
        spec: Some(ScheduleSpec {
            interval: vec![IntervalSpec {
                interval: Some(prost_wkt_types::Duration {
                    seconds: every.as_secs() as i64,
                    nanos: 0,
                }),
                phase: None,
            }],
            ..ScheduleSpec::default()
        }),
        action: Some(ScheduleAction {
            action: Some(Action::StartWorkflow(NewWorkflowExecutionInfo {
                workflow_id: format!("{id}-wf"),
                workflow_type: Some(WorkflowType {
                    name: "Scheduled".to_owned(),
                }),
                task_queue: task_queue(id),
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

async fn create(client: &Client, namespace: &str, id: &str, schedule: Schedule) -> Result<()> {
    client
        .clone()
        .create_schedule(CreateScheduleRequest {
            namespace: namespace.to_owned(),
            schedule_id: id.to_owned(),
            schedule: Some(schedule),
            request_id: format!("{id}-create"),
            ..CreateScheduleRequest::default()
        })
        .await
        .context("create the schedule")?;
    Ok(())
}

async fn describe(client: &Client, namespace: &str, id: &str) -> Result<DescribeScheduleResponse> {
    Ok(client
        .clone()
        .describe_schedule(DescribeScheduleRequest {
            namespace: namespace.to_owned(),
            schedule_id: id.to_owned(),
        })
        .await
        .context("describe")?
        .into_inner())
}

async fn pause(client: &Client, namespace: &str, id: &str) -> Result<()> {
    client
        .clone()
        .patch_schedule(PatchScheduleRequest {
            namespace: namespace.to_owned(),
            schedule_id: id.to_owned(),
            patch: Some(SchedulePatch {
                pause: "the bench is done".to_owned(),
                ..SchedulePatch::default()
            }),
            ..PatchScheduleRequest::default()
        })
        .await
        .context("pause")?;
    Ok(())
}

async fn poll(
    client: &Client,
    namespace: &str,
    queue: &str,
) -> Result<PollWorkflowTaskQueueResponse> {
    loop {
        // The real server refuses a long poll without a deadline.
        let mut request = tonic::Request::new(PollWorkflowTaskQueueRequest {
            namespace: namespace.to_owned(),
            task_queue: task_queue(queue),
            identity: "schedule-month-bench".to_owned(),
            ..PollWorkflowTaskQueueRequest::default()
        });
        request.set_timeout(POLL_DEADLINE);
        let task = client
            .clone()
            .poll_workflow_task_queue(request)
            .await
            .context("poll")?
            .into_inner();
        if !task.task_token.is_empty() {
            return Ok(task);
        }
    }
}

async fn respond(client: &Client, namespace: &str, token: Vec<u8>, command: Command) -> Result<()> {
    client
        .clone()
        .respond_workflow_task_completed(RespondWorkflowTaskCompletedRequest {
            namespace: namespace.to_owned(),
            task_token: token,
            commands: vec![command],
            identity: "schedule-month-bench".to_owned(),
            ..RespondWorkflowTaskCompletedRequest::default()
        })
        .await
        .context("respond")?;
    Ok(())
}

fn complete() -> Command {
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

fn cancel() -> Command {
    Command {
        command_type: CommandType::CancelWorkflowExecution as i32,
        attributes: Some(command::Attributes::CancelWorkflowExecutionCommandAttributes(
            temporalio_protos::temporal::api::command::v1::CancelWorkflowExecutionCommandAttributes::default(),
        )),
        ..Command::default()
    }
}

fn start_timer(length: Duration) -> Command {
    Command {
        command_type: CommandType::StartTimer as i32,
        attributes: Some(command::Attributes::StartTimerCommandAttributes(
            StartTimerCommandAttributes {
                timer_id: "length".to_owned(),
                start_to_fire_timeout: Some(prost_wkt_types::Duration {
                    seconds: length.as_secs() as i64,
                    nanos: 0,
                }),
            },
        )),
        ..Command::default()
    }
}

/// Starts a schedule of `every` and completes each workflow it starts at once, for `actions`
/// actions; returns the wall time from create to the last completion.
async fn run_actions(
    client: &Client,
    namespace: &str,
    id: &str,
    every: Duration,
    actions: usize,
) -> Result<Duration> {
    let started = Instant::now();
    create(
        client,
        namespace,
        id,
        schedule(every, id, ScheduleOverlapPolicy::Skip),
    )
    .await?;
    for action in 1..=actions {
        let task = poll(client, namespace, id).await?;
        if action == actions {
            pause(client, namespace, id).await?;
        }
        respond(client, namespace, task.task_token, complete()).await?;
    }
    Ok(started.elapsed())
}

/// A virtual day of the hourly schedule with 90-minute workflows under `policy`: the schedule's
/// counters and how its workflows ended.
async fn overlap_day(policy: ScheduleOverlapPolicy) -> Result<String> {
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Skipping,
        ..EngineConfig::default()
    })
    .await?;
    let client = connect(&ConnectOptions::new(
        engine.address().to_string(),
        "default",
    ))
    .await?;
    let id = format!("overlap-{}", policy.as_str_name().to_lowercase());
    create(&client, "default", &id, schedule(HOUR, &id, policy)).await?;
    // A workflow task starts the workflow's 90-minute timer, completes the workflow once the
    // timer fired, or cancels it when the schedule asked.
    let day_end = engine.now() + HOUR * DAY_ACTIONS as u32;
    loop {
        let task = poll(&client, "default", &id).await?;
        let events = task
            .history
            .as_ref()
            .map(|h| h.events.as_slice())
            .unwrap_or(&[]);
        let seen = |kind: EventType| events.iter().any(|event| event.event_type == kind as i32);
        let command = if seen(EventType::WorkflowExecutionCancelRequested) {
            cancel()
        } else if seen(EventType::TimerFired) {
            complete()
        } else {
            start_timer(WORKFLOW_LENGTH)
        };
        let last = engine.now() >= day_end;
        if last {
            pause(&client, "default", &id).await?;
        }
        // A cancel that arrives while the task runs makes the server refuse a closing command
        // (UnhandledCommand); the next task brings the cancel.
        if let Err(error) = respond(&client, "default", task.task_token, command).await
            && !format!("{error:#}").contains("UnhandledCommand")
        {
            return Err(error);
        }
        if last {
            break;
        }
    }
    let info = describe(&client, "default", &id)
        .await?
        .info
        .unwrap_or_default();
    let runs = client
        .clone()
        .list_workflow_executions(ListWorkflowExecutionsRequest {
            namespace: "default".to_owned(),
            page_size: 1000,
            ..ListWorkflowExecutionsRequest::default()
        })
        .await?
        .into_inner()
        .executions;
    let count = |status: WorkflowExecutionStatus| {
        runs.iter()
            .filter(|run| run.status == status as i32)
            .count()
    };
    engine.stop().await;
    Ok(format!(
        "| {} | {} | {} | {} | {} | {} | {} |",
        policy
            .as_str_name()
            .trim_start_matches("SCHEDULE_OVERLAP_POLICY_"),
        info.action_count,
        info.overlap_skipped,
        info.buffer_size,
        count(WorkflowExecutionStatus::Completed),
        count(WorkflowExecutionStatus::Canceled),
        count(WorkflowExecutionStatus::Terminated),
    ))
}

async fn bench() -> Result<String> {
    let real_actions = std::env::var("WFKIT_BENCH_REAL_ACTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5usize);

    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Skipping,
        ..EngineConfig::default()
    })
    .await?;
    let client = connect(&ConnectOptions::new(
        engine.address().to_string(),
        "default",
    ))
    .await?;
    let ours = run_actions(&client, "default", "month", HOUR, MONTH_ACTIONS).await?;
    engine.stop().await;

    let server = DevServer::start()
        .await
        .context("the real dev server is needed: run `bash scripts/setup.sh`")?;
    let real_client = connect(&ConnectOptions::new(server.address(), server.namespace())).await?;
    let real = run_actions(
        &real_client,
        server.namespace(),
        "seconds",
        Duration::from_secs(1),
        real_actions,
    )
    .await;
    server.stop().await?;
    let real = real?;
    // The real server keeps to the schedule's clock: an hourly month takes a month.
    let real_per_action = real.as_secs_f64() / real_actions as f64;
    let real_month_s = HOUR.as_secs_f64() * MONTH_ACTIONS as f64;

    let mut overlap_rows = Vec::new();
    for policy in [
        ScheduleOverlapPolicy::Skip,
        ScheduleOverlapPolicy::BufferOne,
        ScheduleOverlapPolicy::BufferAll,
        ScheduleOverlapPolicy::CancelOther,
        ScheduleOverlapPolicy::TerminateOther,
        ScheduleOverlapPolicy::AllowAll,
    ] {
        overlap_rows.push(overlap_day(policy).await?);
    }
    if overlap_rows.is_empty() {
        bail!("no overlap runs");
    }
    Ok(format!(
        "# A month of an hourly schedule\n\n\
         `cargo bench -p wfkit-engine --bench schedule_month` (engine/benches/schedule_month.rs).\n\n\
         | | wall time for 720 hourly actions (30 days) |\n|---|---|\n\
         | wfkit engine, time skipping | {ours:.2?} ({:.2} ms per action) |\n\
         | `temporal server start-dev` | {real_month_s:.0} s = 30 days (it keeps to the schedule's clock: {real_actions} actions of a 1 s schedule took {real:.2?}, {real_per_action:.2} s per action) |\n\n\
         Ratio: wfkit runs the month {:.0}x faster than real time.\n\n\
         ## Overlap policies over a virtual day\n\n\
         An hourly schedule for 24 hours whose workflows run 90 minutes (a timer), on wfkit with\n\
         time skipping; a worker completes each workflow when its timer fires, and cancels it when\n\
         the schedule asks (CANCEL_OTHER). \"buffered at the end\": starts still waiting.\n\n\
         | policy | actions | skipped | buffered at the end | completed | canceled | terminated |\n\
         |---|---|---|---|---|---|---|\n{}\n",
        ours.as_secs_f64() * 1000.0 / MONTH_ACTIONS as f64,
        real_month_s / ours.as_secs_f64(),
        overlap_rows.join("\n"),
    ))
}

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let report = runtime.block_on(bench())?;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/schedule-month.md");
    std::fs::write(&path, &report).with_context(|| format!("writing {}", path.display()))?;
    println!("{report}");
    Ok(())
}
