//! RequestCancelExternalWorkflowExecution: RequestCancelExternalWorkflowExecutionInitiated now;
//! once the workflow task is complete (a deferred effect) the target hears of it
//! (WorkflowExecutionCancelRequested) and the sender sees ExternalWorkflowExecutionCancelRequested,
//! or RequestCancelExternalWorkflowExecutionFailed when there is no such running workflow.

use temporalio_protos::temporal::api::command::v1::RequestCancelExternalWorkflowExecutionCommandAttributes;
use temporalio_protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_protos::temporal::api::enums::v1::{
    CancelExternalWorkflowExecutionFailedCause, WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    ExternalWorkflowExecutionCancelRequestedEventAttributes,
    RequestCancelExternalWorkflowExecutionFailedEventAttributes,
    RequestCancelExternalWorkflowExecutionInitiatedEventAttributes,
    WorkflowExecutionCancelRequestedEventAttributes,
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
    command: RequestCancelExternalWorkflowExecutionCommandAttributes,
) -> Result<(), CommandRefused> {
    if command.workflow_id.is_empty() {
        return Err(refused(
            WorkflowTaskFailedCause::BadRequestCancelExternalWorkflowExecutionAttributes,
            "WorkflowId is not set on command.",
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
        Attributes::RequestCancelExternalWorkflowExecutionInitiatedEventAttributes(
            RequestCancelExternalWorkflowExecutionInitiatedEventAttributes {
                workflow_task_completed_event_id: completed_event_id,
                namespace,
                namespace_id,
                workflow_execution: Some(WorkflowExecution {
                    workflow_id: command.workflow_id,
                    run_id: command.run_id,
                }),
                control: command.control,
                child_workflow_only: command.child_workflow_only,
                reason: command.reason,
            },
        ),
    );
    state.deferred.push(Deferred::CancelExternal {
        sender: key.clone(),
        initiated_event_id,
    });
    Ok(())
}

impl State {
    /// Delivers the cancel request a RequestCancelExternalWorkflowExecutionInitiated event asked for.
    #[allow(deprecated)]
    pub(crate) fn deliver_external_cancel(
        &mut self,
        sender: &ExecutionKey,
        initiated_event_id: i64,
    ) {
        let Some(initiated) =
            self.event_attributes(sender, initiated_event_id, |attributes| match attributes {
                Attributes::RequestCancelExternalWorkflowExecutionInitiatedEventAttributes(a) => {
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
                BufferedEvent::plain(Attributes::RequestCancelExternalWorkflowExecutionFailedEventAttributes(
                    RequestCancelExternalWorkflowExecutionFailedEventAttributes {
                        cause: CancelExternalWorkflowExecutionFailedCause::ExternalWorkflowExecutionNotFound as i32,
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
            BufferedEvent::plain(Attributes::WorkflowExecutionCancelRequestedEventAttributes(
                WorkflowExecutionCancelRequestedEventAttributes {
                    cause: initiated.reason.clone(),
                    external_initiated_event_id: initiated_event_id,
                    external_workflow_execution: Some(WorkflowExecution {
                        workflow_id: sender.workflow_id.clone(),
                        run_id: sender.run_id.clone(),
                    }),
                    identity: String::new(),
                },
            )),
        );
        self.record_external(
            sender,
            BufferedEvent::plain(
                Attributes::ExternalWorkflowExecutionCancelRequestedEventAttributes(
                    ExternalWorkflowExecutionCancelRequestedEventAttributes {
                        initiated_event_id,
                        namespace,
                        namespace_id: initiated.namespace_id,
                        workflow_execution: initiated.workflow_execution,
                    },
                ),
            ),
        );
    }
}
