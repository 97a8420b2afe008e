//! RequestCancelActivityTask: ActivityTaskCancelRequested; an activity no worker runs is
//! canceled at once, a running one when its worker reports it canceled.

use temporalio_protos::temporal::api::command::v1::RequestCancelActivityTaskCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    ActivityTaskCancelRequestedEventAttributes, ActivityTaskCanceledEventAttributes,
};

use super::{CommandRefused, refused};
use crate::execution::activity::ActivityPhase;
use crate::ids::ExecutionKey;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: RequestCancelActivityTaskCommandAttributes,
) -> Result<(), CommandRefused> {
    let scheduled_event_id = command.scheduled_event_id;
    let activity = state
        .execution(key)
        .ok()
        .and_then(|e| e.activities.get(&scheduled_event_id))
        .cloned()
        .ok_or_else(|| {
            refused(
                WorkflowTaskFailedCause::BadRequestCancelActivityAttributes,
                format!("Activity with scheduled event id {scheduled_event_id} is not open."),
            )
        })?;
    let requested_event_id = state.write(
        key,
        Attributes::ActivityTaskCancelRequestedEventAttributes(
            ActivityTaskCancelRequestedEventAttributes {
                scheduled_event_id,
                workflow_task_completed_event_id: completed_event_id,
            },
        ),
    );
    if matches!(activity.phase, ActivityPhase::Started { .. }) {
        if let Some(open) = state
            .execution_mut(key)
            .ok()
            .and_then(|e| e.activities.get_mut(&scheduled_event_id))
        {
            open.cancel_requested_event_id = Some(requested_event_id);
        }
        return Ok(());
    }
    if let Ok(execution) = state.execution_mut(key) {
        execution.activities.remove(&scheduled_event_id);
    }
    state
        .matching
        .remove(&activity.queue(&key.namespace), key, scheduled_event_id);
    state.write(
        key,
        Attributes::ActivityTaskCanceledEventAttributes(ActivityTaskCanceledEventAttributes {
            latest_cancel_requested_event_id: requested_event_id,
            scheduled_event_id,
            ..ActivityTaskCanceledEventAttributes::default()
        }),
    );
    // The workflow learns of it in its next workflow task.
    state.force_new_workflow_task(key);
    Ok(())
}
