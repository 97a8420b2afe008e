//! StartTimer: TimerStarted, and a deadline on the wheel.

use temporalio_protos::temporal::api::command::v1::StartTimerCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_protos::temporal::api::history::v1::TimerStartedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use super::{CommandRefused, refused};
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::time::duration;
use crate::timers::TimerTarget;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: StartTimerCommandAttributes,
) -> Result<(), CommandRefused> {
    let bad = |message: String| refused(WorkflowTaskFailedCause::BadStartTimerAttributes, message);
    if command.timer_id.is_empty() {
        return Err(bad("TimerId is not set.".to_string()));
    }
    let fire_after = duration(command.start_to_fire_timeout.as_ref())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            bad(format!(
                "A valid StartToFireTimeout is not set on timer {}.",
                command.timer_id
            ))
        })?;
    let open = state
        .execution(key)
        .map(|e| e.timers.contains_key(&command.timer_id))
        .unwrap_or(false);
    if open {
        return Err(bad(format!(
            "Timer with ID {} is already started.",
            command.timer_id
        )));
    }
    let started_event_id = state.write(
        key,
        Attributes::TimerStartedEventAttributes(TimerStartedEventAttributes {
            timer_id: command.timer_id.clone(),
            start_to_fire_timeout: command.start_to_fire_timeout,
            workflow_task_completed_event_id: completed_event_id,
        }),
    );
    if let Ok(execution) = state.execution_mut(key) {
        execution.timers.insert(command.timer_id, started_event_id);
    }
    let deadline = state.now() + fire_after;
    state.timers.add(
        deadline,
        TimerTarget::UserTimer {
            key: key.clone(),
            started_event_id,
        },
    );
    state.timer_wake.notify_one();
    Ok(())
}
