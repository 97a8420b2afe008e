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
    command: RequestCancelExternalWorkflowExecutionCommandAttributes,
) -> Result<(), CommandRefused> {
    if command.workflow_id.is_empty() {
        return Err(refused(
            WorkflowTaskFailedCause::BadRequestCancelExternalWorkflowExecutionAttributes,
            "WorkflowId is not set on command.",
        ));
    }
    let (namespace, namespace_id) = initiated_namespace(state, key, &command.namespace);
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
        external::deliver(
            self,
            sender,
            initiated_event_id,
            |attributes| match attributes {
                Attributes::RequestCancelExternalWorkflowExecutionInitiatedEventAttributes(a) => {
                    Some((
                        a.reason.clone(),
                        Initiated {
                            namespace: a.namespace.clone(),
                            namespace_id: a.namespace_id.clone(),
                            workflow_execution: a.workflow_execution.clone(),
                            control: a.control.clone(),
                        },
                    ))
                }
                _ => None,
            },
            |reason, initiated, namespace| Delivery {
                to_target: Attributes::WorkflowExecutionCancelRequestedEventAttributes(
                    WorkflowExecutionCancelRequestedEventAttributes {
                        cause: reason,
                        external_initiated_event_id: initiated_event_id,
                        external_workflow_execution: Some(sender_execution(sender)),
                        identity: String::new(),
                    },
                ),
                to_sender: Attributes::ExternalWorkflowExecutionCancelRequestedEventAttributes(
                    ExternalWorkflowExecutionCancelRequestedEventAttributes {
                        initiated_event_id,
                        namespace,
                        namespace_id: initiated.namespace_id,
                        workflow_execution: initiated.workflow_execution,
                    },
                ),
            },
            |initiated, namespace| {
                Attributes::RequestCancelExternalWorkflowExecutionFailedEventAttributes(
                    RequestCancelExternalWorkflowExecutionFailedEventAttributes {
                        cause: CancelExternalWorkflowExecutionFailedCause::ExternalWorkflowExecutionNotFound as i32,
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
