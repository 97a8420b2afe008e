//! ScheduleActivityTask: ActivityTaskScheduled, and the activity's first attempt queued.

use std::time::Duration;

use temporalio_protos::temporal::api::command::v1::ScheduleActivityTaskCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::{TaskQueueKind, WorkflowTaskFailedCause};
use temporalio_protos::temporal::api::history::v1::ActivityTaskScheduledEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;

use super::{CommandRefused, refused};
use crate::execution::activity::{Activity, ActivityPhase, fill_retry_policy};
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::time::{nonzero_duration, proto_duration};
use crate::timers::{ActivityTimeoutKind, TimerTarget};

// Deprecated fields are still written: the real server fills them, and histories must match.
#[allow(deprecated)]
pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: ScheduleActivityTaskCommandAttributes,
) -> Result<(), CommandRefused> {
    let bad = |message: &str| {
        refused(
            WorkflowTaskFailedCause::BadScheduleActivityAttributes,
            message,
        )
    };
    let execution = state.execution(key).map_err(|e| bad(&e.to_string()))?;
    if command.activity_id.is_empty() {
        return Err(bad("ActivityId is not set."));
    }
    let activity_type = command
        .activity_type
        .clone()
        .filter(|t| !t.name.is_empty())
        .ok_or_else(|| bad("ActivityType is not set."))?;
    if execution
        .activities
        .values()
        .any(|a| a.activity_id == command.activity_id)
    {
        return Err(bad(&format!(
            "Activity with ID {} is already scheduled.",
            command.activity_id
        )));
    }
    let task_queue = match command.task_queue.as_ref().map(|q| q.name.as_str()) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => execution.task_queue.clone(),
    };

    // Timeouts as the server fills them: schedule-to-close defaults to the run timeout, the
    // others to schedule-to-close, and none may exceed schedule-to-close.
    let run_timeout = execution.run_timeout;
    let mut schedule_to_close = nonzero_duration(command.schedule_to_close_timeout.as_ref());
    let mut start_to_close = nonzero_duration(command.start_to_close_timeout.as_ref());
    if schedule_to_close.is_none() && start_to_close.is_none() {
        return Err(bad(
            "A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.",
        ));
    }
    if let Some(run) = run_timeout {
        schedule_to_close = Some(schedule_to_close.map_or(run, |s| s.min(run)));
    }
    let mut schedule_to_start =
        nonzero_duration(command.schedule_to_start_timeout.as_ref()).or(schedule_to_close);
    if let Some(limit) = schedule_to_close {
        schedule_to_start = schedule_to_start.map(|s| s.min(limit));
        start_to_close = Some(start_to_close.map_or(limit, |s| s.min(limit)));
    }
    let start_to_close = start_to_close.unwrap_or(Duration::ZERO);
    let heartbeat =
        nonzero_duration(command.heartbeat_timeout.as_ref()).map(|h| h.min(start_to_close));
    let retry_policy = fill_retry_policy(command.retry_policy.clone());

    let scheduled_event_id = state.write(
        key,
        Attributes::ActivityTaskScheduledEventAttributes(ActivityTaskScheduledEventAttributes {
            activity_id: command.activity_id.clone(),
            activity_type: Some(activity_type.clone()),
            task_queue: Some(TaskQueue {
                name: task_queue.clone(),
                kind: TaskQueueKind::Normal as i32,
                ..TaskQueue::default()
            }),
            header: command.header.clone(),
            input: command.input.clone(),
            schedule_to_close_timeout: Some(proto_duration(
                schedule_to_close.unwrap_or(Duration::ZERO),
            )),
            schedule_to_start_timeout: Some(proto_duration(
                schedule_to_start.unwrap_or(Duration::ZERO),
            )),
            start_to_close_timeout: Some(proto_duration(start_to_close)),
            heartbeat_timeout: Some(proto_duration(heartbeat.unwrap_or(Duration::ZERO))),
            workflow_task_completed_event_id: completed_event_id,
            retry_policy: Some(retry_policy.clone()),
            use_workflow_build_id: command.use_workflow_build_id,
            priority: command.priority.clone(),
        }),
    );
    let now = state.now();
    let activity = Activity {
        scheduled_event_id,
        activity_id: command.activity_id,
        activity_type,
        task_queue,
        header: command.header,
        input: command.input,
        schedule_to_close,
        schedule_to_start,
        start_to_close,
        heartbeat,
        retry_policy,
        scheduled_time: now,
        attempt_scheduled_time: now,
        attempt: 1,
        phase: ActivityPhase::Scheduled,
        last_failure: None,
        heartbeat_details: None,
        last_heartbeat_time: None,
        cancel_requested_event_id: None,
    };
    if let Ok(execution) = state.execution_mut(key) {
        execution.activities.insert(scheduled_event_id, activity);
    }
    // The attempt (and its schedule-to-start timer) first, as the server arms them; which
    // timeout is recorded when both are due is decided where they fire (`time_out_activity`).
    state.queue_activity_attempt(key, scheduled_event_id);
    if let Some(limit) = schedule_to_close {
        state.timers.add(
            now + limit,
            TimerTarget::ActivityTimeout {
                key: key.clone(),
                scheduled_event_id,
                attempt: 1,
                kind: ActivityTimeoutKind::ScheduleToClose,
            },
        );
    }
    Ok(())
}
