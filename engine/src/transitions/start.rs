//! Starting a run: WorkflowExecutionStarted, the first workflow task, the run timeout.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use temporalio_protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_protos::temporal::api::enums::v1::{
    ContinueAsNewInitiator, TaskQueueKind, WorkflowExecutionStatus,
};
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
    /// The previous run continued as new.
    ContinuedAsNew {
        previous_run_id: String,
        first_execution_run_id: String,
        /// A child keeps its parent across runs.
        parent: Option<crate::execution::children::ParentLink>,
        /// Delay before the new run's first workflow task.
        backoff: Duration,
    },
    /// A parent workflow's StartChildWorkflowExecution command.
    Child(crate::execution::children::ParentLink),
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
        let (continued_execution_run_id, initiator, first_execution_run_id, parent) = match &origin
        {
            RunOrigin::Client => (String::new(), 0, run_id.clone(), None),
            RunOrigin::ContinuedAsNew {
                previous_run_id,
                first_execution_run_id,
                parent,
                ..
            } => (
                previous_run_id.clone(),
                ContinueAsNewInitiator::Workflow as i32,
                first_execution_run_id.clone(),
                parent.clone(),
            ),
            RunOrigin::Child(link) => (String::new(), 0, run_id.clone(), Some(link.clone())),
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
            workflow_run_timeout: match (&origin, run_timeout) {
                (_, Some(timeout)) => Some(proto_duration(timeout)),
                (RunOrigin::ContinuedAsNew { .. }, None) => Some(proto_duration(Duration::ZERO)),
                (_, None) => None,
            },
            workflow_task_timeout: Some(proto_duration(task_timeout)),
            continued_execution_run_id,
            initiator,
            original_execution_run_id: run_id.clone(),
            identity: request.identity.clone(),
            first_execution_run_id: first_execution_run_id.clone(),
            retry_policy: request.retry_policy.clone(),
            attempt: 1,
            workflow_execution_expiration_time: execution_timeout
                .map(|t| timestamp(round_to_millis(now + t))),
            cron_schedule: request.cron_schedule.clone(),
            first_workflow_task_backoff: match &origin {
                // A new run written by continue-as-new names a backoff only when it has one.
                RunOrigin::ContinuedAsNew { backoff, .. } => {
                    (!backoff.is_zero()).then(|| proto_duration(*backoff))
                }
                _ => Some(proto_duration(Duration::ZERO)),
            },
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
            start_time: now,
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
        if let Some(timeout) = run_timeout {
            self.timers.add(
                now + timeout,
                TimerTarget::WorkflowRunTimeout { key: key.clone() },
            );
        }
        match origin {
            RunOrigin::ContinuedAsNew { backoff, .. } if !backoff.is_zero() => {
                self.timers.add(
                    now + backoff,
                    TimerTarget::FirstWorkflowTask { key: key.clone() },
                );
                self.timer_wake.notify_one();
            }
            _ => self.schedule_workflow_task(&key, 1),
        }
        key
    }
}

/// The server rounds the expiration time to the millisecond.
fn round_to_millis(time: std::time::SystemTime) -> std::time::SystemTime {
    let since = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let millis = (since.as_nanos() + 500_000) / 1_000_000;
    std::time::UNIX_EPOCH + Duration::from_millis(millis as u64)
}
