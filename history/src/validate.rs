//! Structural validation of one history: the rules every history a server writes obeys.
//!
//! - event ids are contiguous from 1;
//! - the first event is WorkflowExecutionStarted;
//! - workflow tasks pair up: scheduled, then started, then completed, failed or timed out, with at
//!   most one outstanding at a time;
//! - every reference (`scheduledEventId`, `startedEventId`, `initiatedEventId`, ...) points to an
//!   earlier event of the right type;
//! - at most one close event, and it is the last event.

use std::collections::BTreeMap;
use std::fmt;

use temporalio_protos::temporal::api::enums::v1::EventType;
use temporalio_protos::temporal::api::history::v1::{
    History, HistoryEvent, history_event::Attributes,
};

use crate::error_code::ErrorCode;
use crate::event::{event_type, is_close, type_name};

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Stable code, such as `WFV003`.
    pub code: &'static str,
    /// The event at fault.
    pub event_id: i64,
    /// The field at fault (JSON name inside the event's attributes), when one is.
    pub field: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] event {}", self.code, self.event_id)?;
        if let Some(field) = self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All violations found in one history, in event order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationReport {
    /// The violations; empty when the history is valid.
    pub violations: Vec<Violation>,
}

impl ValidationReport {
    /// True when no rule is broken.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.violations.is_empty() {
            return f.write_str("valid");
        }
        for (index, violation) in self.violations.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

/// Violation code: event ids are not 1, 2, 3, ...
pub const V_EVENT_ID_GAP: &str = ErrorCode::EventIdGap.as_str();
/// Violation code: the first event is not WorkflowExecutionStarted.
pub const V_FIRST_EVENT: &str = ErrorCode::FirstEvent.as_str();
/// Violation code: a reference points to a missing, later or wrong-typed event.
pub const V_DANGLING_REFERENCE: &str = ErrorCode::DanglingReference.as_str();
/// Violation code: workflow task events out of order.
pub const V_WORKFLOW_TASK_ORDER: &str = ErrorCode::WorkflowTaskOrder.as_str();
/// Violation code: a close event that is not last, or more than one.
pub const V_CLOSE_EVENT: &str = ErrorCode::CloseEvent.as_str();
/// Violation code: an event without attributes, or with attributes of another type.
pub const V_ATTRIBUTES: &str = ErrorCode::Attributes.as_str();
/// Violation code: an empty history.
pub const V_EMPTY: &str = ErrorCode::EmptyHistory.as_str();

/// Checks every rule and reports every violation (it does not stop at the first).
pub fn validate(history: &History) -> ValidationReport {
    let mut checker = Checker::default();
    if history.events.is_empty() {
        checker.violations.push(Violation {
            code: V_EMPTY,
            event_id: 0,
            field: None,
            message: "the history has no events".to_string(),
        });
    }
    for (index, event) in history.events.iter().enumerate() {
        checker.check(index, event);
    }
    ValidationReport {
        violations: checker.violations,
    }
}

/// Where the workflow task state machine stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WorkflowTask {
    Idle,
    Scheduled(i64),
    Started { scheduled: i64, started: i64 },
}

#[derive(Debug)]
struct Checker {
    /// Event id to type, for every event seen so far (ordered: it reaches messages).
    types: BTreeMap<i64, EventType>,
    violations: Vec<Violation>,
    workflow_task: WorkflowTask,
    close_event: Option<i64>,
}

impl Default for Checker {
    fn default() -> Self {
        Checker {
            types: BTreeMap::new(),
            violations: Vec::new(),
            workflow_task: WorkflowTask::Idle,
            close_event: None,
        }
    }
}

impl Checker {
    fn violation(
        &mut self,
        code: &'static str,
        event_id: i64,
        field: Option<&'static str>,
        message: String,
    ) {
        self.violations.push(Violation {
            code,
            event_id,
            field,
            message,
        });
    }

    fn check(&mut self, index: usize, event: &HistoryEvent) {
        let id = event.event_id;
        let kind = event_type(event);
        let expected_id = index as i64 + 1;
        if id != expected_id {
            self.violation(
                V_EVENT_ID_GAP,
                id,
                Some("eventId"),
                format!("expected event id {expected_id} (ids run 1, 2, 3, ... without gaps), found {id}"),
            );
        }
        if index == 0 && kind != EventType::WorkflowExecutionStarted {
            self.violation(
                V_FIRST_EVENT,
                id,
                Some("eventType"),
                format!(
                    "the first event must be WorkflowExecutionStarted, found {}",
                    type_name(kind)
                ),
            );
        }
        if let Some(close) = self.close_event {
            self.violation(
                V_CLOSE_EVENT,
                id,
                None,
                format!(
                    "{} after the close event {close}: nothing follows a close event",
                    type_name(kind)
                ),
            );
        }
        if is_close(kind) {
            // Anything after it is reported on the events that follow.
            self.close_event.get_or_insert(id);
        }
        match &event.attributes {
            None if kind == EventType::Unspecified => {
                self.violation(
                    V_ATTRIBUTES,
                    id,
                    Some("eventType"),
                    "the event has neither a known type nor attributes".to_string(),
                );
            }
            None => {
                self.violation(
                    V_ATTRIBUTES,
                    id,
                    None,
                    format!("{} has no attributes", type_name(kind)),
                );
            }
            // An event type the protos do not know was already reported when loading (WFH102);
            // its attributes cannot be checked against it.
            Some(attributes)
                if kind != EventType::Unspecified && attributes.event_type() != kind =>
            {
                self.violation(
                    V_ATTRIBUTES,
                    id,
                    Some("eventType"),
                    format!(
                        "eventType says {} but the attributes are those of {}",
                        type_name(kind),
                        type_name(attributes.event_type())
                    ),
                );
            }
            _ => {}
        }
        self.check_workflow_task(id, kind, event.attributes.as_ref());
        if let Some(attributes) = &event.attributes {
            for reference in references(attributes) {
                self.check_reference(id, reference);
            }
        }
        self.types.insert(id, kind);
    }

    fn check_workflow_task(&mut self, id: i64, kind: EventType, attributes: Option<&Attributes>) {
        match kind {
            EventType::WorkflowTaskScheduled => {
                if self.workflow_task != WorkflowTask::Idle {
                    let open = match self.workflow_task {
                        WorkflowTask::Scheduled(s) | WorkflowTask::Started { scheduled: s, .. } => {
                            s
                        }
                        WorkflowTask::Idle => 0,
                    };
                    self.violation(
                        V_WORKFLOW_TASK_ORDER,
                        id,
                        None,
                        format!("a workflow task is scheduled while the one scheduled at {open} is still open"),
                    );
                }
                self.workflow_task = WorkflowTask::Scheduled(id);
            }
            EventType::WorkflowTaskStarted => {
                let scheduled = match attributes {
                    Some(Attributes::WorkflowTaskStartedEventAttributes(a)) => a.scheduled_event_id,
                    _ => 0,
                };
                match self.workflow_task {
                    WorkflowTask::Scheduled(open) if open == scheduled => {}
                    WorkflowTask::Scheduled(open) => self.violation(
                        V_WORKFLOW_TASK_ORDER,
                        id,
                        Some("scheduledEventId"),
                        format!("starts the workflow task scheduled at {scheduled}, but the open one was scheduled at {open}"),
                    ),
                    _ => self.violation(
                        V_WORKFLOW_TASK_ORDER,
                        id,
                        None,
                        "a workflow task starts, but none is scheduled".to_string(),
                    ),
                }
                self.workflow_task = WorkflowTask::Started {
                    scheduled,
                    started: id,
                };
            }
            EventType::WorkflowTaskCompleted
            | EventType::WorkflowTaskFailed
            | EventType::WorkflowTaskTimedOut => {
                let (scheduled, started) = match attributes {
                    Some(Attributes::WorkflowTaskCompletedEventAttributes(a)) => {
                        (a.scheduled_event_id, a.started_event_id)
                    }
                    Some(Attributes::WorkflowTaskFailedEventAttributes(a)) => {
                        (a.scheduled_event_id, a.started_event_id)
                    }
                    Some(Attributes::WorkflowTaskTimedOutEventAttributes(a)) => {
                        (a.scheduled_event_id, a.started_event_id)
                    }
                    _ => (0, 0),
                };
                match self.workflow_task {
                    WorkflowTask::Started { scheduled: s, started: t } if s == scheduled && t == started => {}
                    // Older servers and hand-written SDK fixtures leave `startedEventId` out.
                    WorkflowTask::Started { scheduled: s, .. } if s == scheduled && started == 0 => {}
                    // A workflow task that never started can time out (schedule-to-start on a sticky queue).
                    WorkflowTask::Scheduled(s) if kind == EventType::WorkflowTaskTimedOut && s == scheduled && started == 0 => {}
                    WorkflowTask::Idle => self.violation(
                        V_WORKFLOW_TASK_ORDER,
                        id,
                        None,
                        format!("{} but no workflow task is open", type_name(kind)),
                    ),
                    open => self.violation(
                        V_WORKFLOW_TASK_ORDER,
                        id,
                        Some("startedEventId"),
                        format!(
                            "closes the workflow task (scheduled {scheduled}, started {started}), but the open one is {}",
                            describe_task(open)
                        ),
                    ),
                }
                self.workflow_task = WorkflowTask::Idle;
            }
            _ => {}
        }
    }

    fn check_reference(&mut self, id: i64, reference: Reference) {
        let Reference {
            field,
            target,
            allowed,
            zero_allowed,
        } = reference;
        if target == 0 && zero_allowed {
            return;
        }
        if target >= id || target <= 0 {
            self.violation(
                V_DANGLING_REFERENCE,
                id,
                Some(field),
                format!("points to event {target}, which is not an earlier event"),
            );
            return;
        }
        match self.types.get(&target) {
            None => self.violation(
                V_DANGLING_REFERENCE,
                id,
                Some(field),
                format!("points to event {target}, which is not in the history"),
            ),
            Some(found) if !allowed.contains(found) => {
                let wanted: Vec<String> = allowed.iter().map(|t| type_name(*t)).collect();
                let found = type_name(*found);
                self.violation(
                    V_DANGLING_REFERENCE,
                    id,
                    Some(field),
                    format!(
                        "points to event {target}, a {found}; expected {}",
                        wanted.join(" or ")
                    ),
                );
            }
            Some(_) => {}
        }
    }
}

fn describe_task(task: WorkflowTask) -> String {
    match task {
        WorkflowTask::Idle => "none".to_string(),
        WorkflowTask::Scheduled(s) => format!("scheduled at {s} and not started"),
        WorkflowTask::Started { scheduled, started } => {
            format!("scheduled {scheduled}, started {started}")
        }
    }
}

/// One reference from an event's attributes to an earlier event.
#[derive(Debug, Clone, Copy)]
struct Reference {
    field: &'static str,
    target: i64,
    allowed: &'static [EventType],
    /// Zero means "none" for this field (an activity that timed out before it started).
    zero_allowed: bool,
}

fn reference(field: &'static str, target: i64, allowed: &'static [EventType]) -> Reference {
    Reference {
        field,
        target,
        allowed,
        zero_allowed: false,
    }
}

fn optional(field: &'static str, target: i64, allowed: &'static [EventType]) -> Reference {
    Reference {
        field,
        target,
        allowed,
        zero_allowed: true,
    }
}

const WT_SCHEDULED: &[EventType] = &[EventType::WorkflowTaskScheduled];
const WT_STARTED: &[EventType] = &[EventType::WorkflowTaskStarted];
const WT_COMPLETED: &[EventType] = &[EventType::WorkflowTaskCompleted];
const ACTIVITY_SCHEDULED: &[EventType] = &[EventType::ActivityTaskScheduled];
const ACTIVITY_STARTED: &[EventType] = &[EventType::ActivityTaskStarted];
const ACTIVITY_CANCEL_REQUESTED: &[EventType] = &[EventType::ActivityTaskCancelRequested];
const TIMER_STARTED: &[EventType] = &[EventType::TimerStarted];
const CHILD_INITIATED: &[EventType] = &[EventType::StartChildWorkflowExecutionInitiated];
const CHILD_STARTED: &[EventType] = &[EventType::ChildWorkflowExecutionStarted];
const SIGNAL_EXTERNAL_INITIATED: &[EventType] =
    &[EventType::SignalExternalWorkflowExecutionInitiated];
const CANCEL_EXTERNAL_INITIATED: &[EventType] =
    &[EventType::RequestCancelExternalWorkflowExecutionInitiated];
const UPDATE_ACCEPTED: &[EventType] = &[EventType::WorkflowExecutionUpdateAccepted];
const NEXUS_SCHEDULED: &[EventType] = &[EventType::NexusOperationScheduled];

/// The references an event's attributes hold. Fields that older servers left at zero are
/// `optional` (for example `workflowTaskCompletedEventId` on events from a command).
fn references(attributes: &Attributes) -> Vec<Reference> {
    use Attributes as A;
    match attributes {
        A::WorkflowTaskStartedEventAttributes(a) => vec![reference(
            "scheduledEventId",
            a.scheduled_event_id,
            WT_SCHEDULED,
        )],
        A::WorkflowTaskCompletedEventAttributes(a) => vec![
            reference("scheduledEventId", a.scheduled_event_id, WT_SCHEDULED),
            optional("startedEventId", a.started_event_id, WT_STARTED),
        ],
        A::WorkflowTaskFailedEventAttributes(a) => vec![
            reference("scheduledEventId", a.scheduled_event_id, WT_SCHEDULED),
            optional("startedEventId", a.started_event_id, WT_STARTED),
        ],
        A::WorkflowTaskTimedOutEventAttributes(a) => vec![
            reference("scheduledEventId", a.scheduled_event_id, WT_SCHEDULED),
            optional("startedEventId", a.started_event_id, WT_STARTED),
        ],
        A::WorkflowExecutionCompletedEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::WorkflowExecutionFailedEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::WorkflowExecutionCanceledEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::WorkflowExecutionContinuedAsNewEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::ActivityTaskScheduledEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::ActivityTaskStartedEventAttributes(a) => {
            vec![reference(
                "scheduledEventId",
                a.scheduled_event_id,
                ACTIVITY_SCHEDULED,
            )]
        }
        A::ActivityTaskCompletedEventAttributes(a) => vec![
            reference("scheduledEventId", a.scheduled_event_id, ACTIVITY_SCHEDULED),
            reference("startedEventId", a.started_event_id, ACTIVITY_STARTED),
        ],
        A::ActivityTaskFailedEventAttributes(a) => vec![
            reference("scheduledEventId", a.scheduled_event_id, ACTIVITY_SCHEDULED),
            reference("startedEventId", a.started_event_id, ACTIVITY_STARTED),
        ],
        A::ActivityTaskTimedOutEventAttributes(a) => vec![
            reference("scheduledEventId", a.scheduled_event_id, ACTIVITY_SCHEDULED),
            optional("startedEventId", a.started_event_id, ACTIVITY_STARTED),
        ],
        A::ActivityTaskCancelRequestedEventAttributes(a) => vec![
            reference("scheduledEventId", a.scheduled_event_id, ACTIVITY_SCHEDULED),
            optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            ),
        ],
        A::ActivityTaskCanceledEventAttributes(a) => vec![
            reference("scheduledEventId", a.scheduled_event_id, ACTIVITY_SCHEDULED),
            optional("startedEventId", a.started_event_id, ACTIVITY_STARTED),
            optional(
                "latestCancelRequestedEventId",
                a.latest_cancel_requested_event_id,
                ACTIVITY_CANCEL_REQUESTED,
            ),
        ],
        A::TimerStartedEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::TimerFiredEventAttributes(a) => vec![reference(
            "startedEventId",
            a.started_event_id,
            TIMER_STARTED,
        )],
        A::TimerCanceledEventAttributes(a) => vec![
            reference("startedEventId", a.started_event_id, TIMER_STARTED),
            optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            ),
        ],
        A::MarkerRecordedEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::UpsertWorkflowSearchAttributesEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::WorkflowPropertiesModifiedEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::StartChildWorkflowExecutionInitiatedEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::StartChildWorkflowExecutionFailedEventAttributes(a) => vec![
            reference("initiatedEventId", a.initiated_event_id, CHILD_INITIATED),
            optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            ),
        ],
        A::ChildWorkflowExecutionStartedEventAttributes(a) => {
            vec![reference(
                "initiatedEventId",
                a.initiated_event_id,
                CHILD_INITIATED,
            )]
        }
        A::ChildWorkflowExecutionCompletedEventAttributes(a) => vec![
            reference("initiatedEventId", a.initiated_event_id, CHILD_INITIATED),
            reference("startedEventId", a.started_event_id, CHILD_STARTED),
        ],
        A::ChildWorkflowExecutionFailedEventAttributes(a) => vec![
            reference("initiatedEventId", a.initiated_event_id, CHILD_INITIATED),
            reference("startedEventId", a.started_event_id, CHILD_STARTED),
        ],
        A::ChildWorkflowExecutionCanceledEventAttributes(a) => vec![
            reference("initiatedEventId", a.initiated_event_id, CHILD_INITIATED),
            reference("startedEventId", a.started_event_id, CHILD_STARTED),
        ],
        A::ChildWorkflowExecutionTimedOutEventAttributes(a) => vec![
            reference("initiatedEventId", a.initiated_event_id, CHILD_INITIATED),
            reference("startedEventId", a.started_event_id, CHILD_STARTED),
        ],
        A::ChildWorkflowExecutionTerminatedEventAttributes(a) => vec![
            reference("initiatedEventId", a.initiated_event_id, CHILD_INITIATED),
            reference("startedEventId", a.started_event_id, CHILD_STARTED),
        ],
        A::SignalExternalWorkflowExecutionInitiatedEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::SignalExternalWorkflowExecutionFailedEventAttributes(a) => vec![
            reference(
                "initiatedEventId",
                a.initiated_event_id,
                SIGNAL_EXTERNAL_INITIATED,
            ),
            optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            ),
        ],
        A::ExternalWorkflowExecutionSignaledEventAttributes(a) => {
            vec![reference(
                "initiatedEventId",
                a.initiated_event_id,
                SIGNAL_EXTERNAL_INITIATED,
            )]
        }
        A::RequestCancelExternalWorkflowExecutionInitiatedEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::RequestCancelExternalWorkflowExecutionFailedEventAttributes(a) => vec![
            reference(
                "initiatedEventId",
                a.initiated_event_id,
                CANCEL_EXTERNAL_INITIATED,
            ),
            optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            ),
        ],
        A::ExternalWorkflowExecutionCancelRequestedEventAttributes(a) => {
            vec![reference(
                "initiatedEventId",
                a.initiated_event_id,
                CANCEL_EXTERNAL_INITIATED,
            )]
        }
        A::WorkflowExecutionUpdateCompletedEventAttributes(a) => {
            vec![optional(
                "acceptedEventId",
                a.accepted_event_id,
                UPDATE_ACCEPTED,
            )]
        }
        A::NexusOperationScheduledEventAttributes(a) => {
            vec![optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            )]
        }
        A::NexusOperationStartedEventAttributes(a) => {
            vec![reference(
                "scheduledEventId",
                a.scheduled_event_id,
                NEXUS_SCHEDULED,
            )]
        }
        A::NexusOperationCompletedEventAttributes(a) => {
            vec![reference(
                "scheduledEventId",
                a.scheduled_event_id,
                NEXUS_SCHEDULED,
            )]
        }
        A::NexusOperationFailedEventAttributes(a) => {
            vec![reference(
                "scheduledEventId",
                a.scheduled_event_id,
                NEXUS_SCHEDULED,
            )]
        }
        A::NexusOperationCanceledEventAttributes(a) => {
            vec![reference(
                "scheduledEventId",
                a.scheduled_event_id,
                NEXUS_SCHEDULED,
            )]
        }
        A::NexusOperationTimedOutEventAttributes(a) => {
            vec![reference(
                "scheduledEventId",
                a.scheduled_event_id,
                NEXUS_SCHEDULED,
            )]
        }
        A::NexusOperationCancelRequestedEventAttributes(a) => vec![
            reference("scheduledEventId", a.scheduled_event_id, NEXUS_SCHEDULED),
            optional(
                "workflowTaskCompletedEventId",
                a.workflow_task_completed_event_id,
                WT_COMPLETED,
            ),
        ],
        _ => Vec::new(),
    }
}
