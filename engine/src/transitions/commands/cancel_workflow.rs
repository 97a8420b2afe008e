//! CancelWorkflowExecution: WorkflowExecutionCanceled closes the run.

use temporalio_protos::temporal::api::command::v1::CancelWorkflowExecutionCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::WorkflowExecutionStatus;
use temporalio_protos::temporal::api::history::v1::WorkflowExecutionCanceledEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use super::CommandRefused;
use crate::ids::ExecutionKey;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: CancelWorkflowExecutionCommandAttributes,
) -> Result<(), CommandRefused> {
    state.close_execution(
        key,
        WorkflowExecutionStatus::Canceled,
        Attributes::WorkflowExecutionCanceledEventAttributes(
            WorkflowExecutionCanceledEventAttributes {
                workflow_task_completed_event_id: completed_event_id,
                details: command.details,
            },
        ),
    );
    Ok(())
}
