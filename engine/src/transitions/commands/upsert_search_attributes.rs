//! UpsertWorkflowSearchAttributes: UpsertWorkflowSearchAttributes event; the run's search
//! attributes are merged.

use temporalio_protos::temporal::api::command::v1::UpsertWorkflowSearchAttributesCommandAttributes;
use temporalio_protos::temporal::api::history::v1::UpsertWorkflowSearchAttributesEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use super::CommandRefused;
use crate::ids::ExecutionKey;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: UpsertWorkflowSearchAttributesCommandAttributes,
) -> Result<(), CommandRefused> {
    if let (Ok(execution), Some(upsert)) =
        (state.execution_mut(key), command.search_attributes.as_ref())
    {
        let current = std::sync::Arc::make_mut(&mut execution.start_request)
            .search_attributes
            .get_or_insert_with(Default::default);
        for (name, value) in &upsert.indexed_fields {
            current.indexed_fields.insert(name.clone(), value.clone());
        }
    }
    state.write(
        key,
        Attributes::UpsertWorkflowSearchAttributesEventAttributes(
            UpsertWorkflowSearchAttributesEventAttributes {
                workflow_task_completed_event_id: completed_event_id,
                search_attributes: command.search_attributes,
            },
        ),
    );
    Ok(())
}
