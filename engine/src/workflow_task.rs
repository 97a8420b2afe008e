//! The workflow task state machine: scheduled, started, then completed, failed or timed out.

use std::time::SystemTime;

use temporalio_protos::temporal::api::enums::v1::{
    TaskQueueKind, TimeoutType, WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::failure::v1::Failure;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    WorkflowTaskFailedEventAttributes, WorkflowTaskScheduledEventAttributes,
    WorkflowTaskStartedEventAttributes, WorkflowTaskTimedOutEventAttributes,
};
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;

use crate::error::EngineError;
use crate::execution::WorkflowTask;
use crate::matching::{QueueKey, QueueKind, TaskRef};
use crate::state::{ExecutionKey, State};
use crate::time::proto_duration;
use crate::timers::{TimerTarget, WorkflowTaskTimeoutKind};

/// What a worker needs to run a started workflow task.
#[derive(Debug, Clone)]
pub(crate) struct StartedWorkflowTask {
    pub(crate) key: ExecutionKey,
    pub(crate) scheduled_event_id: i64,
    pub(crate) started_event_id: i64,
    pub(crate) attempt: i32,
    pub(crate) scheduled_time: SystemTime,
    pub(crate) started_time: SystemTime,
    pub(crate) previous_started_event_id: i64,
}

impl State {
    /// Schedules a workflow task unless one is already scheduled or running. `attempt` counts
    /// from 1 and grows while tasks fail or time out in a row.
    pub(crate) fn schedule_workflow_task(&mut self, key: &ExecutionKey, retry: bool) {
        let now = self.now();
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        if !execution.is_running() || execution.workflow_task != WorkflowTask::Idle {
            return;
        }
        let attempt = if retry {
            execution.failed_workflow_task_attempts + 1
        } else {
            1
        };
        let sticky = execution.sticky.clone();
        let normal = execution.task_queue.clone();
        let timeout = execution.workflow_task_timeout;
        let (queue_name, task_queue) = match &sticky {
            Some(sticky) => (
                sticky.queue.clone(),
                TaskQueue {
                    name: sticky.queue.clone(),
                    kind: TaskQueueKind::Sticky as i32,
                    normal_name: normal.clone(),
                },
            ),
            None => (
                normal.clone(),
                TaskQueue {
                    name: normal.clone(),
                    kind: TaskQueueKind::Normal as i32,
                    ..TaskQueue::default()
                },
            ),
        };
        let scheduled_event_id = self.write(
            key,
            Attributes::WorkflowTaskScheduledEventAttributes(
                WorkflowTaskScheduledEventAttributes {
                    task_queue: Some(task_queue),
                    start_to_close_timeout: Some(proto_duration(timeout)),
                    attempt,
                },
            ),
        );
        if let Some(execution) = self.executions.get_mut(key) {
            execution.workflow_task = WorkflowTask::Scheduled {
                scheduled_event_id,
                attempt,
                sticky: sticky.is_some(),
                scheduled_time: now,
            };
        }
        self.matching.push(
            QueueKey {
                namespace: key.namespace.clone(),
                name: queue_name,
                kind: QueueKind::Workflow,
            },
            TaskRef {
                key: key.clone(),
                scheduled_event_id,
                attempt,
            },
        );
        if let Some(sticky) = sticky {
            self.timers.add(
                now + sticky.schedule_to_start,
                TimerTarget::WorkflowTaskTimeout {
                    key: key.clone(),
                    scheduled_event_id,
                    attempt,
                    kind: WorkflowTaskTimeoutKind::StickyScheduleToStart,
                },
            );
        }
        self.timer_wake.notify_one();
    }

    /// Starts a queued workflow task for a poller, if the reference is still current.
    pub(crate) fn start_workflow_task(
        &mut self,
        task: &TaskRef,
        identity: &str,
        request_id: String,
    ) -> Option<StartedWorkflowTask> {
        let now = self.now();
        let execution = self.executions.get(&task.key)?;
        let WorkflowTask::Scheduled {
            scheduled_event_id,
            attempt,
            scheduled_time,
            ..
        } = execution.workflow_task
        else {
            return None;
        };
        if !execution.is_running()
            || scheduled_event_id != task.scheduled_event_id
            || attempt != task.attempt
        {
            return None;
        }
        let history_size_bytes = execution.history_size_bytes();
        let timeout = execution.workflow_task_timeout;
        let previous_started_event_id = execution.previous_started_event_id;
        let started_event_id = self.write(
            &task.key,
            Attributes::WorkflowTaskStartedEventAttributes(WorkflowTaskStartedEventAttributes {
                scheduled_event_id,
                identity: identity.to_string(),
                request_id,
                history_size_bytes,
                ..WorkflowTaskStartedEventAttributes::default()
            }),
        );
        let execution = self.executions.get_mut(&task.key)?;
        execution.workflow_task = WorkflowTask::Started {
            scheduled_event_id,
            started_event_id,
            attempt,
            scheduled_time,
            started_time: now,
        };
        self.timers.add(
            now + timeout,
            TimerTarget::WorkflowTaskTimeout {
                key: task.key.clone(),
                scheduled_event_id,
                attempt,
                kind: WorkflowTaskTimeoutKind::StartToClose,
            },
        );
        self.timer_wake.notify_one();
        Some(StartedWorkflowTask {
            key: task.key.clone(),
            scheduled_event_id,
            started_event_id,
            attempt,
            scheduled_time,
            started_time: now,
            previous_started_event_id,
        })
    }

    /// Checks that a task token names the workflow task that is running now.
    pub(crate) fn running_workflow_task(
        &self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
    ) -> Result<(i64, i64), EngineError> {
        let execution = self.execution(key)?;
        match execution.workflow_task {
            WorkflowTask::Started {
                scheduled_event_id: s,
                started_event_id,
                attempt: a,
                ..
            } if execution.is_running() && s == scheduled_event_id && a == attempt => {
                Ok((s, started_event_id))
            }
            _ => Err(EngineError::NotFound(
                "Workflow task not found.".to_string(),
            )),
        }
    }

    /// Ends the running workflow task as failed (worker report, unhandled command) and
    /// schedules the next attempt.
    pub(crate) fn fail_workflow_task(
        &mut self,
        key: &ExecutionKey,
        cause: WorkflowTaskFailedCause,
        failure: Option<Failure>,
        identity: &str,
    ) {
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        let WorkflowTask::Started {
            scheduled_event_id,
            started_event_id,
            attempt,
            ..
        } = execution.workflow_task
        else {
            return;
        };
        self.write(
            key,
            Attributes::WorkflowTaskFailedEventAttributes(WorkflowTaskFailedEventAttributes {
                scheduled_event_id,
                started_event_id,
                cause: cause as i32,
                failure,
                identity: identity.to_string(),
                ..WorkflowTaskFailedEventAttributes::default()
            }),
        );
        self.after_workflow_task_failure(key, attempt);
    }

    /// A timeout fired for a workflow task; does nothing when the task is no longer current.
    pub(crate) fn time_out_workflow_task(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
        kind: WorkflowTaskTimeoutKind,
    ) {
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        if !execution.is_running() {
            return;
        }
        let (started_event_id, timeout_type, queue) = match (kind, &execution.workflow_task) {
            (
                WorkflowTaskTimeoutKind::StartToClose,
                WorkflowTask::Started {
                    scheduled_event_id: s,
                    started_event_id,
                    attempt: a,
                    ..
                },
            ) if *s == scheduled_event_id && *a == attempt => {
                (*started_event_id, TimeoutType::StartToClose, None)
            }
            (
                WorkflowTaskTimeoutKind::StickyScheduleToStart,
                WorkflowTask::Scheduled {
                    scheduled_event_id: s,
                    attempt: a,
                    sticky: true,
                    ..
                },
            ) if *s == scheduled_event_id && *a == attempt => {
                let queue = execution.sticky.as_ref().map(|sticky| sticky.queue.clone());
                (0, TimeoutType::ScheduleToStart, queue)
            }
            _ => return,
        };
        if let Some(queue) = queue {
            self.matching.remove(
                &QueueKey {
                    namespace: key.namespace.clone(),
                    name: queue,
                    kind: QueueKind::Workflow,
                },
                key,
                scheduled_event_id,
            );
        }
        self.write(
            key,
            Attributes::WorkflowTaskTimedOutEventAttributes(WorkflowTaskTimedOutEventAttributes {
                scheduled_event_id,
                started_event_id,
                timeout_type: timeout_type as i32,
            }),
        );
        if kind == WorkflowTaskTimeoutKind::StickyScheduleToStart {
            // Nobody serves the sticky queue any more: the same attempt goes to the normal queue.
            if let Some(execution) = self.executions.get_mut(key) {
                execution.sticky = None;
                execution.workflow_task = WorkflowTask::Idle;
            }
            self.flush_buffered(key);
            self.schedule_workflow_task(key, false);
            return;
        }
        self.after_workflow_task_failure(key, attempt);
    }

    fn after_workflow_task_failure(&mut self, key: &ExecutionKey, attempt: i32) {
        if let Some(execution) = self.executions.get_mut(key) {
            execution.workflow_task = WorkflowTask::Idle;
            // The worker dropped its cached state: the next task goes to the normal queue with
            // the full history.
            execution.sticky = None;
            execution.failed_workflow_task_attempts = attempt;
        }
        self.flush_buffered(key);
        self.schedule_workflow_task(key, true);
    }
}
