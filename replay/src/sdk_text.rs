//! The one place that reads SDK *text*. Verdicts come from structured data first: a workflow
//! task failure's `cause` (`NON_DETERMINISTIC_ERROR`), the commands a worker sends, the recorded
//! events. Some facts exist only in the SDK's words: which recorded event sdk-core stopped at,
//! and whether a plain failure was an unregistered type or a deadlock. This parser reads those,
//! and its tests pin the messages of each SDK version wfkit supports (sdk-core 0.10, as in the
//! Rust SDK 1.1 and the Python SDK 1.35; the TypeScript and .NET SDKs share the same core).

use crate::compare::{Step, event_step};
use crate::verdict::{Divergence, Hint, hint};

/// sdk-core's nondeterminism code, for SDK versions that fail a task with the right message
/// but without the `NON_DETERMINISTIC_ERROR` cause (some paths of the metadata query answer).
const CORE_NONDETERMINISM_CODE: &str = "[TMPRL1100]";

/// True when the message is sdk-core's nondeterminism error.
pub(crate) fn names_nondeterminism(message: &str) -> bool {
    message.contains(CORE_NONDETERMINISM_CODE)
}

/// What a plain (not nondeterministic) workflow task failure was, by its wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlainFailure {
    /// The replay worker does not have the workflow type.
    UnregisteredType,
    /// The SDK's deadlock detector fired.
    Deadlock,
    /// The workflow code panicked or raised.
    Panic,
}

impl PlainFailure {
    /// Reads the failure message of a failed workflow task.
    pub(crate) fn of(message: &str) -> PlainFailure {
        let lower = message.to_ascii_lowercase();
        if lower.contains("not found") || lower.contains("not registered") {
            PlainFailure::UnregisteredType
        } else if lower.contains("deadlock") {
            PlainFailure::Deadlock
        } else {
            PlainFailure::Panic
        }
    }
}

/// True when a query failure says the worker does not know the query (an SDK without the
/// built-in metadata query).
pub(crate) fn unknown_query(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("not found") || lower.contains("unknown")
}

/// Reads what sdk-core's nondeterminism message says: the event (`HistoryEvent(id: N, Type)`),
/// or for messages that only quote names (`Activity type of scheduled event 'A' does not match
/// activity type of activity command 'B'`) the recorded event with that name; and a hint from
/// the wording.
pub(crate) fn from_sdk_message(
    message: &str,
    history: &temporalio_protos::temporal::api::history::v1::History,
) -> (Divergence, Hint) {
    let (mut divergence, mut hint) = read_sdk_message(message);
    // An accepted update the code no longer accepts: its handler is gone or renamed.
    if divergence.event_type.as_deref() == Some("WorkflowExecutionUpdateAccepted") {
        let name = history
            .events
            .iter()
            .find(|event| Some(event.event_id) == divergence.event_id)
            .and_then(|event| match &event.attributes {
                Some(temporalio_protos::temporal::api::history::v1::history_event::Attributes::WorkflowExecutionUpdateAcceptedEventAttributes(accepted)) => accepted
                    .accepted_request
                    .as_ref()
                    .and_then(|request| request.input.as_ref())
                    .map(|input| input.name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| "an update".to_string());
        divergence.expected = Some(format!("update {name} accepted"));
        hint = crate::verdict::hint(
            "update-handler-removed",
            format!(
                "the history accepted update {name}, which the code no longer handles: its handler was removed or renamed; keep a handler of that name for runs that received it"
            ),
        );
    }
    if divergence.event_id.is_none()
        && let [recorded, issued, ..] = quoted(message).as_slice()
        && message.contains("Activity type of scheduled event")
    {
        let found = history.events.iter().find(|e| {
            matches!(event_step(e), Some(Step::Activity { activity_type, .. }) if &activity_type == recorded)
        });
        if let Some(event) = found {
            divergence.event_id = Some(event.event_id);
            divergence.event_type = Some("ActivityTaskScheduled".to_string());
        }
        divergence.expected = Some(format!("activity {recorded}"));
        divergence.actual = Some(format!("activity {issued}"));
    }
    (divergence, hint)
}

/// The texts between single quotes, in order.
fn quoted(message: &str) -> Vec<String> {
    message
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn read_sdk_message(message: &str) -> (Divergence, Hint) {
    let event = message.find("HistoryEvent(id: ").and_then(|start| {
        let rest = &message[start + "HistoryEvent(id: ".len()..];
        let end = rest.find(')')?;
        let (id, kind) = rest[..end].split_once(", ")?;
        Some((id.trim().parse::<i64>().ok()?, kind.trim().to_string()))
    });
    let lower = message.to_ascii_lowercase();
    let hint = if lower.contains("activity type of scheduled event") {
        hint(
            "activity-type-changed",
            "an activity was inserted, replaced, renamed or reordered without a patch",
        )
    } else if lower.contains("activity id of scheduled event") {
        hint(
            "activity-order-changed",
            "activities were added, removed or reordered",
        )
    } else if lower.contains("patch marker") {
        hint(
            "patch-removed",
            "a {patched} call was removed while histories still carry its marker: use {deprecate_patch}",
        )
    } else if lower.contains("no command scheduled for event") {
        hint(
            "command-removed",
            "the history has a step the code no longer issues: a step was removed without a patch",
        )
    } else if lower.contains("does not handle this event") {
        hint(
            "command-changed",
            "the code issues a different command where the history recorded this event",
        )
    } else {
        hint(
            "sdk-only",
            "the SDK reports nondeterminism; its message says where",
        )
    };
    let divergence = Divergence {
        event_id: event.as_ref().map(|(id, _)| *id),
        event_type: event.map(|(_, kind)| kind),
        sdk_message: Some(message.to_string()),
        ..Divergence::default()
    };
    (divergence, hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use temporalio_protos::temporal::api::history::v1::History;

    // Rendered from sdk-core 0.10's format strings (`[TMPRL1100] Nondeterminism error: {0}`,
    // `HistoryEvent(id: {}, {:?})`), as the Rust SDK 1.1 and the Python SDK 1.35 send them.
    const NO_COMMAND: &str = "[TMPRL1100] Nondeterminism error: No command scheduled for event HistoryEvent(id: 16, ActivityTaskScheduled)";
    const ACTIVITY_TYPE: &str = "[TMPRL1100] Nondeterminism error: Activity type of scheduled event 'charge' does not match activity type of activity command 'check_fraud'";
    const ACTIVITY_ID: &str = "[TMPRL1100] Nondeterminism error: Activity id of scheduled event '2' does not match activity id of activity command '3'";
    const PATCH: &str = "[TMPRL1100] Nondeterminism error: Non-deprecated patch marker encountered for change add-fraud-check, but there is no corresponding change command!";
    const MACHINE: &str = "[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 9, TimerFired)";
    /// A Python worker replaying a history whose accepted update has no handler any more.
    const UPDATE_GONE: &str = "[TMPRL1100] Nondeterminism error: No command scheduled for event HistoryEvent(id: 13, WorkflowExecutionUpdateAccepted)";

    #[test]
    fn core_messages_name_the_event_and_the_hint() {
        let history = History::default();
        let cases = [
            (NO_COMMAND, Some(16), "command-removed"),
            (ACTIVITY_TYPE, None, "activity-type-changed"),
            (ACTIVITY_ID, None, "activity-order-changed"),
            (PATCH, None, "patch-removed"),
            (MACHINE, Some(9), "command-changed"),
        ];
        for (message, event_id, code) in cases {
            assert!(names_nondeterminism(message), "{message}");
            let (divergence, hint) = from_sdk_message(message, &history);
            assert_eq!(divergence.event_id, event_id, "{message}");
            assert_eq!(hint.code, code, "{message}");
        }
        let (divergence, hint) = from_sdk_message(UPDATE_GONE, &history);
        assert_eq!(divergence.event_id, Some(13));
        assert_eq!(hint.code, "update-handler-removed");
        let (divergence, _) = from_sdk_message(ACTIVITY_TYPE, &history);
        assert_eq!(divergence.expected.as_deref(), Some("activity charge"));
        assert_eq!(divergence.actual.as_deref(), Some("activity check_fraud"));
    }

    #[test]
    fn plain_failures_by_sdk_wording() {
        // sdk-core (Rust SDK): an unregistered type; Python: its own wording; deadlocks.
        assert_eq!(
            PlainFailure::of("Workflow type VersionedBooking not found"),
            PlainFailure::UnregisteredType
        );
        assert_eq!(
            PlainFailure::of(
                "Workflow class py_versioned_booking is not registered on this worker"
            ),
            PlainFailure::UnregisteredType
        );
        assert_eq!(
            PlainFailure::of("[TMPRL1101] Potential deadlock detected"),
            PlainFailure::Deadlock
        );
        assert_eq!(PlainFailure::of("panicked at 'boom'"), PlainFailure::Panic);
        assert!(!names_nondeterminism("panicked at 'boom'"));
    }
}
