//! FailWorkflowExecution: WorkflowExecutionFailed closes the run.

use temporalio_protos::temporal::api::command::v1::FailWorkflowExecutionCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::{RetryState, WorkflowExecutionStatus};
use temporalio_protos::temporal::api::history::v1::WorkflowExecutionFailedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use super::CommandRefused;
use crate::ids::ExecutionKey;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: FailWorkflowExecutionCommandAttributes,
) -> Result<(), CommandRefused> {
    state.close_execution(
        key,
        WorkflowExecutionStatus::Failed,
        Attributes::WorkflowExecutionFailedEventAttributes(
            WorkflowExecutionFailedEventAttributes {
                failure: command.failure,
                // A workflow without a retry policy is not retried.
                retry_state: RetryState::RetryPolicyNotSet as i32,
                workflow_task_completed_event_id: completed_event_id,
                new_execution_run_id: String::new(),
            },
        ),
    );
    Ok(())
}
