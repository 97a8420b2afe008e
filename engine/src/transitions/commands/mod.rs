//! Command handlers: one file per command a workflow task can complete with. Each turns its
//! command into events and state changes, or refuses it with the cause the real server gives.

mod cancel_timer;
mod cancel_workflow;
mod complete_workflow;
mod continue_as_new;
mod external;
mod fail_workflow;
mod modify_workflow_properties;
mod record_marker;
mod request_cancel_activity;
mod request_cancel_external;
mod schedule_activity;
mod signal_external;
mod start_child_workflow;
mod start_timer;
mod upsert_search_attributes;

use temporalio_protos::temporal::api::command::v1::{
    Command, command::Attributes as CommandAttributes,
};
use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;

use crate::ids::ExecutionKey;
use crate::state::State;

/// A command the server refuses: the workflow task fails with this cause.
#[derive(Debug, Clone)]
pub(crate) struct CommandRefused {
    pub(crate) cause: WorkflowTaskFailedCause,
    pub(crate) message: String,
}

pub(crate) fn refused(
    cause: WorkflowTaskFailedCause,
    message: impl Into<String>,
) -> CommandRefused {
    CommandRefused {
        cause,
        message: message.into(),
    }
}

/// True for the commands that close the run.
pub(crate) fn closes_workflow(command: &Command) -> bool {
    matches!(
        command.attributes,
        Some(
            CommandAttributes::CompleteWorkflowExecutionCommandAttributes(_)
                | CommandAttributes::FailWorkflowExecutionCommandAttributes(_)
                | CommandAttributes::CancelWorkflowExecutionCommandAttributes(_)
                | CommandAttributes::ContinueAsNewWorkflowExecutionCommandAttributes(_)
        )
    )
}

/// Applies one command. `completed_event_id` is the WorkflowTaskCompleted event the command's
/// events refer to.
pub(crate) fn apply(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: Command,
) -> Result<(), CommandRefused> {
    let Some(attributes) = command.attributes else {
        return Err(refused(
            WorkflowTaskFailedCause::BadBinary,
            "Command attributes are not set.",
        ));
    };
    match attributes {
        CommandAttributes::ScheduleActivityTaskCommandAttributes(a) => {
            schedule_activity::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::RequestCancelActivityTaskCommandAttributes(a) => {
            request_cancel_activity::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::StartTimerCommandAttributes(a) => {
            start_timer::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::CancelTimerCommandAttributes(a) => {
            cancel_timer::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::CompleteWorkflowExecutionCommandAttributes(a) => {
            complete_workflow::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::FailWorkflowExecutionCommandAttributes(a) => {
            fail_workflow::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::CancelWorkflowExecutionCommandAttributes(a) => {
            cancel_workflow::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::ContinueAsNewWorkflowExecutionCommandAttributes(a) => {
            continue_as_new::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::RecordMarkerCommandAttributes(a) => {
            record_marker::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::UpsertWorkflowSearchAttributesCommandAttributes(a) => {
            upsert_search_attributes::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::ModifyWorkflowPropertiesCommandAttributes(a) => {
            modify_workflow_properties::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::StartChildWorkflowExecutionCommandAttributes(a) => {
            start_child_workflow::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::SignalExternalWorkflowExecutionCommandAttributes(a) => {
            signal_external::handle(state, key, completed_event_id, a)
        }
        CommandAttributes::RequestCancelExternalWorkflowExecutionCommandAttributes(a) => {
            request_cancel_external::handle(state, key, completed_event_id, a)
        }
        other => Err(refused(
            WorkflowTaskFailedCause::UnhandledCommand,
            format!(
                "the wfkit engine does not handle {} yet",
                command_name(&other)
            ),
        )),
    }
}

fn command_name(attributes: &CommandAttributes) -> &'static str {
    match attributes {
        CommandAttributes::ProtocolMessageCommandAttributes(_) => "ProtocolMessage",
        CommandAttributes::ScheduleNexusOperationCommandAttributes(_) => "ScheduleNexusOperation",
        CommandAttributes::RequestCancelNexusOperationCommandAttributes(_) => {
            "RequestCancelNexusOperation"
        }
        _ => "this command",
    }
}
