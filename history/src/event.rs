//! Small facts about single events: names, close events, workflow-task events.

use temporalio_protos::temporal::api::enums::v1::EventType;
use temporalio_protos::temporal::api::history::v1::HistoryEvent;

/// The event's type; `Unspecified` for a number the protos do not know.
pub fn event_type(event: &HistoryEvent) -> EventType {
    EventType::try_from(event.event_type).unwrap_or(EventType::Unspecified)
}

/// The short name of an event type, such as `WorkflowExecutionStarted`.
pub fn type_name(event_type: EventType) -> String {
    let canonical = event_type.as_str_name();
    crate::json_fixup::legacy_enum_name("EventType", canonical)
}

/// True for the events that close a run: completed, failed, timed out, canceled, terminated,
/// continued as new.
pub fn is_close(event_type: EventType) -> bool {
    matches!(
        event_type,
        EventType::WorkflowExecutionCompleted
            | EventType::WorkflowExecutionFailed
            | EventType::WorkflowExecutionTimedOut
            | EventType::WorkflowExecutionCanceled
            | EventType::WorkflowExecutionTerminated
            | EventType::WorkflowExecutionContinuedAsNew
    )
}

/// How a run ended, from its close event: `completed`, `failed`, ..., or `running` when the
/// history has no close event.
pub fn close_status(events: &[HistoryEvent]) -> &'static str {
    match events.last().map(event_type) {
        Some(EventType::WorkflowExecutionCompleted) => "completed",
        Some(EventType::WorkflowExecutionFailed) => "failed",
        Some(EventType::WorkflowExecutionTimedOut) => "timed-out",
        Some(EventType::WorkflowExecutionCanceled) => "canceled",
        Some(EventType::WorkflowExecutionTerminated) => "terminated",
        Some(EventType::WorkflowExecutionContinuedAsNew) => "continued-as-new",
        _ => "running",
    }
}

/// The workflow type named in the first event, when it is WorkflowExecutionStarted.
pub fn workflow_type(events: &[HistoryEvent]) -> Option<&str> {
    use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
    match events.first()?.attributes.as_ref()? {
        Attributes::WorkflowExecutionStartedEventAttributes(started) => {
            started.workflow_type.as_ref().map(|t| t.name.as_str())
        }
        _ => None,
    }
}
