//! SignalExternalWorkflowExecution: SignalExternalWorkflowExecutionInitiated now; the signal is
//! delivered once the workflow task is complete (a deferred effect), and the sender then sees
//! ExternalWorkflowExecutionSignaled, or SignalExternalWorkflowExecutionFailed.

use temporalio_protos::temporal::api::command::v1::SignalExternalWorkflowExecutionCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::{
    SignalExternalWorkflowExecutionFailedCause, WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    ExternalWorkflowExecutionSignaledEventAttributes,
    SignalExternalWorkflowExecutionFailedEventAttributes,
    SignalExternalWorkflowExecutionInitiatedEventAttributes,
    WorkflowExecutionSignaledEventAttributes,
};

use super::external::{self, Delivery, Initiated, initiated_namespace, sender_execution};
use super::{CommandRefused, refused};
use crate::ids::ExecutionKey;
use crate::state::{Deferred, State};

// `control` is deprecated but still copied: the real server does.
#[allow(deprecated)]
pub(super) fn handle(
    state: &mut State,
    key: &ExecutionKey,
    completed_event_id: i64,
    command: SignalExternalWorkflowExecutionCommandAttributes,
) -> Result<(), CommandRefused> {
    let target = command
        .execution
        .clone()
        .filter(|e| !e.workflow_id.is_empty())
        .ok_or_else(|| {
            refused(
                WorkflowTaskFailedCause::BadSignalWorkflowExecutionAttributes,
                "Execution is not set on command.",
            )
        })?;
    if command.signal_name.is_empty() {
        return Err(refused(
            WorkflowTaskFailedCause::BadSignalWorkflowExecutionAttributes,
            "SignalName is not set on command.",
        ));
    }
    let (namespace, namespace_id) = initiated_namespace(state, key, &command.namespace);
    let initiated_event_id = state.write(
        key,
        Attributes::SignalExternalWorkflowExecutionInitiatedEventAttributes(
            SignalExternalWorkflowExecutionInitiatedEventAttributes {
                workflow_task_completed_event_id: completed_event_id,
                namespace,
                namespace_id,
                workflow_execution: Some(target),
                signal_name: command.signal_name,
                input: command.input,
                control: command.control,
                child_workflow_only: command.child_workflow_only,
                header: command.header,
            },
        ),
    );
    state.deferred.push(Deferred::SignalExternal {
        sender: key.clone(),
        initiated_event_id,
    });
    Ok(())
}

impl State {
    /// Delivers the signal a SignalExternalWorkflowExecutionInitiated event asked for.
    #[allow(deprecated)]
    pub(crate) fn deliver_external_signal(
        &mut self,
        sender: &ExecutionKey,
        initiated_event_id: i64,
    ) {
        external::deliver(
            self,
            sender,
            initiated_event_id,
            |attributes| match attributes {
                Attributes::SignalExternalWorkflowExecutionInitiatedEventAttributes(a) => Some((
                    a.clone(),
                    Initiated {
                        namespace: a.namespace.clone(),
                        namespace_id: a.namespace_id.clone(),
                        workflow_execution: a.workflow_execution.clone(),
                        control: a.control.clone(),
                    },
                )),
                _ => None,
            },
            |command, initiated, namespace| Delivery {
                to_target: Attributes::WorkflowExecutionSignaledEventAttributes(
                    WorkflowExecutionSignaledEventAttributes {
                        signal_name: command.signal_name,
                        input: command.input,
                        header: command.header,
                        external_workflow_execution: Some(sender_execution(sender)),
                        ..WorkflowExecutionSignaledEventAttributes::default()
                    },
                ),
                to_sender: Attributes::ExternalWorkflowExecutionSignaledEventAttributes(
                    ExternalWorkflowExecutionSignaledEventAttributes {
                        initiated_event_id,
                        namespace,
                        namespace_id: initiated.namespace_id,
                        workflow_execution: initiated.workflow_execution,
                        control: initiated.control,
                    },
                ),
            },
            |initiated, namespace| {
                Attributes::SignalExternalWorkflowExecutionFailedEventAttributes(
                    SignalExternalWorkflowExecutionFailedEventAttributes {
                        cause: SignalExternalWorkflowExecutionFailedCause::ExternalWorkflowExecutionNotFound as i32,
                        // Written by the server's transfer task, which leaves this unset.
                        workflow_task_completed_event_id: 0,
                        namespace,
                        namespace_id: initiated.namespace_id,
                        workflow_execution: initiated.workflow_execution,
                        initiated_event_id,
                        control: initiated.control,
                    },
                )
            },
        );
    }
}
