//! CancelTimer: TimerCanceled; the deadline left on the wheel finds the timer gone.

use temporalio_protos::temporal::api::command::v1::CancelTimerCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_protos::temporal::api::history::v1::TimerCanceledEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use super::{CommandRefused, refused};
use crate::ids::ExecutionKey;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: CancelTimerCommandAttributes,
) -> Result<(), CommandRefused> {
    let started_event_id = state
        .execution_mut(key)
        .ok()
        .and_then(|e| e.timers.remove(&command.timer_id))
        .ok_or_else(|| {
            refused(
                WorkflowTaskFailedCause::BadCancelTimerAttributes,
                format!("Timer with ID {} is not started.", command.timer_id),
            )
        })?;
    state.write(
        key,
        Attributes::TimerCanceledEventAttributes(TimerCanceledEventAttributes {
            timer_id: command.timer_id,
            started_event_id,
            workflow_task_completed_event_id: completed_event_id,
            identity: String::new(),
        }),
    );
    Ok(())
}
