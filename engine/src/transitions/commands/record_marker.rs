//! RecordMarker: MarkerRecorded (side effects, local activities, patches, versions).

use temporalio_protos::temporal::api::command::v1::RecordMarkerCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_protos::temporal::api::history::v1::MarkerRecordedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use super::{CommandRefused, refused};
use crate::ids::ExecutionKey;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: RecordMarkerCommandAttributes,
) -> Result<(), CommandRefused> {
    if command.marker_name.is_empty() {
        return Err(refused(
            WorkflowTaskFailedCause::BadRecordMarkerAttributes,
            "MarkerName is not set.",
        ));
    }
    state.write(
        key,
        Attributes::MarkerRecordedEventAttributes(MarkerRecordedEventAttributes {
            marker_name: command.marker_name,
            details: command.details,
            workflow_task_completed_event_id: completed_event_id,
            header: command.header,
            failure: command.failure,
        }),
    );
    Ok(())
}
