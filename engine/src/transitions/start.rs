//! Starting a run: WorkflowExecutionStarted, the first workflow task, the run timeout.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::common::v1::{Payloads, WorkflowExecution};
use temporalio_protos::temporal::api::enums::v1::{
    ContinueAsNewInitiator, TaskQueueKind, WorkflowExecutionStatus,
};
use temporalio_protos::temporal::api::failure::v1::Failure;
use temporalio_protos::temporal::api::history::v1::WorkflowExecutionStartedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::StartWorkflowExecutionRequest;
use tokio::sync::Notify;

use crate::execution::{Execution, WorkflowTask};
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::time::{nonzero_duration, proto_duration, timestamp};
use crate::timers::TimerTarget;

/// The workflow task timeout when the request sets none, as on the real server.
pub(crate) const DEFAULT_WORKFLOW_TASK_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest workflow task timeout the server accepts; larger values are capped.
pub(crate) const MAX_WORKFLOW_TASK_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a run starts.
#[derive(Debug, Clone)]
pub(crate) enum RunOrigin {
    /// A client's StartWorkflowExecution (or SignalWithStart).
    Client,
    /// The previous run of the workflow closed and this one follows it: continue-as-new, a
    /// retry, or the next run of a cron schedule.
    Chained(Box<ChainLink>),
    /// A parent workflow's StartChildWorkflowExecution command.
    Child(crate::execution::children::ParentLink),
}

/// What a run that follows another one carries over from it.
#[derive(Debug, Clone)]
pub(crate) struct ChainLink {
    pub(crate) previous_run_id: String,
    pub(crate) first_execution_run_id: String,
    /// A child keeps its parent across runs.
    pub(crate) parent: Option<crate::execution::children::ParentLink>,
    /// Why the new run starts: the workflow continued as new, a retry, or a cron schedule.
    pub(crate) initiator: ContinueAsNewInitiator,
    /// Delay before the new run's first workflow task; `None` writes no backoff in the
    /// started event (a continue-as-new that asked for none and needed no spacing).
    pub(crate) backoff: Option<Duration>,
    pub(crate) attempt: i32,
    pub(crate) last_completion_result: Option<Payloads>,
    pub(crate) continued_failure: Option<Failure>,
    /// The workflow execution's deadline, which holds across the whole chain.
    pub(crate) expiration: Option<SystemTime>,
}

impl State {
    /// Creates a run from a validated request and schedules its first workflow task.
    pub(crate) fn start_run(
        &mut self,
        request: StartWorkflowExecutionRequest,
        run_id: String,
        origin: RunOrigin,
    ) -> ExecutionKey {
        self.start_run_with(request, run_id, origin, Vec::new())
    }

    /// [`State::start_run`], with events written right after WorkflowExecutionStarted and
    /// before the first workflow task is scheduled (SignalWithStart's signal).
    pub(crate) fn start_run_with(
        &mut self,
        request: StartWorkflowExecutionRequest,
        run_id: String,
        origin: RunOrigin,
        first_events: Vec<Attributes>,
    ) -> ExecutionKey {
        let now = self.now();
        let key = ExecutionKey {
            namespace: request.namespace.clone(),
            workflow_id: request.workflow_id.clone(),
            run_id: run_id.clone(),
        };
        let execution_timeout = nonzero_duration(request.workflow_execution_timeout.as_ref());
        // As the server rewrites them: the run timeout defaults to, and is capped by, the
        // execution timeout; the task timeout defaults to 10 s and is capped by 120 s and the run.
        let requested_run = nonzero_duration(request.workflow_run_timeout.as_ref());
        let run_timeout = match execution_timeout {
            None => requested_run,
            Some(execution) => Some(requested_run.map_or(execution, |run| run.min(execution))),
        };
        let task_timeout = nonzero_duration(request.workflow_task_timeout.as_ref())
            .unwrap_or(DEFAULT_WORKFLOW_TASK_TIMEOUT)
            .min(MAX_WORKFLOW_TASK_TIMEOUT)
            .min(run_timeout.unwrap_or(Duration::MAX));
        let task_queue = request
            .task_queue
            .as_ref()
            .map(|q| q.name.clone())
            .unwrap_or_default();
        // The first run's wait: its cron schedule's next time, or the requested start delay.
        let first_backoff = match &origin {
            RunOrigin::Chained(link) => link.backoff,
            RunOrigin::Client | RunOrigin::Child(_) => Some(first_run_backoff(&request, now)),
        };
        let backoff = first_backoff.unwrap_or_default();
        let (continued_execution_run_id, initiator, first_execution_run_id, parent) = match &origin
        {
            RunOrigin::Client | RunOrigin::Child(_) => (
                String::new(),
                // The server marks the first run of a cron workflow as started by its schedule.
                if request.cron_schedule.is_empty() {
                    0
                } else {
                    ContinueAsNewInitiator::CronSchedule as i32
                },
                run_id.clone(),
                match &origin {
                    RunOrigin::Child(link) => Some(link.clone()),
                    _ => None,
                },
            ),
            RunOrigin::Chained(link) => (
                link.previous_run_id.clone(),
                link.initiator as i32,
                link.first_execution_run_id.clone(),
                link.parent.clone(),
            ),
        };
        let expiration = match &origin {
            RunOrigin::Chained(link) => link.expiration,
            _ => execution_timeout.map(|t| round_to_millis(now + t)),
        };
        let (attempt, last_completion_result, continued_failure) = match &origin {
            RunOrigin::Chained(link) => (
                link.attempt,
                link.last_completion_result.clone(),
                link.continued_failure.clone(),
            ),
            // A schedule's start hands on its last run's result or failure.
            _ => (
                1,
                request.last_completion_result.clone(),
                request.continued_failure.clone(),
            ),
        };
        let parent_namespace = parent
            .as_ref()
            .map(|link| link.key.namespace.clone())
            .unwrap_or_default();
        let parent_namespace_id = parent
            .as_ref()
            .map(|link| link.namespace_id.clone())
            .unwrap_or_default();
        let parent_execution = parent.as_ref().map(|link| WorkflowExecution {
            workflow_id: link.key.workflow_id.clone(),
            run_id: link.key.run_id.clone(),
        });
        let parent_initiated_event_id = parent.as_ref().map_or(0, |link| link.initiated_event_id);
        let started = WorkflowExecutionStartedEventAttributes {
            workflow_type: request.workflow_type.clone(),
            task_queue: Some(TaskQueue {
                name: task_queue.clone(),
                kind: TaskQueueKind::Normal as i32,
                ..TaskQueue::default()
            }),
            input: request.input.clone(),
            // Infinite timeouts are left out of the event, as the server leaves them, except a
            // continued run's run timeout, which it writes as 0s.
            workflow_execution_timeout: execution_timeout.map(proto_duration),
            // A following run writes what the chain wrote: continue-as-new writes no timeout as 0s.
            workflow_run_timeout: match (&origin, run_timeout) {
                (_, Some(timeout)) => Some(proto_duration(timeout)),
                (RunOrigin::Chained(_), None) => request.workflow_run_timeout,
                (_, None) => None,
            },
            workflow_task_timeout: Some(proto_duration(task_timeout)),
            continued_execution_run_id,
            initiator,
            original_execution_run_id: run_id.clone(),
            identity: request.identity.clone(),
            first_execution_run_id: first_execution_run_id.clone(),
            retry_policy: request.retry_policy.clone(),
            attempt,
            workflow_execution_expiration_time: expiration.map(timestamp),
            cron_schedule: request.cron_schedule.clone(),
            last_completion_result,
            continued_failure,
            first_workflow_task_backoff: first_backoff.map(proto_duration),
            memo: request.memo.clone(),
            search_attributes: request.search_attributes.clone(),
            header: request.header.clone(),
            priority: request.priority.clone(),
            workflow_id: request.workflow_id.clone(),
            parent_workflow_namespace: parent_namespace,
            parent_workflow_namespace_id: parent_namespace_id,
            parent_workflow_execution: parent_execution,
            parent_initiated_event_id,
            ..WorkflowExecutionStartedEventAttributes::default()
        };
        let execution = Execution {
            key: key.clone(),
            workflow_type: request
                .workflow_type
                .as_ref()
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            task_queue,
            workflow_task_timeout: task_timeout,
            run_timeout,
            start_request: Arc::new(request),
            first_execution_run_id,
            attempt,
            start_time: now,
            execution_time: now + backoff,
            expiration,
            close_time: None,
            status: WorkflowExecutionStatus::Running,
            history: crate::execution::event_log::EventLog::default(),
            workflow_task: WorkflowTask::Idle,
            buffered: Vec::new(),
            sticky: None,
            activities: BTreeMap::new(),
            timers: BTreeMap::new(),
            previous_started_event_id: 0,
            new_workflow_task_requested: false,
            parent,
            children: BTreeMap::new(),
            updates: crate::execution::updates::Updates::default(),
            queries: Vec::new(),
            changed: Arc::new(Notify::new()),
        };
        self.executions
            .insert(Arc::new(key.clone()), Arc::new(execution));
        self.current_runs
            .insert((key.namespace.clone(), key.workflow_id.clone()), run_id);
        self.write(
            &key,
            Attributes::WorkflowExecutionStartedEventAttributes(started),
        );
        for event in first_events {
            self.write(&key, event);
        }
        // The run timeout counts from the first workflow task's time, and never passes the
        // execution's deadline.
        let run_deadline = match (run_timeout, expiration) {
            (Some(timeout), Some(expiration)) => Some((now + backoff + timeout).min(expiration)),
            (Some(timeout), None) => Some(now + backoff + timeout),
            (None, expiration) => expiration,
        };
        if let Some(deadline) = run_deadline {
            self.timers.add(
                deadline,
                TimerTarget::WorkflowRunTimeout { key: key.clone() },
            );
        }
        if backoff.is_zero() {
            self.schedule_workflow_task(&key, 1);
        } else {
            self.timers.add(
                now + backoff,
                TimerTarget::FirstWorkflowTask { key: key.clone() },
            );
            self.timer_wake.notify_one();
        }
        key
    }
}

/// The wait before a client's or parent's new run: a cron workflow waits for its schedule's next
/// time (whole seconds, rounded up), any other for the start delay it asked for. Requests are
/// validated first, so a cron string here parses.
fn first_run_backoff(request: &StartWorkflowExecutionRequest, now: SystemTime) -> Duration {
    if !request.cron_schedule.is_empty() {
        return wfkit_calendar::CronSchedule::parse(&request.cron_schedule)
            .ok()
            .and_then(|schedule| schedule.backoff(now, now))
            .unwrap_or_default();
    }
    crate::time::nonzero_duration(request.workflow_start_delay.as_ref()).unwrap_or_default()
}

/// The server rounds the expiration time to the millisecond.
fn round_to_millis(time: SystemTime) -> SystemTime {
    let since = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let millis = (since.as_nanos() + 500_000) / 1_000_000;
    std::time::UNIX_EPOCH + Duration::from_millis(millis as u64)
}
