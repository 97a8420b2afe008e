//! The activity state machine: scheduled, started, then retried, completed, failed, timed out
//! or canceled. As on the real server, only an activity's final attempt reaches the history
//! (its ActivityTaskStarted is written together with the close event); earlier attempts live in
//! the mutable state and are visible to the worker as the attempt number and last failure.

use std::time::SystemTime;

use temporalio_protos::temporal::api::enums::v1::RetryState;
use temporalio_protos::temporal::api::failure::v1::{Failure, failure::FailureInfo};
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    ActivityTaskCanceledEventAttributes, ActivityTaskCompletedEventAttributes,
    ActivityTaskFailedEventAttributes, ActivityTaskStartedEventAttributes,
    ActivityTaskTimedOutEventAttributes,
};

use crate::execution::BufferedEvent;
use crate::execution::activity::{
    Activity, ActivityPhase, AttemptOutcome, backoff, timeout_failure,
};
use crate::ids::ExecutionKey;
use crate::matching::{Poller, TaskRef};
use crate::state::State;
use crate::timers::{ActivityTimeoutKind, TimerTarget};
impl State {
    /// Queues the activity's current attempt and arms its schedule-to-start timeout.
    pub(crate) fn queue_activity_attempt(&mut self, key: &ExecutionKey, scheduled_event_id: i64) {
        let now = self.now();
        let Some(activity) = self
            .executions
            .get_mut(key)
            .map(std::sync::Arc::make_mut)
            .and_then(|e| e.activities.get_mut(&scheduled_event_id))
        else {
            return;
        };
        activity.phase = ActivityPhase::Scheduled;
        activity.attempt_scheduled_time = now;
        let attempt = activity.attempt;
        let queue = activity.queue(&key.namespace);
        let schedule_to_start = activity.schedule_to_start;
        self.matching.push(
            queue,
            TaskRef {
                key: key.clone(),
                scheduled_event_id,
                attempt,
            },
        );
        if let Some(timeout) = schedule_to_start {
            self.timers.add(
                now + timeout,
                TimerTarget::ActivityTimeout {
                    key: key.clone(),
                    scheduled_event_id,
                    attempt,
                    kind: ActivityTimeoutKind::ScheduleToStart,
                },
            );
        }
        self.timer_wake.notify_one();
    }

    /// Starts a queued activity attempt for a poller, if the reference is still current.
    pub(crate) fn start_activity(&mut self, task: &TaskRef, poller: &Poller) -> Option<Activity> {
        let now = self.now();
        let execution = self
            .executions
            .get_mut(&task.key)
            .map(std::sync::Arc::make_mut)?;
        if !execution.is_running() {
            return None;
        }
        let activity = execution.activities.get_mut(&task.scheduled_event_id)?;
        if activity.attempt != task.attempt || activity.phase != ActivityPhase::Scheduled {
            return None;
        }
        activity.phase = ActivityPhase::Started {
            started_time: now,
            poller: poller.clone(),
        };
        let snapshot = activity.clone();
        let deadline = now + snapshot.start_to_close;
        self.timers.add(
            deadline,
            TimerTarget::ActivityTimeout {
                key: task.key.clone(),
                scheduled_event_id: task.scheduled_event_id,
                attempt: task.attempt,
                kind: ActivityTimeoutKind::StartToClose,
            },
        );
        if let Some(heartbeat) = snapshot.heartbeat {
            self.timers.add(
                now + heartbeat,
                TimerTarget::ActivityTimeout {
                    key: task.key.clone(),
                    scheduled_event_id: task.scheduled_event_id,
                    attempt: task.attempt,
                    kind: ActivityTimeoutKind::Heartbeat,
                },
            );
        }
        self.timer_wake.notify_one();
        Some(snapshot)
    }

    /// Ends the current attempt. Failures and start-to-close or heartbeat timeouts are retried
    /// while the retry policy and the schedule-to-close timeout allow; anything else closes the
    /// activity and writes its final events.
    // Deprecated worker-version fields are still filled: the real server fills them.
    #[allow(deprecated)]
    pub(crate) fn finish_activity_attempt(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        outcome: AttemptOutcome,
        identity: &str,
    ) {
        let now = self.now();
        let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) else {
            return;
        };
        let Some(activity) = execution.activities.get(&scheduled_event_id).cloned() else {
            return;
        };
        let cancel_requested_event_id = activity.cancel_requested_event_id;

        let (failure, retryable_kind) = match &outcome {
            AttemptOutcome::Failed(failure) => (Some((**failure).clone()), true),
            AttemptOutcome::TimedOut(kind) => (
                Some(timeout_failure(
                    *kind,
                    activity.heartbeat_details.clone(),
                    activity.last_failure.clone(),
                )),
                matches!(
                    kind,
                    ActivityTimeoutKind::StartToClose | ActivityTimeoutKind::Heartbeat
                ),
            ),
            _ => (None, false),
        };
        let retry_state = match &failure {
            Some(failure) if retryable_kind && cancel_requested_event_id.is_none() => {
                self.retry_state(&activity, failure, now)
            }
            Some(_) if cancel_requested_event_id.is_some() => RetryState::CancelRequested,
            // Schedule-to-start and schedule-to-close timeouts end the activity for good.
            Some(_) if matches!(outcome, AttemptOutcome::TimedOut(_)) => RetryState::Timeout,
            Some(_) => RetryState::NonRetryableFailure,
            None => RetryState::Unspecified,
        };
        if retry_state == RetryState::InProgress {
            let delay = backoff(&activity.retry_policy, activity.attempt);
            if let Some(activity) = self
                .executions
                .get_mut(key)
                .map(std::sync::Arc::make_mut)
                .and_then(|e| e.activities.get_mut(&scheduled_event_id))
            {
                activity.phase = ActivityPhase::BackingOff;
                activity.last_failure = failure;
                activity.attempt += 1;
                let attempt = activity.attempt;
                self.timers.add(
                    now + delay,
                    TimerTarget::ActivityRetry {
                        key: key.clone(),
                        scheduled_event_id,
                        attempt,
                    },
                );
            }
            self.timer_wake.notify_one();
            return;
        }

        // Final: the activity closes. It leaves the mutable state now, and its events go to
        // the history (or the buffer, while a workflow task runs).
        if let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
            execution.activities.remove(&scheduled_event_id);
        }
        self.matching
            .remove(&activity.queue(&key.namespace), key, scheduled_event_id);
        let started = match &activity.phase {
            ActivityPhase::Started { poller, .. } => Some(ActivityTaskStartedEventAttributes {
                scheduled_event_id,
                identity: poller.identity.clone(),
                request_id: poller.request_id.clone(),
                attempt: activity.attempt,
                last_failure: activity.last_failure.clone(),
                worker_version: poller.worker_version(),
                ..ActivityTaskStartedEventAttributes::default()
            }),
            _ => None,
        };
        let closed = match outcome {
            AttemptOutcome::Completed(result) => Attributes::ActivityTaskCompletedEventAttributes(
                ActivityTaskCompletedEventAttributes {
                    result,
                    scheduled_event_id,
                    identity: identity.to_string(),
                    ..ActivityTaskCompletedEventAttributes::default()
                },
            ),
            AttemptOutcome::Failed(_) => {
                Attributes::ActivityTaskFailedEventAttributes(ActivityTaskFailedEventAttributes {
                    failure,
                    scheduled_event_id,
                    identity: identity.to_string(),
                    retry_state: retry_state as i32,
                    ..ActivityTaskFailedEventAttributes::default()
                })
            }
            AttemptOutcome::TimedOut(_) => Attributes::ActivityTaskTimedOutEventAttributes(
                ActivityTaskTimedOutEventAttributes {
                    failure,
                    scheduled_event_id,
                    started_event_id: 0,
                    retry_state: retry_state as i32,
                },
            ),
            AttemptOutcome::Canceled(details) => Attributes::ActivityTaskCanceledEventAttributes(
                ActivityTaskCanceledEventAttributes {
                    details,
                    latest_cancel_requested_event_id: cancel_requested_event_id.unwrap_or(0),
                    scheduled_event_id,
                    identity: identity.to_string(),
                    ..ActivityTaskCanceledEventAttributes::default()
                },
            ),
        };
        let event = match started {
            Some(started) => BufferedEvent::ActivityClosed {
                started: Box::new(started),
                closed: Box::new(closed),
            },
            None => BufferedEvent::plain(closed),
        };
        self.record_external(key, event);
    }

    /// Whether a failed attempt is retried (`InProgress`) or why not.
    fn retry_state(&self, activity: &Activity, failure: &Failure, now: SystemTime) -> RetryState {
        let policy = &activity.retry_policy;
        if let Some(FailureInfo::ApplicationFailureInfo(info)) = &failure.failure_info
            && (info.non_retryable || policy.non_retryable_error_types.contains(&info.r#type))
        {
            return RetryState::NonRetryableFailure;
        }
        if policy.maximum_attempts > 0 && activity.attempt >= policy.maximum_attempts {
            return RetryState::MaximumAttemptsReached;
        }
        if let Some(schedule_to_close) = activity.schedule_to_close {
            let next_attempt = now + backoff(policy, activity.attempt);
            if next_attempt >= activity.scheduled_time + schedule_to_close {
                return RetryState::Timeout;
            }
        }
        RetryState::InProgress
    }

    /// A timeout fired for an activity; does nothing when the attempt is no longer current.
    pub(crate) fn time_out_activity(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
        kind: ActivityTimeoutKind,
    ) {
        let now = self.now();
        let Some(activity) = self
            .executions
            .get(key)
            .and_then(|e| e.activities.get(&scheduled_event_id))
        else {
            return;
        };
        let current = match kind {
            // Schedule-to-close covers every attempt.
            ActivityTimeoutKind::ScheduleToClose => true,
            ActivityTimeoutKind::ScheduleToStart => {
                activity.attempt == attempt && activity.phase == ActivityPhase::Scheduled
            }
            ActivityTimeoutKind::StartToClose => {
                activity.attempt == attempt
                    && matches!(activity.phase, ActivityPhase::Started { .. })
            }
            ActivityTimeoutKind::Heartbeat => {
                activity.attempt == attempt
                    && matches!(activity.phase, ActivityPhase::Started { .. })
                    && activity.heartbeat_deadline_passed(now)
            }
        };
        // Both due (schedule-to-start defaults to schedule-to-close): the server's timers sort
        // by time, then event, then timeout type, so schedule-to-start is the one recorded.
        let kind = match kind {
            ActivityTimeoutKind::ScheduleToClose
                if activity.phase == ActivityPhase::Scheduled
                    && activity
                        .schedule_to_start
                        .is_some_and(|limit| activity.attempt_scheduled_time + limit <= now) =>
            {
                ActivityTimeoutKind::ScheduleToStart
            }
            kind => kind,
        };
        if current {
            self.finish_activity_attempt(
                key,
                scheduled_event_id,
                AttemptOutcome::TimedOut(kind),
                "",
            );
        }
    }

    /// The backoff of an activity ended: its next attempt goes to the queue.
    pub(crate) fn retry_activity(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
    ) {
        let Some(activity) = self
            .executions
            .get(key)
            .and_then(|e| e.activities.get(&scheduled_event_id))
        else {
            return;
        };
        if activity.attempt == attempt && activity.phase == ActivityPhase::BackingOff {
            self.queue_activity_attempt(key, scheduled_event_id);
        }
    }
}
