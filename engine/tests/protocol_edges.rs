//! Protocol edge cases, driven by a scripted worker that speaks raw gRPC (no SDK), so that timeouts,
//! retries, failures and races happen at exactly the same point on both backends. Every case runs
//! on the real Temporal dev server (`temporal server start-dev`) and on the wfkit engine; the test
//! compares, case by case:
//!
//! * the final history, normalised (`wfkit_history::{normalize, diff}`);
//! * the history carried by each workflow task the scripted worker polled (transient suffixes,
//!   full vs partial history), normalised the same way;
//! * facts the worker observed outside histories (attempt numbers, error codes and messages,
//!   activity task fields, a query's answer).
//!
//! Each case also checks what `SEMANTICS.md` says the real server does (e.g. attempt 2 arrives as
//! a transient task). A check that fails on the real server means the test's own picture is wrong
//! and fails the test as such. Every difference is collected and reported in one failure. Fails
//! (never skips) when the dev server is missing.
//!
//! Both backends get the same workflow ids: they are separate servers, and ids reach histories
//! (task queue names), so equal ids keep the comparison free of renaming.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use temporalio_protos::temporal::api::command::v1::{
    CancelWorkflowExecutionCommandAttributes, Command, CompleteWorkflowExecutionCommandAttributes,
    RequestCancelExternalWorkflowExecutionCommandAttributes, ScheduleActivityTaskCommandAttributes,
    SignalExternalWorkflowExecutionCommandAttributes, StartTimerCommandAttributes, command,
};
use temporalio_protos::temporal::api::common::v1::{
    ActivityType, Payload, Payloads, RetryPolicy, WorkflowExecution, WorkflowType,
};
use temporalio_protos::temporal::api::enums::v1::{
    CommandType, EventType, HistoryEventFilterType, QueryResultType, TaskQueueKind, TimeoutType,
    WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::failure::v1::{ApplicationFailureInfo, Failure, failure};
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::query::v1::WorkflowQuery;
use temporalio_protos::temporal::api::taskqueue::v1::{StickyExecutionAttributes, TaskQueue};
use temporalio_protos::temporal::api::workflowservice::v1::{
    GetWorkflowExecutionHistoryRequest, PollActivityTaskQueueRequest,
    PollActivityTaskQueueResponse, PollWorkflowTaskQueueRequest, PollWorkflowTaskQueueResponse,
    QueryWorkflowRequest, RequestCancelWorkflowExecutionRequest,
    RespondActivityTaskCompletedRequest, RespondActivityTaskFailedRequest,
    RespondQueryTaskCompletedRequest, RespondWorkflowTaskCompletedRequest,
    RespondWorkflowTaskCompletedResponse, RespondWorkflowTaskFailedRequest,
    SignalWithStartWorkflowExecutionRequest, SignalWorkflowExecutionRequest,
    StartWorkflowExecutionRequest,
};
use tonic::{Code, Request, Response, Status};
use wfkit_cluster::{Client, ConnectOptions, connect};
use wfkit_devserver::DevServer;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_history::event::{event_type, type_name};
use wfkit_history::{History, HistoryEvent, diff, normalize};

#[path = "protocol_edges/activities_by_id.rs"]
mod activities_by_id;
#[path = "protocol_edges/queries.rs"]
mod queries;
#[path = "protocol_edges/updates.rs"]
mod updates;
use activities_by_id::{activity_completed_by_id, activity_completed_by_id_before_start};
use queries::query_after_signal;
use updates::{
    update_during_continue_as_new, update_during_running_task, update_redelivered_after_timeout,
    update_rejected_leaves_no_events, update_unfinished_at_completion, update_with_start,
};

const IDENTITY: &str = "wfkit-protocol-edges";
const WORKFLOW_TYPE: &str = "ProtocolEdgesWorkflow";
const ACTIVITY_TYPE: &str = "ProtocolEdgesActivity";

/// Deadline of an ordinary call.
const RPC_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a poll waits for a task that is due. Generous: the real server fires 1 s timeouts
/// after about 1.0-1.1 s.
const TASK_WAIT: Duration = Duration::from_secs(10);
/// Shortest long-poll deadline sent: the real server refuses polls shorter than 2 s.
const MIN_POLL_TIMEOUT: Duration = Duration::from_secs(3);
/// How long to wait for an event the server writes by itself (a timeout, a close).
const EVENT_WAIT: Duration = Duration::from_secs(10);
/// Pause between two reads of a history while waiting for an event.
const EVENT_POLL_INTERVAL: Duration = Duration::from_millis(200);
/// Slack on top of a call's gRPC deadline before the client gives up on its own: a backend that
/// ignores `grpc-timeout` must not hang the case.
const CLIENT_GRACE: Duration = Duration::from_secs(2);
/// Upper bound on one case (the longest takes about 3 s).
const CASE_TIMEOUT: Duration = Duration::from_secs(15);
/// Upper bound on all cases on one backend (they take about 12 s).
const BACKEND_BUDGET: Duration = Duration::from_secs(60);
/// Upper bound on starting or stopping a backend (the dev server bounds its own start-up).
const BACKEND_TIMEOUT: Duration = Duration::from_secs(30);
/// Upper bound on history pages read for one run (histories here have a dozen events).
const MAX_HISTORY_PAGES: usize = 100;

// ---- What a case observed ----

/// What a case recorded besides its final history. Shared with the runner so that a case that
/// fails or times out still leaves what it saw.
#[derive(Debug, Clone, Default)]
struct Record {
    /// Observations compared between the backends: (label, value).
    facts: Vec<(String, String)>,
    /// Expectations (from `SEMANTICS.md`) that did not hold.
    failed_checks: Vec<String>,
    /// Histories carried by polled workflow tasks: (label, history).
    task_histories: Vec<(String, History)>,
}

/// A case's handle on one backend: the client, the namespace, and the case's own id (workflow
/// id and task queue name).
#[derive(Clone)]
struct Ctx {
    client: Client,
    namespace: String,
    id: String,
    record: Arc<Mutex<Record>>,
}

/// Awaits a call with a client-side bound, on top of the gRPC deadline in its request.
async fn within<T>(
    what: &str,
    timeout: Duration,
    call: impl Future<Output = Result<Response<T>, Status>>,
) -> Result<Result<T, Status>> {
    match tokio::time::timeout(timeout + CLIENT_GRACE, call).await {
        Ok(result) => Ok(result.map(Response::into_inner)),
        Err(_) => bail!("{what}: no answer within {:?}", timeout + CLIENT_GRACE),
    }
}

/// A call that must succeed.
async fn expect_ok<T>(
    what: &str,
    timeout: Duration,
    call: impl Future<Output = Result<Response<T>, Status>>,
) -> Result<T> {
    within(what, timeout, call)
        .await?
        .map_err(|status| anyhow::anyhow!("{what}: {:?} {:?}", status.code(), status.message()))
}

fn request<T>(message: T, timeout: Duration) -> Request<T> {
    let mut request = Request::new(message);
    request.set_timeout(timeout);
    request
}

impl Ctx {
    fn record(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records an observation that must be equal on both backends.
    fn fact(&self, label: &str, value: impl Display) {
        self.record()
            .facts
            .push((label.to_owned(), value.to_string()));
    }

    /// Records an expectation; only failures are kept.
    fn check(&self, what: &str, holds: bool, observed: impl Display) {
        if !holds {
            self.record()
                .failed_checks
                .push(format!("{what} (observed: {observed})"));
        }
    }

    fn execution(&self, run_id: &str) -> Option<WorkflowExecution> {
        Some(WorkflowExecution {
            workflow_id: self.id.clone(),
            run_id: run_id.to_owned(),
        })
    }

    fn normal_queue(&self) -> TaskQueue {
        TaskQueue {
            name: self.id.clone(),
            kind: TaskQueueKind::Normal as i32,
            ..TaskQueue::default()
        }
    }

    /// Activities go to their own queue, so "nobody polls it" is literally true.
    fn activity_queue(&self) -> TaskQueue {
        TaskQueue {
            name: format!("{}-activities", self.id),
            kind: TaskQueueKind::Normal as i32,
            ..TaskQueue::default()
        }
    }

    /// Starts the case's workflow; returns the run id.
    async fn start(
        &self,
        configure: impl FnOnce(&mut StartWorkflowExecutionRequest),
    ) -> Result<String> {
        let mut start = StartWorkflowExecutionRequest {
            namespace: self.namespace.clone(),
            workflow_id: self.id.clone(),
            workflow_type: Some(WorkflowType {
                name: WORKFLOW_TYPE.to_owned(),
            }),
            task_queue: Some(self.normal_queue()),
            input: payloads("start input"),
            identity: IDENTITY.to_owned(),
            request_id: format!("{}-start", self.id),
            ..StartWorkflowExecutionRequest::default()
        };
        configure(&mut start);
        let response = expect_ok(
            "StartWorkflowExecution",
            RPC_TIMEOUT,
            self.client
                .clone()
                .start_workflow_execution(request(start, RPC_TIMEOUT)),
        )
        .await?;
        Ok(response.run_id)
    }

    /// Polls the normal queue until a task arrives (at most [`TASK_WAIT`]), and records what
    /// the task carried under `label`.
    async fn poll_workflow_task(&self, label: &str) -> Result<PollWorkflowTaskQueueResponse> {
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
                &format!("PollWorkflowTaskQueue ({label})"),
                timeout,
                self.client
                    .clone()
                    .poll_workflow_task_queue(request(poll, timeout)),
            )
            .await?;
            if !task.task_token.is_empty() {
                self.saw_workflow_task(label, &task);
                return Ok(task);
            }
            if Instant::now() >= deadline {
                bail!("PollWorkflowTaskQueue ({label}): no task within {TASK_WAIT:?}");
            }
        }
    }

    fn saw_workflow_task(&self, label: &str, task: &PollWorkflowTaskQueueResponse) {
        self.fact(
            &format!("workflow task ({label})"),
            format!(
                "attempt={} previous_started_event_id={} started_event_id={} query={:?} \
                 queries={} messages={} next_page_token_empty={}",
                task.attempt,
                task.previous_started_event_id,
                task.started_event_id,
                task.query.as_ref().map(|query| &query.query_type),
                task.queries.len(),
                task.messages.len(),
                task.next_page_token.is_empty(),
            ),
        );
        self.record().task_histories.push((
            format!("history in the workflow task ({label})"),
            task.history.clone().unwrap_or_default(),
        ));
    }

    /// Polls the activity queue until a task arrives (at most [`TASK_WAIT`]).
    async fn poll_activity_task(&self, label: &str) -> Result<PollActivityTaskQueueResponse> {
        let deadline = Instant::now() + TASK_WAIT;
        loop {
            let timeout = deadline
                .saturating_duration_since(Instant::now())
                .max(MIN_POLL_TIMEOUT);
            let poll = PollActivityTaskQueueRequest {
                namespace: self.namespace.clone(),
                task_queue: Some(self.activity_queue()),
                identity: IDENTITY.to_owned(),
                ..PollActivityTaskQueueRequest::default()
            };
            let task = expect_ok(
                &format!("PollActivityTaskQueue ({label})"),
                timeout,
                self.client
                    .clone()
                    .poll_activity_task_queue(request(poll, timeout)),
            )
            .await?;
            if !task.task_token.is_empty() {
                self.fact(
                    &format!("activity task ({label})"),
                    format!(
                        "attempt={} activity_id={:?} type={:?} schedule_to_close={} \
                         start_to_close={} heartbeat={} retry_policy={} heartbeat_details={}",
                        task.attempt,
                        task.activity_id,
                        task.activity_type.as_ref().map(|t| &t.name),
                        duration_text(task.schedule_to_close_timeout.as_ref()),
                        duration_text(task.start_to_close_timeout.as_ref()),
                        duration_text(task.heartbeat_timeout.as_ref()),
                        task.retry_policy
                            .as_ref()
                            .map_or("none".to_owned(), retry_policy_text),
                        task.heartbeat_details.is_some(),
                    ),
                );
                return Ok(task);
            }
            if Instant::now() >= deadline {
                bail!("PollActivityTaskQueue ({label}): no task within {TASK_WAIT:?}");
            }
        }
    }

    /// Completes a workflow task and returns the server's answer, error included.
    async fn complete_raw(
        &self,
        task_token: Vec<u8>,
        commands: Vec<Command>,
        sticky_attributes: Option<StickyExecutionAttributes>,
    ) -> Result<Result<RespondWorkflowTaskCompletedResponse, Status>> {
        let completion = RespondWorkflowTaskCompletedRequest {
            namespace: self.namespace.clone(),
            task_token,
            commands,
            identity: IDENTITY.to_owned(),
            sticky_attributes,
            ..RespondWorkflowTaskCompletedRequest::default()
        };
        within(
            "RespondWorkflowTaskCompleted",
            RPC_TIMEOUT,
            self.client
                .clone()
                .respond_workflow_task_completed(request(completion, RPC_TIMEOUT)),
        )
        .await
    }

    /// Completes a workflow task, which must succeed.
    async fn complete(&self, task_token: Vec<u8>, commands: Vec<Command>) -> Result<()> {
        self.complete_raw(task_token, commands, None)
            .await?
            .map_err(|status| {
                anyhow::anyhow!(
                    "RespondWorkflowTaskCompleted: {:?} {:?}",
                    status.code(),
                    status.message()
                )
            })?;
        Ok(())
    }

    /// Reads the whole history of a run (`""`: the current run).
    async fn history(&self, run_id: &str) -> Result<History> {
        let mut events = Vec::new();
        let mut next_page_token = Vec::new();
        for _ in 0..MAX_HISTORY_PAGES {
            let page = expect_ok(
                "GetWorkflowExecutionHistory",
                RPC_TIMEOUT,
                self.client.clone().get_workflow_execution_history(request(
                    GetWorkflowExecutionHistoryRequest {
                        namespace: self.namespace.clone(),
                        execution: self.execution(run_id),
                        next_page_token: next_page_token.clone(),
                        ..GetWorkflowExecutionHistoryRequest::default()
                    },
                    RPC_TIMEOUT,
                )),
            )
            .await?;
            events.extend(
                page.history
                    .map(|history| history.events)
                    .unwrap_or_default(),
            );
            if page.next_page_token.is_empty() {
                return Ok(History { events });
            }
            next_page_token = page.next_page_token;
        }
        bail!("GetWorkflowExecutionHistory: more than {MAX_HISTORY_PAGES} pages")
    }

    /// Reads the history until it holds an event of `wanted` type (at most [`EVENT_WAIT`]).
    /// When it never comes, records a failed check and carries on: the diff then shows what the
    /// backend did instead.
    async fn wait_for_event(&self, run_id: &str, wanted: EventType) -> Result<()> {
        let deadline = Instant::now() + EVENT_WAIT;
        loop {
            let history = self.history(run_id).await?;
            if history
                .events
                .iter()
                .any(|event| event_type(event) == wanted)
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                self.check(
                    &format!("{} is written within {EVENT_WAIT:?}", type_name(wanted)),
                    false,
                    event_types(&history),
                );
                return Ok(());
            }
            tokio::time::sleep(EVENT_POLL_INTERVAL).await;
        }
    }

    /// Long-polls for the run's close event (at most [`EVENT_WAIT`]).
    async fn wait_for_close(&self, run_id: &str) -> Result<Option<HistoryEvent>> {
        let deadline = Instant::now() + EVENT_WAIT;
        let mut next_page_token = Vec::new();
        while Instant::now() < deadline {
            let timeout = deadline
                .saturating_duration_since(Instant::now())
                .max(MIN_POLL_TIMEOUT);
            let page = expect_ok(
                "GetWorkflowExecutionHistory (close event)",
                timeout,
                self.client.clone().get_workflow_execution_history(request(
                    GetWorkflowExecutionHistoryRequest {
                        namespace: self.namespace.clone(),
                        execution: self.execution(run_id),
                        next_page_token: next_page_token.clone(),
                        wait_new_event: true,
                        history_event_filter_type: HistoryEventFilterType::CloseEvent as i32,
                        ..GetWorkflowExecutionHistoryRequest::default()
                    },
                    timeout,
                )),
            )
            .await?;
            if let Some(close) = page
                .history
                .and_then(|history| history.events.into_iter().last())
            {
                return Ok(Some(close));
            }
            if page.next_page_token.is_empty() {
                bail!("the close-event long poll ended without an event and without a page token");
            }
            next_page_token = page.next_page_token;
        }
        Ok(None)
    }

    async fn fail_workflow_task(&self, task_token: Vec<u8>, message: &str) -> Result<()> {
        let failed = RespondWorkflowTaskFailedRequest {
            namespace: self.namespace.clone(),
            task_token,
            cause: WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure as i32,
            failure: Some(application_failure(message, "ScriptedWorkflowFailure")),
            identity: IDENTITY.to_owned(),
            ..RespondWorkflowTaskFailedRequest::default()
        };
        expect_ok(
            "RespondWorkflowTaskFailed",
            RPC_TIMEOUT,
            self.client
                .clone()
                .respond_workflow_task_failed(request(failed, RPC_TIMEOUT)),
        )
        .await?;
        Ok(())
    }

    async fn fail_activity_task(&self, task_token: Vec<u8>, message: &str) -> Result<()> {
        let failed = RespondActivityTaskFailedRequest {
            namespace: self.namespace.clone(),
            task_token,
            failure: Some(application_failure(message, "ScriptedActivityFailure")),
            identity: IDENTITY.to_owned(),
            ..RespondActivityTaskFailedRequest::default()
        };
        expect_ok(
            "RespondActivityTaskFailed",
            RPC_TIMEOUT,
            self.client
                .clone()
                .respond_activity_task_failed(request(failed, RPC_TIMEOUT)),
        )
        .await?;
        Ok(())
    }

    async fn complete_activity_task(&self, task_token: Vec<u8>, result: &str) -> Result<()> {
        let completed = RespondActivityTaskCompletedRequest {
            namespace: self.namespace.clone(),
            task_token,
            result: payloads(result),
            identity: IDENTITY.to_owned(),
            ..RespondActivityTaskCompletedRequest::default()
        };
        expect_ok(
            "RespondActivityTaskCompleted",
            RPC_TIMEOUT,
            self.client
                .clone()
                .respond_activity_task_completed(request(completed, RPC_TIMEOUT)),
        )
        .await?;
        Ok(())
    }

    /// Starts the workflow, takes its first task and answers it with `commands`.
    async fn start_with_commands(
        &self,
        configure: impl FnOnce(&mut StartWorkflowExecutionRequest),
        commands: Vec<Command>,
    ) -> Result<String> {
        let run_id = self.start(configure).await?;
        let first = self.poll_workflow_task("first").await?;
        self.complete(first.task_token, commands).await?;
        Ok(run_id)
    }

    /// Checks that a retried workflow task arrives as a transient one: `attempt`, and a history
    /// whose last two events are the unwritten `WorkflowTaskScheduled{attempt}` and
    /// `WorkflowTaskStarted`, right after `cause` (the failure or timeout of the previous
    /// attempt).
    fn check_transient(
        &self,
        label: &str,
        task: &PollWorkflowTaskQueueResponse,
        attempt: i32,
        cause: EventType,
    ) {
        self.check(
            &format!("{label}: attempt == {attempt}"),
            task.attempt == attempt,
            task.attempt,
        );
        let events = task
            .history
            .as_ref()
            .map(|history| history.events.as_slice())
            .unwrap_or_default();
        let tail: Vec<EventType> = events.iter().rev().take(3).rev().map(event_type).collect();
        let observed = event_types(&History {
            events: events.to_vec(),
        });
        self.check(
            &format!(
                "{label}: history ends with {}, WorkflowTaskScheduled, WorkflowTaskStarted",
                type_name(cause)
            ),
            tail == [
                cause,
                EventType::WorkflowTaskScheduled,
                EventType::WorkflowTaskStarted,
            ],
            &observed,
        );
        let scheduled_attempt =
            events
                .iter()
                .rev()
                .nth(1)
                .and_then(|event| match &event.attributes {
                    Some(Attributes::WorkflowTaskScheduledEventAttributes(scheduled)) => {
                        Some(scheduled.attempt)
                    }
                    _ => None,
                });
        self.check(
            &format!("{label}: the transient WorkflowTaskScheduled has attempt {attempt}"),
            scheduled_attempt == Some(attempt),
            format!("{scheduled_attempt:?}"),
        );
        let last_id = events.last().map_or(0, |event| event.event_id);
        self.check(
            &format!("{label}: started_event_id is the last event"),
            task.started_event_id == last_id,
            format!("started_event_id={} last={last_id}", task.started_event_id),
        );
    }

    /// Checks that a polled task's history holds an event of type `wanted`.
    fn check_contains(
        &self,
        label: &str,
        task: &PollWorkflowTaskQueueResponse,
        wanted: EventType,
    ) -> Option<HistoryEvent> {
        let history = task.history.clone().unwrap_or_default();
        let found = history
            .events
            .iter()
            .find(|event| event_type(event) == wanted)
            .cloned();
        self.check(
            &format!("{label}: history holds {}", type_name(wanted)),
            found.is_some(),
            event_types(&history),
        );
        found
    }
}

// ---- Commands and payloads ----

/// A `json/plain` payload holding a JSON string.
fn payload(text: &str) -> Payload {
    Payload {
        metadata: [("encoding".to_owned(), b"json/plain".to_vec())]
            .into_iter()
            .collect(),
        data: format!("{text:?}").into_bytes(),
        ..Payload::default()
    }
}

fn payloads(text: &str) -> Option<Payloads> {
    Some(Payloads {
        payloads: vec![payload(text)],
    })
}

/// Payloads as readable text: each payload's encoding and data.
fn payloads_text(payloads: Option<&Payloads>) -> String {
    let Some(payloads) = payloads else {
        return "unset".to_owned();
    };
    let texts: Vec<String> = payloads
        .payloads
        .iter()
        .map(|payload| {
            let encoding = payload
                .metadata
                .get("encoding")
                .map(|encoding| String::from_utf8_lossy(encoding).into_owned());
            format!("{encoding:?}:{}", String::from_utf8_lossy(&payload.data))
        })
        .collect();
    format!("[{}]", texts.join(", "))
}

fn application_failure(message: &str, failure_type: &str) -> Failure {
    Failure {
        message: message.to_owned(),
        source: "wfkit-protocol-edges".to_owned(),
        failure_info: Some(failure::FailureInfo::ApplicationFailureInfo(
            ApplicationFailureInfo {
                r#type: failure_type.to_owned(),
                ..ApplicationFailureInfo::default()
            },
        )),
        ..Failure::default()
    }
}

/// A proto duration (the field's type picks the conversion).
fn proto<T: TryFrom<Duration>>(duration: Duration) -> Option<T> {
    T::try_from(duration).ok()
}

fn seconds<T: TryFrom<Duration>>(seconds: u64) -> Option<T> {
    proto(Duration::from_secs(seconds))
}

/// A proto duration as text; "unset" when absent (presence is part of what is compared).
fn duration_text<T: Clone + TryInto<Duration>>(duration: Option<&T>) -> String {
    match duration.cloned().map(TryInto::try_into) {
        None => "unset".to_owned(),
        Some(Ok(duration)) => format!("{duration:?}"),
        Some(Err(_)) => "negative".to_owned(),
    }
}

fn retry_policy_text(policy: &RetryPolicy) -> String {
    format!(
        "initial={} coefficient={} maximum_interval={} maximum_attempts={} non_retryable={:?}",
        duration_text(policy.initial_interval.as_ref()),
        policy.backoff_coefficient,
        duration_text(policy.maximum_interval.as_ref()),
        policy.maximum_attempts,
        policy.non_retryable_error_types,
    )
}

fn complete_workflow(result: &str) -> Command {
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

fn cancel_workflow() -> Command {
    Command {
        command_type: CommandType::CancelWorkflowExecution as i32,
        attributes: Some(
            command::Attributes::CancelWorkflowExecutionCommandAttributes(
                CancelWorkflowExecutionCommandAttributes {
                    details: payloads("canceled as requested"),
                },
            ),
        ),
        ..Command::default()
    }
}

fn start_timer(timer_id: &str, fire_after: Duration) -> Command {
    Command {
        command_type: CommandType::StartTimer as i32,
        attributes: Some(command::Attributes::StartTimerCommandAttributes(
            StartTimerCommandAttributes {
                timer_id: timer_id.to_owned(),
                start_to_fire_timeout: proto(fire_after),
            },
        )),
        ..Command::default()
    }
}

/// Schedules activity `activity_id` on the case's activity queue; `configure` sets timeouts and
/// the retry policy.
fn schedule_activity(
    ctx: &Ctx,
    activity_id: &str,
    configure: impl FnOnce(&mut ScheduleActivityTaskCommandAttributes),
) -> Command {
    let mut attributes = ScheduleActivityTaskCommandAttributes {
        activity_id: activity_id.to_owned(),
        activity_type: Some(ActivityType {
            name: ACTIVITY_TYPE.to_owned(),
        }),
        task_queue: Some(ctx.activity_queue()),
        input: payloads("activity input"),
        start_to_close_timeout: seconds(10),
        ..ScheduleActivityTaskCommandAttributes::default()
    };
    configure(&mut attributes);
    Command {
        command_type: CommandType::ScheduleActivityTask as i32,
        attributes: Some(command::Attributes::ScheduleActivityTaskCommandAttributes(
            attributes,
        )),
        ..Command::default()
    }
}

/// The event types of a history, numbered, on one line.
fn event_types(history: &History) -> String {
    history
        .events
        .iter()
        .map(|event| format!("{} {}", event.event_id, type_name(event_type(event))))
        .collect::<Vec<_>>()
        .join(", ")
}

fn timeout_type_of(event: &HistoryEvent) -> Option<TimeoutType> {
    let Some(Attributes::ActivityTaskTimedOutEventAttributes(timed_out)) = &event.attributes else {
        return None;
    };
    match timed_out.failure.as_ref()?.failure_info.as_ref()? {
        failure::FailureInfo::TimeoutFailureInfo(info) => {
            TimeoutType::try_from(info.timeout_type).ok()
        }
        _ => None,
    }
}

// ---- The cases ----

/// 1. The first workflow task is never answered; its 1 s start-to-close timeout hands attempt 2
///    to the next poll as a transient task, which completes the workflow.
async fn workflow_task_timeout(ctx: Ctx) -> Result<History> {
    let run_id = ctx
        .start(|start| start.workflow_task_timeout = seconds(1))
        .await?;
    let first = ctx.poll_workflow_task("attempt 1, never answered").await?;
    ctx.check("attempt 1: attempt == 1", first.attempt == 1, first.attempt);
    let second = ctx.poll_workflow_task("attempt 2").await?;
    ctx.check_transient("attempt 2", &second, 2, EventType::WorkflowTaskTimedOut);
    ctx.complete(second.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// 2. The worker fails attempt 1 (`RespondWorkflowTaskFailed`); attempt 2 is transient and
///    completes the workflow.
async fn workflow_task_failed(ctx: Ctx) -> Result<History> {
    let run_id = ctx.start(|_| {}).await?;
    let first = ctx.poll_workflow_task("attempt 1, failed").await?;
    ctx.fail_workflow_task(first.task_token, "scripted workflow task failure")
        .await?;
    let second = ctx.poll_workflow_task("attempt 2").await?;
    ctx.check_transient("attempt 2", &second, 2, EventType::WorkflowTaskFailed);
    ctx.complete(second.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// 3. A signal arrives while the first task is started; completing the workflow then fails with
///    `UnhandledCommand`, and the next task carries the signal.
async fn signal_during_workflow_task(ctx: Ctx) -> Result<History> {
    let run_id = ctx.start(|_| {}).await?;
    let first = ctx.poll_workflow_task("first").await?;
    let signal = SignalWorkflowExecutionRequest {
        namespace: ctx.namespace.clone(),
        workflow_execution: ctx.execution(&run_id),
        signal_name: "poke".to_owned(),
        input: payloads("signal input"),
        identity: IDENTITY.to_owned(),
        request_id: format!("{}-signal", ctx.id),
        ..SignalWorkflowExecutionRequest::default()
    };
    expect_ok(
        "SignalWorkflowExecution",
        RPC_TIMEOUT,
        ctx.client
            .clone()
            .signal_workflow_execution(request(signal, RPC_TIMEOUT)),
    )
    .await?;
    let answer = ctx
        .complete_raw(first.task_token, vec![complete_workflow("too early")], None)
        .await?;
    let observed = match &answer {
        Ok(response) => format!("ok: {response:?}"),
        Err(status) => format!("{:?} {:?}", status.code(), status.message()),
    };
    ctx.fact("completion while a signal is buffered", &observed);
    ctx.check(
        "completion while a signal is buffered: INVALID_ARGUMENT \"UnhandledCommand\"",
        matches!(&answer, Err(status) if status.code() == Code::InvalidArgument
            && status.message() == "UnhandledCommand"),
        &observed,
    );
    let second = ctx.poll_workflow_task("after UnhandledCommand").await?;
    ctx.check_contains(
        "after UnhandledCommand",
        &second,
        EventType::WorkflowExecutionSignaled,
    );
    ctx.complete(second.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// 4. The first completion asks for a sticky queue (1 s schedule-to-start) and starts a 1 s
///    timer. Nobody polls the sticky queue: the task the timer schedules there times out
///    (`ScheduleToStart`) and is rescheduled on the normal queue, which completes the workflow.
async fn sticky_fallback(ctx: Ctx) -> Result<History> {
    let run_id = ctx.start(|_| {}).await?;
    let first = ctx.poll_workflow_task("first").await?;
    let sticky = StickyExecutionAttributes {
        worker_task_queue: Some(TaskQueue {
            name: format!("{}-sticky", ctx.id),
            kind: TaskQueueKind::Sticky as i32,
            normal_name: ctx.id.clone(),
        }),
        schedule_to_start_timeout: seconds(1),
    };
    ctx.complete_raw(
        first.task_token,
        vec![start_timer("sticky-fallback", Duration::from_secs(1))],
        Some(sticky),
    )
    .await?
    .map_err(|status| anyhow::anyhow!("RespondWorkflowTaskCompleted (sticky): {status:?}"))?;
    // A normal-queue poll before the sticky timeout could start the sticky task early (the real
    // server forwards it to the normal queue when the sticky queue has no poller); wait for the
    // timeout so that the case does not race.
    ctx.wait_for_event(&run_id, EventType::WorkflowTaskTimedOut)
        .await?;
    let second = ctx.poll_workflow_task("after the sticky timeout").await?;
    ctx.check_contains("after the sticky timeout", &second, EventType::TimerFired);
    ctx.complete(second.task_token, vec![complete_workflow("done")])
        .await?;
    let history = ctx.history(&run_id).await?;
    let timed_out = history
        .events
        .iter()
        .find_map(|event| match &event.attributes {
            Some(Attributes::WorkflowTaskTimedOutEventAttributes(timed_out)) => {
                TimeoutType::try_from(timed_out.timeout_type).ok()
            }
            _ => None,
        });
    ctx.check(
        "the sticky task times out with ScheduleToStart",
        timed_out == Some(TimeoutType::ScheduleToStart),
        format!("{timed_out:?}"),
    );
    Ok(history)
}

/// 5. An activity (retry: 1 s initial interval, 3 attempts) fails twice and completes on
///    attempt 3; then the workflow completes.
async fn activity_retries(ctx: Ctx) -> Result<History> {
    let command = schedule_activity(&ctx, "flaky", |attributes| {
        attributes.retry_policy = Some(RetryPolicy {
            initial_interval: seconds(1),
            maximum_attempts: 3,
            ..RetryPolicy::default()
        });
    });
    let run_id = ctx.start_with_commands(|_| {}, vec![command]).await?;
    for attempt in 1..=3 {
        let task = ctx
            .poll_activity_task(&format!("attempt {attempt}"))
            .await?;
        ctx.check(
            &format!("activity attempt {attempt}: attempt == {attempt}"),
            task.attempt == attempt,
            task.attempt,
        );
        if attempt < 3 {
            ctx.fail_activity_task(task.task_token, &format!("attempt {attempt} failed"))
                .await?;
        } else {
            ctx.complete_activity_task(task.task_token, "activity result")
                .await?;
        }
    }
    let next = ctx.poll_workflow_task("after the activity").await?;
    ctx.check_contains(
        "after the activity",
        &next,
        EventType::ActivityTaskCompleted,
    );
    ctx.complete(next.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// 6. An activity with a 1 s heartbeat timeout and one attempt is polled and never heartbeats.
async fn activity_heartbeat_timeout(ctx: Ctx) -> Result<History> {
    let command = schedule_activity(&ctx, "silent", |attributes| {
        attributes.heartbeat_timeout = seconds(1);
        attributes.retry_policy = Some(RetryPolicy {
            maximum_attempts: 1,
            ..RetryPolicy::default()
        });
    });
    let run_id = ctx.start_with_commands(|_| {}, vec![command]).await?;
    let _task = ctx
        .poll_activity_task("only attempt, never heartbeats")
        .await?;
    let next = ctx
        .poll_workflow_task("after the heartbeat timeout")
        .await?;
    let timed_out = ctx.check_contains(
        "after the heartbeat timeout",
        &next,
        EventType::ActivityTaskTimedOut,
    );
    let timeout_type = timed_out.as_ref().and_then(timeout_type_of);
    ctx.check(
        "the activity times out with Heartbeat",
        timeout_type == Some(TimeoutType::Heartbeat),
        format!("{timeout_type:?}"),
    );
    ctx.complete(next.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// 7. An activity with a 1 s schedule-to-start timeout on a queue nobody polls.
async fn activity_schedule_to_start_timeout(ctx: Ctx) -> Result<History> {
    let command = schedule_activity(&ctx, "unpolled", |attributes| {
        attributes.schedule_to_start_timeout = seconds(1);
    });
    let run_id = ctx.start_with_commands(|_| {}, vec![command]).await?;
    let next = ctx
        .poll_workflow_task("after the schedule-to-start timeout")
        .await?;
    let timed_out = ctx.check_contains(
        "after the schedule-to-start timeout",
        &next,
        EventType::ActivityTaskTimedOut,
    );
    let timeout_type = timed_out.as_ref().and_then(timeout_type_of);
    ctx.check(
        "the activity times out with ScheduleToStart",
        timeout_type == Some(TimeoutType::ScheduleToStart),
        format!("{timeout_type:?}"),
    );
    ctx.complete(next.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// 7b. Schedule-to-start and schedule-to-close both 1 s, on a queue nobody polls: they fall due
///     together, and the server records the schedule-to-start timeout.
async fn activity_timeouts_due_together(ctx: Ctx) -> Result<History> {
    let command = schedule_activity(&ctx, "unpolled-both", |attributes| {
        attributes.schedule_to_start_timeout = seconds(1);
        attributes.schedule_to_close_timeout = seconds(1);
        attributes.start_to_close_timeout = seconds(1);
    });
    let run_id = ctx.start_with_commands(|_| {}, vec![command]).await?;
    let next = ctx.poll_workflow_task("after both timeouts").await?;
    let timed_out = ctx.check_contains(
        "after both timeouts",
        &next,
        EventType::ActivityTaskTimedOut,
    );
    let timeout_type = timed_out.as_ref().and_then(timeout_type_of);
    ctx.fact("the timeout recorded", format!("{timeout_type:?}"));
    ctx.complete(next.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// 8. A 2 s run timeout; the first task completes with no commands and the run times out.
async fn run_timeout(ctx: Ctx) -> Result<History> {
    let run_id = ctx
        .start_with_commands(|start| start.workflow_run_timeout = seconds(2), Vec::new())
        .await?;
    let close = ctx.wait_for_close(&run_id).await?;
    let close_type = close.as_ref().map(event_type);
    ctx.check(
        "the run closes with WorkflowExecutionTimedOut",
        close_type == Some(EventType::WorkflowExecutionTimedOut),
        format!("{close_type:?}"),
    );
    ctx.history(&run_id).await
}

/// 9. A query on a closed workflow goes to the normal queue as a legacy query task; the scripted
///    worker answers it and the client gets the answer.
async fn query_closed_workflow(ctx: Ctx) -> Result<History> {
    let run_id = ctx
        .start_with_commands(|_| {}, vec![complete_workflow("done")])
        .await?;
    let query = QueryWorkflowRequest {
        namespace: ctx.namespace.clone(),
        execution: ctx.execution(&run_id),
        query: Some(WorkflowQuery {
            query_type: "state".to_owned(),
            query_args: payloads("query argument"),
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
    let task = ctx.poll_workflow_task("legacy query task").await?;
    ctx.fact(
        "query in the task",
        task.query.as_ref().map_or("none".to_owned(), |query| {
            format!(
                "type={:?} args={}",
                query.query_type,
                payloads_text(query.query_args.as_ref())
            )
        }),
    );
    ctx.check(
        "the task is a legacy query task",
        task.query.is_some(),
        "query unset",
    );
    let answer = RespondQueryTaskCompletedRequest {
        namespace: ctx.namespace.clone(),
        task_token: task.task_token,
        completed_type: QueryResultType::Answered as i32,
        query_result: payloads("query answer"),
        ..RespondQueryTaskCompletedRequest::default()
    };
    expect_ok(
        "RespondQueryTaskCompleted",
        RPC_TIMEOUT,
        ctx.client
            .clone()
            .respond_query_task_completed(request(answer, RPC_TIMEOUT)),
    )
    .await?;
    let response = tokio::time::timeout(RPC_TIMEOUT + CLIENT_GRACE, asked)
        .await
        .context("QueryWorkflow did not return")?
        .context("the query task panicked")??;
    let observed = match &response {
        Ok(response) => format!(
            "result={} rejected={:?}",
            payloads_text(response.query_result.as_ref()),
            response.query_rejected
        ),
        Err(status) => format!("{:?} {:?}", status.code(), status.message()),
    };
    ctx.fact("QueryWorkflow answer", &observed);
    ctx.check(
        "the client gets the worker's answer",
        matches!(&response, Ok(answered) if answered.query_result == payloads("query answer")),
        &observed,
    );
    ctx.history(&run_id).await
}

/// 10. A cancel request while the workflow is idle; the next task carries it and the workflow
///     cancels itself.
async fn cancel_request(ctx: Ctx) -> Result<History> {
    let run_id = ctx.start_with_commands(|_| {}, Vec::new()).await?;
    let cancel = RequestCancelWorkflowExecutionRequest {
        namespace: ctx.namespace.clone(),
        workflow_execution: ctx.execution(&run_id),
        identity: IDENTITY.to_owned(),
        request_id: format!("{}-cancel", ctx.id),
        reason: "protocol edge".to_owned(),
        ..RequestCancelWorkflowExecutionRequest::default()
    };
    expect_ok(
        "RequestCancelWorkflowExecution",
        RPC_TIMEOUT,
        ctx.client
            .clone()
            .request_cancel_workflow_execution(request(cancel, RPC_TIMEOUT)),
    )
    .await?;
    let next = ctx.poll_workflow_task("after the cancel request").await?;
    ctx.check_contains(
        "after the cancel request",
        &next,
        EventType::WorkflowExecutionCancelRequested,
    );
    ctx.complete(next.task_token, vec![cancel_workflow()])
        .await?;
    ctx.history(&run_id).await
}

/// SignalWithStart twice: the first starts the run with the signal right after
/// WorkflowExecutionStarted; the second signals the running run; one task sees both.
async fn signal_with_start(ctx: Ctx) -> Result<History> {
    let mut run_ids = Vec::new();
    for (index, name) in ["first", "second"].into_iter().enumerate() {
        let signal_with_start = SignalWithStartWorkflowExecutionRequest {
            namespace: ctx.namespace.clone(),
            workflow_id: ctx.id.clone(),
            workflow_type: Some(WorkflowType {
                name: WORKFLOW_TYPE.to_owned(),
            }),
            task_queue: Some(ctx.normal_queue()),
            input: payloads("start input"),
            identity: IDENTITY.to_owned(),
            request_id: format!("{}-sws-{index}", ctx.id),
            signal_name: name.to_owned(),
            signal_input: payloads(name),
            ..SignalWithStartWorkflowExecutionRequest::default()
        };
        let response = expect_ok(
            "SignalWithStartWorkflowExecution",
            RPC_TIMEOUT,
            ctx.client
                .clone()
                .signal_with_start_workflow_execution(request(signal_with_start, RPC_TIMEOUT)),
        )
        .await?;
        ctx.fact(
            &format!("signal-with-start {name}: started"),
            response.started,
        );
        run_ids.push(response.run_id);
    }
    if run_ids[0] != run_ids[1] {
        bail!("the second SignalWithStart started another run: {run_ids:?}");
    }
    let task = ctx.poll_workflow_task("after two SignalWithStart").await?;
    ctx.complete(task.task_token, vec![complete_workflow("signalled")])
        .await?;
    ctx.history(&run_ids[0]).await
}

/// RequestCancelExternalWorkflowExecution for a workflow that does not exist: the sender's
/// next task sees RequestCancelExternalWorkflowExecutionFailed.
async fn cancel_missing_external(ctx: Ctx) -> Result<History> {
    let cancel = Command {
        command_type: CommandType::RequestCancelExternalWorkflowExecution as i32,
        attributes: Some(
            command::Attributes::RequestCancelExternalWorkflowExecutionCommandAttributes(
                RequestCancelExternalWorkflowExecutionCommandAttributes {
                    workflow_id: format!("{}-nobody", ctx.id),
                    reason: "protocol edge".to_owned(),
                    ..RequestCancelExternalWorkflowExecutionCommandAttributes::default()
                },
            ),
        ),
        ..Command::default()
    };
    let run_id = ctx.start_with_commands(|_| {}, vec![cancel]).await?;
    let next = ctx.poll_workflow_task("after the failed cancel").await?;
    ctx.check_contains(
        "after the failed cancel",
        &next,
        EventType::RequestCancelExternalWorkflowExecutionFailed,
    );
    ctx.complete(next.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// SignalExternalWorkflowExecution to a running workflow (on a queue nobody polls, so only the
/// sender's tasks arrive): the sender's next task sees ExternalWorkflowExecutionSignaled.
async fn signal_external(ctx: Ctx) -> Result<History> {
    let target_id = format!("{}-target", ctx.id);
    let other_queue = format!("{}-other", ctx.id);
    ctx.start(|start| {
        start.workflow_id = target_id.clone();
        start.request_id = format!("{target_id}-start");
        start.task_queue = Some(TaskQueue {
            name: other_queue.clone(),
            ..TaskQueue::default()
        });
    })
    .await?;
    let signal = Command {
        command_type: CommandType::SignalExternalWorkflowExecution as i32,
        attributes: Some(
            command::Attributes::SignalExternalWorkflowExecutionCommandAttributes(
                SignalExternalWorkflowExecutionCommandAttributes {
                    execution: Some(WorkflowExecution {
                        workflow_id: target_id.clone(),
                        run_id: String::new(),
                    }),
                    signal_name: "poke".to_owned(),
                    input: payloads("poke"),
                    ..SignalExternalWorkflowExecutionCommandAttributes::default()
                },
            ),
        ),
        ..Command::default()
    };
    let run_id = ctx.start_with_commands(|_| {}, vec![signal]).await?;
    let next = ctx.poll_workflow_task("after the external signal").await?;
    ctx.check_contains(
        "after the external signal",
        &next,
        EventType::ExternalWorkflowExecutionSignaled,
    );
    ctx.complete(next.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

// ---- Running and comparing ----

type CaseFuture = Pin<Box<dyn Future<Output = Result<History>> + Send>>;

struct Case {
    name: &'static str,
    run: fn(Ctx) -> CaseFuture,
}

macro_rules! case {
    ($run:ident) => {
        Case {
            name: stringify!($run),
            run: |ctx| Box::pin($run(ctx)),
        }
    };
}

fn cases() -> Vec<Case> {
    vec![
        case!(workflow_task_timeout),
        case!(workflow_task_failed),
        case!(signal_during_workflow_task),
        case!(sticky_fallback),
        case!(activity_retries),
        case!(activity_heartbeat_timeout),
        case!(activity_schedule_to_start_timeout),
        case!(activity_timeouts_due_together),
        case!(run_timeout),
        case!(query_closed_workflow),
        case!(cancel_request),
        case!(signal_with_start),
        case!(cancel_missing_external),
        case!(signal_external),
        case!(update_rejected_leaves_no_events),
        case!(update_during_running_task),
        case!(query_after_signal),
        case!(activity_completed_by_id),
        case!(activity_completed_by_id_before_start),
        case!(update_with_start),
        case!(update_during_continue_as_new),
        case!(update_unfinished_at_completion),
        case!(update_redelivered_after_timeout),
    ]
}

/// One case on one backend.
struct CaseRun {
    name: &'static str,
    /// The final history, or why the case stopped.
    outcome: Result<History, String>,
    /// When the case stopped early: the history as it was then, if it could be read.
    partial: Option<History>,
    record: Record,
}

impl CaseRun {
    fn history(&self) -> Option<&History> {
        self.outcome.as_ref().ok().or(self.partial.as_ref())
    }
}

async fn run_cases(backend: &str, address: &str, namespace: &str) -> Result<Vec<CaseRun>> {
    let client = tokio::time::timeout(
        RPC_TIMEOUT,
        connect(&ConnectOptions::new(address, namespace)),
    )
    .await
    .with_context(|| format!("connect to the {backend} at {address}: timed out"))?
    .with_context(|| format!("connect to the {backend} at {address}"))?;
    let budget_end = Instant::now() + BACKEND_BUDGET;
    let mut runs = Vec::new();
    for (index, case) in cases().into_iter().enumerate() {
        let ctx = Ctx {
            client: client.clone(),
            namespace: namespace.to_owned(),
            id: format!("protocol-edges-{:02}-{}", index + 1, case.name),
            record: Arc::default(),
        };
        let began = Instant::now();
        let limit = CASE_TIMEOUT.min(budget_end.saturating_duration_since(began));
        let outcome = if limit.is_zero() {
            Err(format!(
                "not run: the {BACKEND_BUDGET:?} budget for all cases is spent"
            ))
        } else {
            match tokio::time::timeout(limit, (case.run)(ctx.clone())).await {
                Ok(Ok(history)) => Ok(history),
                Ok(Err(error)) => Err(format!("{error:#}")),
                Err(_) => Err(format!("the case did not finish within {limit:?}")),
            }
        };
        // What the run looked like when the case stopped, to show next to the real server's.
        let partial = match outcome {
            Err(_) if !limit.is_zero() => ctx.history("").await.ok(),
            _ => None,
        };
        eprintln!(
            "{backend}: {}: {} in {:.1?}",
            case.name,
            if outcome.is_ok() { "done" } else { "stopped" },
            began.elapsed()
        );
        let record = ctx.record().clone();
        runs.push(CaseRun {
            name: case.name,
            outcome,
            partial,
            record,
        });
    }
    Ok(runs)
}

/// The differences between two histories after normalisation, one line per differing field of
/// each differing position (not only the first, as `diff`'s summary does): a difference in an
/// early event must not hide later ones.
fn difference_lines(real: &History, ours: &History) -> Vec<String> {
    let (a, b) = (normalize(real), normalize(ours));
    let mut lines = Vec::new();
    for index in 0..a.events.len().max(b.events.len()) {
        let (event_a, event_b) = (a.events.get(index), b.events.get(index));
        let name = |event: Option<&HistoryEvent>| {
            event.map_or("(none)".to_owned(), |event| type_name(event_type(event)))
        };
        let position = index + 1;
        let (Some(event_a), Some(event_b)) = (event_a, event_b) else {
            lines.push(format!(
                "event {position}: a={} b={}",
                name(event_a),
                name(event_b)
            ));
            continue;
        };
        if event_type(event_a) != event_type(event_b) {
            lines.push(format!(
                "event {position}: a={} b={}",
                name(Some(event_a)),
                name(Some(event_b))
            ));
            continue;
        }
        let single = |event: &HistoryEvent| History {
            events: vec![event.clone()],
        };
        let result = diff(&single(event_a), &single(event_b));
        for field in result.first.map(|first| first.fields).unwrap_or_default() {
            let show = |value: Option<&_>| {
                value.map_or("(absent)".to_owned(), |value: &_| format!("{value}"))
            };
            lines.push(format!(
                "event {position} {}: {}: a={} b={}",
                name(Some(event_a)),
                field.path,
                show(field.a.as_ref()),
                show(field.b.as_ref())
            ));
        }
    }
    lines
}

/// A report of the differences between two histories, or `None` when there is nothing new to
/// show (lines in `already_shown` are left out; the new ones are added to it).
fn history_difference(
    what: &str,
    real: &History,
    ours: &History,
    already_shown: &mut BTreeSet<String>,
) -> Option<String> {
    let lines = difference_lines(real, ours);
    if lines.is_empty() {
        return None;
    }
    let fresh: Vec<String> = lines
        .iter()
        .filter(|line| !already_shown.contains(*line))
        .cloned()
        .collect();
    if fresh.is_empty() {
        return None;
    }
    let repeated = lines.len() - fresh.len();
    already_shown.extend(fresh.iter().cloned());
    let mut text = format!("{what} (a = real server, b = wfkit engine):");
    for line in &fresh {
        text.push_str("\n  ");
        text.push_str(line);
    }
    if repeated > 0 {
        text.push_str(&format!("\n  (and {repeated} difference(s) shown above)"));
    }
    let (types_a, types_b) = (event_types(real), event_types(ours));
    if types_a == types_b {
        text.push_str(&format!("\n  events: {types_a}"));
    } else {
        text.push_str(&format!("\n  a: {types_a}\n  b: {types_b}"));
    }
    Some(text)
}

/// Everything that differs in one case; empty when the engine behaves like the real server.
fn compare(real: &CaseRun, ours: &CaseRun) -> Vec<String> {
    let mut found = Vec::new();
    if let Err(error) = &ours.outcome {
        found.push(format!("the engine run stopped: {error}"));
    }
    for check in &ours.record.failed_checks {
        found.push(format!("engine check failed: {check}"));
    }
    let facts = real.record.facts.len().max(ours.record.facts.len());
    for index in 0..facts {
        let a = real.record.facts.get(index);
        let b = ours.record.facts.get(index);
        if a != b {
            let show = |fact: Option<&(String, String)>| {
                fact.map_or("(nothing)".to_owned(), |(label, value)| {
                    format!("{label}: {value}")
                })
            };
            found.push(format!(
                "observation {} differs:\n  real:   {}\n  engine: {}",
                index + 1,
                show(a),
                show(b)
            ));
        }
    }
    // The final history first; the histories in polled tasks then only show what it did not.
    let mut shown = BTreeSet::new();
    match (real.history(), ours.history()) {
        (Some(a), Some(b)) => found.extend(history_difference("final history", a, b, &mut shown)),
        (Some(_), None) => found.push("the engine's history could not be read".to_owned()),
        _ => {}
    }
    let polled = real
        .record
        .task_histories
        .len()
        .max(ours.record.task_histories.len());
    for index in 0..polled {
        match (
            real.record.task_histories.get(index),
            ours.record.task_histories.get(index),
        ) {
            (Some((label, a)), Some((_, b))) => {
                found.extend(history_difference(label, a, b, &mut shown))
            }
            (Some((label, _)), None) => found.push(format!("the engine never delivered: {label}")),
            (None, Some((label, _))) => found.push(format!("only the engine delivered: {label}")),
            (None, None) => {}
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_protocol_edges_match_the_real_server() -> Result<()> {
    let server = DevServer::start()
        .await
        .context("the real dev server is needed: run `bash scripts/setup.sh`")?;
    let real = run_cases("real server", &server.address(), server.namespace()).await;
    tokio::time::timeout(BACKEND_TIMEOUT, server.stop())
        .await
        .context("the dev server did not stop")??;
    let real = real?;

    // What the real server showed the scripted worker, for whoever reads the log: the oracle.
    for run in &real {
        for (label, value) in &run.record.facts {
            eprintln!("real server: {}: {label}: {value}", run.name);
        }
    }

    let engine = tokio::time::timeout(
        BACKEND_TIMEOUT,
        TestEngine::start_with(EngineConfig {
            time_mode: TimeMode::Real,
            ..EngineConfig::default()
        }),
    )
    .await
    .context("the engine did not start")??;
    let ours = run_cases("engine", &engine.address().to_string(), "default").await;
    tokio::time::timeout(BACKEND_TIMEOUT, engine.stop())
        .await
        .context("the engine did not stop")?;
    let ours = ours?;

    // The test's own picture of the real server comes first: if it is wrong, the comparison
    // below means little.
    let mut own = Vec::new();
    for run in &real {
        if let Err(error) = &run.outcome {
            own.push(format!("{}: stopped on the real server: {error}", run.name));
        }
        for check in &run.record.failed_checks {
            own.push(format!("{}: real server check failed: {check}", run.name));
        }
    }
    let mut differing = Vec::new();
    for (real, ours) in real.iter().zip(&ours) {
        let found = compare(real, ours);
        if !found.is_empty() {
            differing.push(format!("== {}\n{}", real.name, found.join("\n")));
        }
    }
    let mut report = Vec::new();
    if !own.is_empty() {
        report.push(format!(
            "the test's expectations do not hold on the real server:\n{}",
            own.join("\n")
        ));
    }
    if !differing.is_empty() {
        report.push(format!(
            "{} of {} cases differ on the engine:\n\n{}",
            differing.len(),
            real.len(),
            differing.join("\n\n")
        ));
    }
    assert!(report.is_empty(), "{}", report.join("\n\n"));
    Ok(())
}
