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

use super::{CommandRefused, refused};
use crate::execution::BufferedEvent;
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
    // The event names the namespace as the command did (the server leaves it empty when the
    // command does); the target is looked up in the sender's namespace then.
    let target_namespace = if command.namespace.is_empty() {
        key.namespace.clone()
    } else {
        command.namespace.clone()
    };
    let namespace_id = state
        .namespaces
        .get(&target_namespace)
        .map(|n| n.id.clone())
        .unwrap_or_default();
    let namespace = command.namespace.clone();
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
        let Some(initiated) =
            self.event_attributes(sender, initiated_event_id, |attributes| match attributes {
                Attributes::SignalExternalWorkflowExecutionInitiatedEventAttributes(a) => {
                    Some(a.clone())
                }
                _ => None,
            })
        else {
            return;
        };
        let (namespace, target_key) = self.external_target(
            sender,
            &initiated.namespace,
            initiated.workflow_execution.as_ref(),
        );
        let Some(target_key) = target_key else {
            self.record_external(
                sender,
                BufferedEvent::plain(Attributes::SignalExternalWorkflowExecutionFailedEventAttributes(
                    SignalExternalWorkflowExecutionFailedEventAttributes {
                        cause: SignalExternalWorkflowExecutionFailedCause::ExternalWorkflowExecutionNotFound as i32,
                        // Written by the server's transfer task, which leaves this unset.
                        workflow_task_completed_event_id: 0,
                        namespace: namespace.clone(),
                        namespace_id: initiated.namespace_id.clone(),
                        workflow_execution: initiated.workflow_execution.clone(),
                        initiated_event_id,
                        control: initiated.control.clone(),
                    },
                )),
            );
            return;
        };
        self.record_external(
            &target_key,
            BufferedEvent::plain(Attributes::WorkflowExecutionSignaledEventAttributes(
                WorkflowExecutionSignaledEventAttributes {
                    signal_name: initiated.signal_name.clone(),
                    input: initiated.input.clone(),
                    header: initiated.header.clone(),
                    external_workflow_execution: Some(
                        temporalio_protos::temporal::api::common::v1::WorkflowExecution {
                            workflow_id: sender.workflow_id.clone(),
                            run_id: sender.run_id.clone(),
                        },
                    ),
                    ..WorkflowExecutionSignaledEventAttributes::default()
                },
            )),
        );
        self.record_external(
            sender,
            BufferedEvent::plain(
                Attributes::ExternalWorkflowExecutionSignaledEventAttributes(
                    ExternalWorkflowExecutionSignaledEventAttributes {
                        initiated_event_id,
                        namespace,
                        namespace_id: initiated.namespace_id,
                        workflow_execution: initiated.workflow_execution,
                        control: initiated.control,
                    },
                ),
            ),
        );
    }
}
