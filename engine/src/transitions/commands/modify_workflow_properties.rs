//! ModifyWorkflowProperties: WorkflowPropertiesModified; the run's memo is merged.

use temporalio_protos::temporal::api::command::v1::ModifyWorkflowPropertiesCommandAttributes;
use temporalio_protos::temporal::api::history::v1::WorkflowPropertiesModifiedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use super::CommandRefused;
use crate::ids::ExecutionKey;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: ModifyWorkflowPropertiesCommandAttributes,
) -> Result<(), CommandRefused> {
    if let (Ok(execution), Some(upsert)) =
        (state.execution_mut(key), command.upserted_memo.as_ref())
    {
        let memo = std::sync::Arc::make_mut(&mut execution.start_request)
            .memo
            .get_or_insert_with(Default::default);
        for (name, value) in &upsert.fields {
            memo.fields.insert(name.clone(), value.clone());
        }
    }
    state.write(
        key,
        Attributes::WorkflowPropertiesModifiedEventAttributes(
            WorkflowPropertiesModifiedEventAttributes {
                workflow_task_completed_event_id: completed_event_id,
                upserted_memo: command.upserted_memo,
            },
        ),
    );
    Ok(())
}
