//! Cron workflows and workflow retry policies with time skipping, driven by a scripted raw-gRPC
//! worker: a month of hourly runs takes seconds of wall time, and every run starts in the hour
//! (or after the backoff) the server would start it in. (The same behaviour against the real
//! server, in real time, is in `python_conformance.rs`: `py_cron`, `py_workflow_retry`,
//! `py_run_timeout_retry`.)
//!
//! Time skipping, not the fuzzer's virtual time: virtual time lets a held task time out after a
//! second of quiet, which a busy machine could cause between a poll and its answer. So the
//! checks are on the backoffs the engine wrote and on which hour a run starts in, never on how
//! long anything took.

use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail, ensure};
use temporalio_protos::temporal::api::command::v1::{
    Command, CompleteWorkflowExecutionCommandAttributes, FailWorkflowExecutionCommandAttributes,
    command,
};
use temporalio_protos::temporal::api::common::v1::{
    Payload, Payloads, RetryPolicy, WorkflowExecution, WorkflowType,
};
use temporalio_protos::temporal::api::enums::v1::{
    CommandType, ContinueAsNewInitiator, EventType, RetryState, TaskQueueKind,
};
use temporalio_protos::temporal::api::failure::v1::{ApplicationFailureInfo, Failure, failure};
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    HistoryEvent, WorkflowExecutionStartedEventAttributes,
};
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::{
    PollWorkflowTaskQueueRequest, PollWorkflowTaskQueueResponse,
    RespondWorkflowTaskCompletedRequest, StartWorkflowExecutionRequest,
    TerminateWorkflowExecutionRequest,
};
use wfkit_cluster::{Client, ConnectOptions, connect};
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};

const NAMESPACE: &str = "default";
const HOUR: Duration = Duration::from_secs(3600);
/// Polls in a row that may come back empty before the worker gives up: time skips to the next
/// run as soon as the worker has answered, so an empty poll means there is nothing more to do.
const EMPTY_POLLS_ALLOWED: u32 = 2;
/// How long one poll waits for a task.
const LONG_POLL_TIMEOUT: Duration = Duration::from_secs(2);

/// The engine with time skipping, a client of it, and the engine's time at the start.
async fn skipping_engine() -> Result<(TestEngine, Client, SystemTime)> {
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Skipping,
        long_poll_timeout: LONG_POLL_TIMEOUT,
        ..EngineConfig::default()
    })
    .await?;
    let client = connect(&ConnectOptions::new(
        engine.address().to_string(),
        NAMESPACE,
    ))
    .await
    .context("connect to the engine")?;
    let epoch = engine.now();
    Ok((engine, client, epoch))
}

fn task_queue(name: &str) -> Option<TaskQueue> {
    Some(TaskQueue {
        name: name.to_owned(),
        kind: TaskQueueKind::Normal as i32,
        ..TaskQueue::default()
    })
}

fn start_request(id: &str) -> StartWorkflowExecutionRequest {
    StartWorkflowExecutionRequest {
        namespace: NAMESPACE.to_owned(),
        workflow_id: id.to_owned(),
        workflow_type: Some(WorkflowType {
            name: "Scripted".to_owned(),
        }),
        task_queue: task_queue(id),
        request_id: format!("{id}-start"),
        ..StartWorkflowExecutionRequest::default()
    }
}

fn seconds(seconds: i64) -> Option<prost_wkt_types::Duration> {
    Some(prost_wkt_types::Duration { seconds, nanos: 0 })
}

fn payloads(text: &str) -> Option<Payloads> {
    Some(Payloads {
        payloads: vec![Payload {
            data: text.as_bytes().to_vec(),
            ..Payload::default()
        }],
    })
}

fn text_of(payloads: Option<&Payloads>) -> String {
    payloads
        .and_then(|p| p.payloads.first())
        .map(|p| String::from_utf8_lossy(&p.data).into_owned())
        .unwrap_or_default()
}

fn complete(result: &str) -> Command {
    Command {
        command_type: CommandType::CompleteWorkflowExecution as i32,
        attributes: Some(
            command::Attributes::CompleteWorkflowExecutionCommandAttributes(
                CompleteWorkflowExecutionCommandAttributes {
                    result: payloads(result),
                },
            ),
        ),
        ..Command::default()
    }
}

fn fail(message: &str) -> Command {
    Command {
        command_type: CommandType::FailWorkflowExecution as i32,
        attributes: Some(command::Attributes::FailWorkflowExecutionCommandAttributes(
            FailWorkflowExecutionCommandAttributes {
                failure: Some(Failure {
                    message: message.to_owned(),
                    failure_info: Some(failure::FailureInfo::ApplicationFailureInfo(
                        ApplicationFailureInfo {
                            r#type: "Scripted".to_owned(),
                            ..ApplicationFailureInfo::default()
                        },
                    )),
                    ..Failure::default()
                }),
            },
        )),
        ..Command::default()
    }
}

/// The next workflow task on `queue`, or `None` when polls keep coming back empty.
async fn poll(client: &Client, queue: &str) -> Result<Option<PollWorkflowTaskQueueResponse>> {
    for _ in 0..EMPTY_POLLS_ALLOWED {
        let response = client
            .clone()
            .poll_workflow_task_queue(PollWorkflowTaskQueueRequest {
                namespace: NAMESPACE.to_owned(),
                task_queue: task_queue(queue),
                identity: "cron-and-retry-test".to_owned(),
                ..PollWorkflowTaskQueueRequest::default()
            })
            .await
            .context("poll")?
            .into_inner();
        if !response.task_token.is_empty() {
            return Ok(Some(response));
        }
    }
    Ok(None)
}

async fn respond(client: &Client, token: Vec<u8>, command: Command) -> Result<()> {
    client
        .clone()
        .respond_workflow_task_completed(RespondWorkflowTaskCompletedRequest {
            namespace: NAMESPACE.to_owned(),
            task_token: token,
            commands: vec![command],
            identity: "cron-and-retry-test".to_owned(),
            ..RespondWorkflowTaskCompletedRequest::default()
        })
        .await
        .context("respond")?;
    Ok(())
}

/// One run as its first workflow task showed it.
struct RunSeen {
    run_id: String,
    started: WorkflowExecutionStartedEventAttributes,
    /// When its first workflow task was scheduled.
    first_task_time: SystemTime,
    /// The wait before it the engine wrote (`first_workflow_task_backoff`).
    backoff: Duration,
}

fn seen(task: &PollWorkflowTaskQueueResponse) -> Result<RunSeen> {
    let events: &[HistoryEvent] = task.history.as_ref().map_or(&[], |h| &h.events);
    let Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) =
        events.first().and_then(|e| e.attributes.clone())
    else {
        bail!("the task's history does not start with WorkflowExecutionStarted: {events:?}");
    };
    let scheduled = events
        .iter()
        .find(|e| e.event_type == EventType::WorkflowTaskScheduled as i32)
        .and_then(|e| e.event_time)
        .context("no WorkflowTaskScheduled event time")?;
    Ok(RunSeen {
        run_id: task
            .workflow_execution
            .as_ref()
            .map(|e| e.run_id.clone())
            .unwrap_or_default(),
        backoff: started
            .first_workflow_task_backoff
            .and_then(|d| Duration::try_from(d).ok())
            .unwrap_or_default(),
        started,
        first_task_time: SystemTime::try_from(scheduled).context("event time out of range")?,
    })
}

fn offset(time: SystemTime, start: SystemTime) -> Duration {
    time.duration_since(start).unwrap_or_default()
}

/// The first top of an hour after `time`.
fn top_of_hour_after(time: SystemTime) -> SystemTime {
    let since_epoch_s = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    SystemTime::UNIX_EPOCH + Duration::from_secs((since_epoch_s / 3600 + 1) * 3600)
}

async fn terminate(client: &Client, id: &str) -> Result<()> {
    client
        .clone()
        .terminate_workflow_execution(TerminateWorkflowExecutionRequest {
            namespace: NAMESPACE.to_owned(),
            workflow_execution: Some(WorkflowExecution {
                workflow_id: id.to_owned(),
                run_id: String::new(),
            }),
            reason: "the test saw its runs".to_owned(),
            ..TerminateWorkflowExecutionRequest::default()
        })
        .await
        .context("terminate")?;
    Ok(())
}

/// The close event of `run_id`.
fn close_event(engine: &TestEngine, id: &str, run_id: &str) -> Result<HistoryEvent> {
    let history = engine.run_history(NAMESPACE, id, run_id)?;
    history.events.last().cloned().context("an empty history")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_hourly_cron_workflow_runs_every_hour_of_a_virtual_month() -> Result<()> {
    const RUNS: u32 = 30 * 24;
    let (engine, client, start) = skipping_engine().await?;
    let first_hour = top_of_hour_after(start);
    let id = "hourly";
    let mut request = start_request(id);
    request.cron_schedule = "0 * * * *".to_owned();
    client
        .clone()
        .start_workflow_execution(request)
        .await
        .context("start")?;
    let mut previous_run_id = String::new();
    for run in 1..=RUNS {
        let task = poll(&client, id)
            .await?
            .with_context(|| format!("no workflow task for run {run}"))?;
        let seen = seen(&task)?;
        // Each run waits for the top of its hour (the server rounds the wait up to a second).
        let hour = first_hour + HOUR * (run - 1);
        ensure!(
            seen.first_task_time >= hour && seen.first_task_time < hour + HOUR,
            "run {run}: first workflow task {:?} after the start, expected in the hour from {:?}",
            offset(seen.first_task_time, start),
            offset(hour, start)
        );
        ensure!(
            !seen.backoff.is_zero() && seen.backoff <= HOUR + Duration::from_secs(1),
            "run {run}: waited {:?} for an hourly schedule",
            seen.backoff
        );
        ensure!(
            seen.started.initiator == ContinueAsNewInitiator::CronSchedule as i32
                && seen.started.attempt == 1
                && seen.started.continued_execution_run_id == previous_run_id,
            "run {run}: started with {:?}",
            seen.started
        );
        let handed = text_of(seen.started.last_completion_result.as_ref());
        let expected = if run == 1 {
            String::new()
        } else {
            format!("run {}", run - 1)
        };
        ensure!(
            handed == expected,
            "run {run}: last completion result {handed:?}, expected {expected:?}"
        );
        previous_run_id = seen.run_id.clone();
        respond(&client, task.task_token, complete(&format!("run {run}"))).await?;
    }
    let last_close = close_event(&engine, id, &previous_run_id)?;
    let Some(Attributes::WorkflowExecutionCompletedEventAttributes(completed)) =
        last_close.attributes
    else {
        bail!("the last run did not complete: {last_close:?}");
    };
    ensure!(
        !completed.new_execution_run_id.is_empty(),
        "a cron run names the run after it"
    );
    terminate(&client, id).await?;
    ensure!(
        poll(&client, id).await?.is_none(),
        "a terminated cron workflow starts no more runs"
    );
    engine.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_workflow_is_retried_with_backoff_until_its_attempts_run_out() -> Result<()> {
    let (engine, client, _) = skipping_engine().await?;
    let id = "retried";
    let mut request = start_request(id);
    request.retry_policy = Some(RetryPolicy {
        initial_interval: seconds(10),
        backoff_coefficient: 3.0,
        maximum_interval: seconds(60),
        maximum_attempts: 5,
        non_retryable_error_types: Vec::new(),
    });
    client
        .clone()
        .start_workflow_execution(request)
        .await
        .context("start")?;
    // 10 s, 30 s, then 90 s capped at 60 s, twice.
    let expected_backoffs_s = [0, 10, 30, 60, 60];
    let mut run_ids = Vec::new();
    let mut previous_task_time = None;
    for (index, expected_s) in expected_backoffs_s.iter().enumerate() {
        let attempt = index as i32 + 1;
        let task = poll(&client, id)
            .await?
            .with_context(|| format!("no workflow task for attempt {attempt}"))?;
        let seen = seen(&task)?;
        let expected = Duration::from_secs(*expected_s);
        ensure!(
            seen.backoff == expected,
            "attempt {attempt}: backoff {:?}, expected {expected:?}",
            seen.backoff
        );
        if let Some(previous) = previous_task_time {
            ensure!(
                seen.first_task_time >= previous + expected,
                "attempt {attempt} ran before its backoff had passed"
            );
        }
        previous_task_time = Some(seen.first_task_time);
        ensure!(
            seen.started.attempt == attempt,
            "attempt {attempt}: the started event says {}",
            seen.started.attempt
        );
        if attempt > 1 {
            ensure!(
                seen.started.initiator == ContinueAsNewInitiator::Retry as i32
                    && seen
                        .started
                        .continued_failure
                        .as_ref()
                        .map(|f| f.message.as_str())
                        == Some("attempt failed on purpose"),
                "attempt {attempt}: started with {:?}",
                seen.started
            );
        }
        run_ids.push(seen.run_id.clone());
        respond(&client, task.task_token, fail("attempt failed on purpose")).await?;
    }
    for (index, run_id) in run_ids.iter().enumerate() {
        let close = close_event(&engine, id, run_id)?;
        let Some(Attributes::WorkflowExecutionFailedEventAttributes(failed)) = close.attributes
        else {
            bail!("run {run_id} did not fail: {close:?}");
        };
        let last = index + 1 == run_ids.len();
        let expected_state = if last {
            RetryState::MaximumAttemptsReached
        } else {
            RetryState::InProgress
        };
        ensure!(
            failed.retry_state == expected_state as i32
                && failed.new_execution_run_id.is_empty() == last,
            "run {}: {failed:?}",
            index + 1
        );
    }
    ensure!(
        poll(&client, id).await?.is_none(),
        "no attempt after the last"
    );
    engine.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_retry_starts_after_the_execution_deadline() -> Result<()> {
    let (engine, client, _) = skipping_engine().await?;
    let id = "deadline";
    let mut request = start_request(id);
    request.workflow_execution_timeout = seconds(25);
    request.retry_policy = Some(RetryPolicy {
        initial_interval: seconds(10),
        backoff_coefficient: 2.0,
        ..RetryPolicy::default()
    });
    client
        .clone()
        .start_workflow_execution(request)
        .await
        .context("start")?;
    let mut run_ids = Vec::new();
    // Attempt 1 at 0 s, attempt 2 at 10 s; attempt 3 would start at 30 s, after the deadline.
    for _ in 0..2 {
        let task = poll(&client, id).await?.context("no workflow task")?;
        run_ids.push(seen(&task)?.run_id);
        respond(&client, task.task_token, fail("attempt failed on purpose")).await?;
    }
    let close = close_event(&engine, id, &run_ids[1])?;
    let Some(Attributes::WorkflowExecutionFailedEventAttributes(failed)) = close.attributes else {
        bail!("attempt 2 did not fail: {close:?}");
    };
    ensure!(
        failed.retry_state == RetryState::Timeout as i32 && failed.new_execution_run_id.is_empty(),
        "attempt 2 closes for good: {failed:?}"
    );
    engine.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_cron_run_hands_on_the_last_result_and_its_failure() -> Result<()> {
    let (engine, client, _) = skipping_engine().await?;
    let id = "cron-failure";
    let mut request = start_request(id);
    request.cron_schedule = "@every 10m".to_owned();
    client
        .clone()
        .start_workflow_execution(request)
        .await
        .context("start")?;
    let scripts = [complete("first"), fail("second fails"), complete("third")];
    let mut seen_runs = Vec::new();
    for command in scripts {
        let task = poll(&client, id).await?.context("no workflow task")?;
        seen_runs.push(seen(&task)?);
        respond(&client, task.task_token, command).await?;
    }
    // Ten minutes after the last tick, less the part of a second the last run took.
    for (index, run) in seen_runs.iter().enumerate() {
        ensure!(
            run.backoff >= Duration::from_secs(590) && run.backoff <= Duration::from_secs(600),
            "run {}: waited {:?} for @every 10m",
            index + 1,
            run.backoff
        );
    }
    let third = &seen_runs[2].started;
    ensure!(
        text_of(third.last_completion_result.as_ref()) == "first"
            && third.continued_failure.as_ref().map(|f| f.message.as_str()) == Some("second fails"),
        "the run after a failed one keeps the last result and sees the failure: {third:?}"
    );
    let close = close_event(&engine, id, &seen_runs[1].run_id)?;
    let Some(Attributes::WorkflowExecutionFailedEventAttributes(failed)) = close.attributes else {
        bail!("the second run did not fail: {close:?}");
    };
    ensure!(
        failed.retry_state == RetryState::RetryPolicyNotSet as i32
            && !failed.new_execution_run_id.is_empty(),
        "a failed cron run is followed by the next cron run: {failed:?}"
    );
    terminate(&client, id).await?;
    engine.stop().await;
    Ok(())
}
