//! FailWorkflowExecution: WorkflowExecutionFailed closes the run; a retry, or a cron workflow's
//! next run, follows it.

use temporalio_protos::temporal::api::command::v1::FailWorkflowExecutionCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::WorkflowExecutionStatus;
use temporalio_protos::temporal::api::history::v1::WorkflowExecutionFailedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use super::CommandRefused;
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::transitions::next_run::Ending;

pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: FailWorkflowExecutionCommandAttributes,
) -> Result<(), CommandRefused> {
    let (retry_state, follow_up) = state.plan_follow_up(
        key,
        Ending::Failed {
            failure: command.failure.as_ref(),
        },
    );
    state.close_execution(
        key,
        WorkflowExecutionStatus::Failed,
        Attributes::WorkflowExecutionFailedEventAttributes(
            WorkflowExecutionFailedEventAttributes {
                failure: command.failure,
                retry_state: retry_state as i32,
                workflow_task_completed_event_id: completed_event_id,
                new_execution_run_id: follow_up
                    .as_ref()
                    .map(|next| next.run_id.clone())
                    .unwrap_or_default(),
            },
        ),
    );
    if let Some(next) = follow_up {
        state.start_follow_up(key, next);
    }
    Ok(())
}
