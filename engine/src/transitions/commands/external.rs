//! What SignalExternalWorkflowExecution and RequestCancelExternalWorkflowExecution share: the
//! namespace their initiated event names, and the delivery once their workflow task completed
//! (the target's event and the sender's confirmation, or the sender's "not found" failure).

use temporalio_protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use crate::execution::BufferedEvent;
use crate::ids::ExecutionKey;
use crate::state::State;

/// The namespace name and id an initiated event records. The event names the namespace as the
/// command did (the server leaves it empty when the command does); the id is the target's
/// namespace, the sender's when the command names none.
pub(super) fn initiated_namespace(
    state: &State,
    sender: &ExecutionKey,
    command_namespace: &str,
) -> (String, String) {
    let target_namespace = if command_namespace.is_empty() {
        &sender.namespace
    } else {
        command_namespace
    };
    let namespace_id = state
        .namespaces
        .get(target_namespace)
        .map(|n| n.id.clone())
        .unwrap_or_default();
    (command_namespace.to_string(), namespace_id)
}

/// The fields both initiated events carry, and every later event of the exchange names.
pub(super) struct Initiated {
    pub(super) namespace: String,
    pub(super) namespace_id: String,
    pub(super) workflow_execution: Option<WorkflowExecution>,
    pub(super) control: String,
}

/// The events one delivery writes, built by the command's own file.
pub(super) struct Delivery {
    /// The target's event (WorkflowExecutionSignaled, WorkflowExecutionCancelRequested).
    pub(super) to_target: Attributes,
    /// The sender's confirmation (ExternalWorkflowExecutionSignaled, ...CancelRequested).
    pub(super) to_sender: Attributes,
}

/// Delivers what the initiated event `initiated_event_id` of `sender` asked for: `pick` reads the
/// initiated event; `deliver` builds the two events for a running target (given the namespace
/// the events name); `not_found` builds the sender's failure when there is no running target.
pub(super) fn deliver<T>(
    state: &mut State,
    sender: &ExecutionKey,
    initiated_event_id: i64,
    pick: impl FnOnce(&Attributes) -> Option<(T, Initiated)>,
    deliver: impl FnOnce(T, Initiated, String) -> Delivery,
    not_found: impl FnOnce(Initiated, String) -> Attributes,
) {
    let Some((command, initiated)) = state.event_attributes(sender, initiated_event_id, pick)
    else {
        return;
    };
    let (namespace, target) = state.external_target(
        sender,
        &initiated.namespace,
        initiated.workflow_execution.as_ref(),
    );
    match target {
        None => state.record_external(
            sender,
            BufferedEvent::plain(not_found(initiated, namespace)),
        ),
        Some(target) => {
            let delivery = deliver(command, initiated, namespace);
            state.record_external(&target, BufferedEvent::plain(delivery.to_target));
            state.record_external(sender, BufferedEvent::plain(delivery.to_sender));
        }
    }
}

/// The sender as the target's event names it.
pub(super) fn sender_execution(sender: &ExecutionKey) -> WorkflowExecution {
    WorkflowExecution {
        workflow_id: sender.workflow_id.clone(),
        run_id: sender.run_id.clone(),
    }
}
