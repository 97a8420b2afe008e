//! The workflow task state machine: scheduled, started, then completed, failed or timed out.
//!
//! A retried workflow task (attempt > 1) is *transient*, as on the real server: its
//! WorkflowTaskScheduled and WorkflowTaskStarted events are not written but sent to the worker
//! after the written history, and only written if that attempt completes. Further failures and
//! timeouts of transient attempts write nothing, so a workflow stuck on a bug does not grow its
//! history.

use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::enums::v1::{
    TaskQueueKind, TimeoutType, WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::failure::v1::Failure;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    HistoryEvent, WorkflowTaskFailedEventAttributes, WorkflowTaskScheduledEventAttributes,
    WorkflowTaskStartedEventAttributes, WorkflowTaskTimedOutEventAttributes,
};
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;

use crate::error::EngineError;
use crate::execution::WorkflowTask;
use crate::ids::ExecutionKey;
use crate::matching::{Poller, QueueKey, QueueKind, TaskRef};
use crate::state::State;
use crate::time::{proto_duration, timestamp};
use crate::timers::{TimerTarget, WorkflowTaskTimeoutKind};

/// Cap of the start-to-close timeout of late attempts (the server's `getStartToCloseTimeout`).
const MAX_RETRY_START_TO_CLOSE: Duration = Duration::from_secs(600);

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
    /// The unwritten scheduled and started events of a transient task, sent after the history.
    pub(crate) transient: Option<Box<[HistoryEvent; 2]>>,
    /// Update requests the task carries (protocol messages).
    pub(crate) messages: Vec<temporalio_protos::temporal::api::protocol::v1::Message>,
    /// Queries the task carries, by query id, answered in its completion.
    pub(crate) queries: std::collections::HashMap<
        String,
        temporalio_protos::temporal::api::query::v1::WorkflowQuery,
    >,
}

/// The start-to-close timeout of an attempt: late attempts get more time, as on the server.
fn attempt_timeout(base: Duration, attempt: i32) -> Duration {
    if attempt < 4 {
        return base;
    }
    let extra = Duration::from_secs(5).saturating_mul(1u32 << (attempt - 4).min(16));
    (base + extra).min(base.max(MAX_RETRY_START_TO_CLOSE))
}

impl State {
    /// Schedules a workflow task unless one is already scheduled or running. Attempt 1 writes
    /// WorkflowTaskScheduled; a later attempt is transient.
    pub(crate) fn schedule_workflow_task(&mut self, key: &ExecutionKey, attempt: i32) {
        self.schedule(key, attempt, false);
    }

    /// Schedules a speculative workflow task (for an update, when no task is pending): like a
    /// transient one it writes no events until it completes with something to write, and it
    /// goes to the sticky queue when the run has one.
    pub(crate) fn schedule_speculative_workflow_task(&mut self, key: &ExecutionKey) {
        self.schedule(key, 1, true);
    }

    fn schedule(&mut self, key: &ExecutionKey, attempt: i32, speculative: bool) {
        let now = self.now();
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        if !execution.is_running() || execution.workflow_task != WorkflowTask::Idle {
            return;
        }
        let attempt = attempt.max(1);
        let transient = attempt > 1;
        let unwritten = transient || speculative;
        let sticky = if transient {
            None
        } else {
            execution.sticky.clone()
        };
        let queue_name = sticky
            .as_ref()
            .map_or_else(|| execution.task_queue.clone(), |s| s.queue.clone());
        let task_queue = self.workflow_task_queue(key, sticky.is_some());
        let timeout = execution.workflow_task_timeout;
        let scheduled_event_id = if unwritten {
            0
        } else {
            self.write(
                key,
                Attributes::WorkflowTaskScheduledEventAttributes(
                    WorkflowTaskScheduledEventAttributes {
                        task_queue: Some(task_queue),
                        start_to_close_timeout: Some(proto_duration(timeout)),
                        attempt,
                    },
                ),
            )
        };
        let written_events = self.executions.get(key).map_or(0, |e| e.history.len());
        if let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
            execution.workflow_task = WorkflowTask::Scheduled {
                scheduled_event_id,
                attempt,
                sticky: sticky.is_some(),
                scheduled_time: now,
                written_events,
                speculative,
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
        if sticky.is_some() {
            self.arm_sticky_timeout(key, scheduled_event_id, attempt);
        }
        self.timer_wake.notify_one();
    }

    /// Arms the schedule-to-start timeout of a task on the run's sticky queue.
    pub(crate) fn arm_sticky_timeout(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
    ) {
        let Some(sticky) = self.executions.get(key).and_then(|e| e.sticky.clone()) else {
            return;
        };
        let now = self.now();
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

    /// The task queue a workflow task names in its scheduled event.
    pub(crate) fn workflow_task_queue(&self, key: &ExecutionKey, sticky: bool) -> TaskQueue {
        let Some(execution) = self.executions.get(key) else {
            return TaskQueue::default();
        };
        match (&execution.sticky, sticky) {
            (Some(s), true) => TaskQueue {
                name: s.queue.clone(),
                kind: TaskQueueKind::Sticky as i32,
                normal_name: execution.task_queue.clone(),
            },
            _ => TaskQueue {
                name: execution.task_queue.clone(),
                kind: TaskQueueKind::Normal as i32,
                ..TaskQueue::default()
            },
        }
    }

    /// Starts a queued workflow task for a poller, if the reference is still current.
    // Deprecated worker-version fields are still filled: the real server fills them.
    #[allow(deprecated)]
    pub(crate) fn start_workflow_task(
        &mut self,
        task: &TaskRef,
        poller: &Poller,
    ) -> Option<StartedWorkflowTask> {
        let now = self.now();
        let execution = self.executions.get(&task.key)?;
        let WorkflowTask::Scheduled {
            scheduled_event_id,
            attempt,
            scheduled_time,
            written_events,
            speculative,
            sticky,
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
        let base_timeout = execution.workflow_task_timeout;
        let previous_started_event_id = execution.previous_started_event_id;
        let length = execution.history.len();
        let started_attributes = |scheduled_event_id: i64| WorkflowTaskStartedEventAttributes {
            scheduled_event_id,
            identity: poller.identity.clone(),
            request_id: poller.request_id.clone(),
            history_size_bytes,
            worker_version: poller.worker_version(),
            ..WorkflowTaskStartedEventAttributes::default()
        };

        let (scheduled_event_id, started_event_id, attempt, transient) = if scheduled_event_id != 0
        {
            let started_event_id = self.write(
                &task.key,
                Attributes::WorkflowTaskStartedEventAttributes(started_attributes(
                    scheduled_event_id,
                )),
            );
            (scheduled_event_id, started_event_id, attempt, None)
        } else if length != written_events {
            // Events arrived since the retry was scheduled: it becomes a real attempt 1.
            let queue = self.workflow_task_queue(&task.key, false);
            let timeout = base_timeout;
            let scheduled_event_id = self.write(
                &task.key,
                Attributes::WorkflowTaskScheduledEventAttributes(
                    WorkflowTaskScheduledEventAttributes {
                        task_queue: Some(queue),
                        start_to_close_timeout: Some(proto_duration(timeout)),
                        attempt: 1,
                    },
                ),
            );
            let started_event_id = self.write(
                &task.key,
                Attributes::WorkflowTaskStartedEventAttributes(started_attributes(
                    scheduled_event_id,
                )),
            );
            (scheduled_event_id, started_event_id, 1, None)
        } else {
            // A transient retry, or a speculative task: its events are sent, not written.
            let scheduled_event_id = length as i64 + 1;
            let task_id = self.next_task_id();
            let scheduled = HistoryEvent {
                event_id: scheduled_event_id,
                event_time: Some(timestamp(scheduled_time)),
                event_type:
                    temporalio_protos::temporal::api::enums::v1::EventType::WorkflowTaskScheduled
                        as i32,
                task_id,
                attributes: Some(Attributes::WorkflowTaskScheduledEventAttributes(
                    WorkflowTaskScheduledEventAttributes {
                        // A speculative task may be on the sticky queue; a retry never is.
                        task_queue: Some(self.workflow_task_queue(&task.key, sticky)),
                        start_to_close_timeout: Some(proto_duration(base_timeout)),
                        attempt,
                    },
                )),
                ..HistoryEvent::default()
            };
            let task_id = self.next_task_id();
            let started = HistoryEvent {
                event_id: scheduled_event_id + 1,
                event_time: Some(timestamp(now)),
                event_type:
                    temporalio_protos::temporal::api::enums::v1::EventType::WorkflowTaskStarted
                        as i32,
                task_id,
                attributes: Some(Attributes::WorkflowTaskStartedEventAttributes(
                    started_attributes(scheduled_event_id),
                )),
                ..HistoryEvent::default()
            };
            (
                scheduled_event_id,
                scheduled_event_id + 1,
                attempt,
                Some(Box::new([scheduled, started])),
            )
        };

        let speculative = speculative && transient.is_some();
        let execution = self
            .executions
            .get_mut(&task.key)
            .map(std::sync::Arc::make_mut)?;
        execution.workflow_task = WorkflowTask::Started {
            scheduled_event_id,
            started_event_id,
            attempt,
            scheduled_time,
            started_time: now,
            transient: transient.clone(),
            speculative,
        };
        let messages = crate::transitions::updates::request_messages(
            execution.updates.send(false),
            started_event_id - 1,
        );
        self.timers.add(
            now + attempt_timeout(base_timeout, attempt),
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
            transient,
            messages,
            queries: self.queries_for_task(&task.key),
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

    /// Writes the events of a transient task that is about to be written for good (it
    /// completed, or the server failed it for an unhandled command).
    pub(crate) fn write_transient_events(&mut self, key: &ExecutionKey) {
        let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) else {
            return;
        };
        let WorkflowTask::Started {
            transient,
            speculative,
            ..
        } = &mut execution.workflow_task
        else {
            return;
        };
        // Written, a speculative task is an ordinary one.
        *speculative = false;
        let Some(events) = transient.take() else {
            return;
        };
        for event in *events {
            if let Some(attributes) = event.attributes {
                self.write(key, attributes);
            }
        }
    }

    /// Ends the running workflow task as failed (a worker report or a refused command) and
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
            ref transient,
            speculative,
            ..
        } = execution.workflow_task
        else {
            return;
        };
        let unhandled = cause == WorkflowTaskFailedCause::UnhandledCommand;
        if transient.is_none() || unhandled || speculative {
            self.write_transient_events(key);
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
        }
        self.after_workflow_task_failure(key, attempt, unhandled);
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
        match (kind, &execution.workflow_task) {
            (
                WorkflowTaskTimeoutKind::StartToClose,
                WorkflowTask::Started {
                    scheduled_event_id: s,
                    started_event_id,
                    attempt: a,
                    transient,
                    speculative,
                    ..
                },
            ) if *s == scheduled_event_id && *a == attempt => {
                self.faults
                    .report(crate::faults::FaultEvent::WorkflowTaskTimedOut {
                        workflow_id: key.workflow_id.clone(),
                        attempt,
                    });
                if transient.is_none() || *speculative {
                    let started_event_id = *started_event_id;
                    // A speculative task that times out is written, then its timeout.
                    self.write_transient_events(key);
                    self.write(
                        key,
                        Attributes::WorkflowTaskTimedOutEventAttributes(
                            WorkflowTaskTimedOutEventAttributes {
                                scheduled_event_id,
                                started_event_id,
                                timeout_type: TimeoutType::StartToClose as i32,
                            },
                        ),
                    );
                }
                self.after_workflow_task_failure(key, attempt, false);
            }
            (
                WorkflowTaskTimeoutKind::StickyScheduleToStart,
                WorkflowTask::Scheduled {
                    scheduled_event_id: s,
                    attempt: a,
                    sticky: true,
                    ..
                },
            ) if *s == scheduled_event_id && *a == attempt => self.unstick_scheduled_task(key),
            _ => {}
        }
    }

    /// A workflow task waiting on a sticky queue nobody serves any more (its schedule-to-start
    /// timeout passed, or its worker shut down) times out and goes to the normal queue.
    pub(crate) fn unstick_scheduled_task(&mut self, key: &ExecutionKey) {
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        let WorkflowTask::Scheduled {
            mut scheduled_event_id,
            attempt,
            sticky: true,
            speculative,
            ..
        } = execution.workflow_task
        else {
            return;
        };
        let queue = execution
            .sticky
            .as_ref()
            .map(|sticky| sticky.queue.clone())
            .unwrap_or_default();
        self.matching.remove(
            &QueueKey {
                namespace: key.namespace.clone(),
                name: queue,
                kind: QueueKind::Workflow,
            },
            key,
            scheduled_event_id,
        );
        if speculative {
            // Its scheduled event is written before its timeout, as the real server does.
            scheduled_event_id = self.write_speculative_scheduled(key);
        }
        self.write(
            key,
            Attributes::WorkflowTaskTimedOutEventAttributes(WorkflowTaskTimedOutEventAttributes {
                scheduled_event_id,
                started_event_id: 0,
                timeout_type: TimeoutType::ScheduleToStart as i32,
            }),
        );
        if let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
            execution.sticky = None;
            execution.workflow_task = WorkflowTask::Idle;
        }
        self.flush_buffered(key);
        self.schedule_workflow_task(key, attempt);
    }

    /// After a failure or timeout: the next attempt. A sticky run loses its stickiness and
    /// retries as a written attempt 1 on the normal queue; buffered events also reset the
    /// attempt; otherwise the next attempt is transient.
    fn after_workflow_task_failure(&mut self, key: &ExecutionKey, attempt: i32, reset: bool) {
        let had_sticky = match self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
            Some(execution) => {
                execution.workflow_task = WorkflowTask::Idle;
                execution.sticky.take().is_some()
            }
            None => return,
        };
        let flushed = self.flush_buffered(key);
        let next = if had_sticky || flushed || reset {
            1
        } else {
            attempt + 1
        };
        self.schedule_workflow_task(key, next);
        // The queries the task carried ride on the next attempt.
        self.release_queries(key);
    }
}
