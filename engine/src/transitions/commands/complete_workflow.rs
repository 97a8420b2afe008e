//! CompleteWorkflowExecution: WorkflowExecutionCompleted closes the run.

use temporalio_protos::temporal::api::command::v1::CompleteWorkflowExecutionCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::WorkflowExecutionStatus;
use temporalio_protos::temporal::api::history::v1::WorkflowExecutionCompletedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use super::CommandRefused;
use crate::ids::ExecutionKey;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: CompleteWorkflowExecutionCommandAttributes,
) -> Result<(), CommandRefused> {
    state.close_execution(
        key,
        WorkflowExecutionStatus::Completed,
        Attributes::WorkflowExecutionCompletedEventAttributes(
            WorkflowExecutionCompletedEventAttributes {
                result: command.result,
                workflow_task_completed_event_id: completed_event_id,
                new_execution_run_id: String::new(),
            },
        ),
    );
    Ok(())
}
