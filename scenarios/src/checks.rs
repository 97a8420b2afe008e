//! Structural expectations on a scenario's history, checked the same way against any server.

mod read;
#[cfg(test)]
mod tests;

use temporalio_protos::{
    PATCHED_MARKER_DETAILS_KEY,
    constants::{LOCAL_ACTIVITY_MARKER_NAME, PATCH_MARKER_NAME},
    temporal::api::{
        enums::v1::{ContinueAsNewInitiator, EventType, RetryState, TimeoutType},
        failure::v1::failure::FailureInfo,
        history::v1::{History, history_event::Attributes},
    },
};

use read::{
    decoded, event_type_name, marker_data, markers, scheduled_activity_types, started_attributes,
    string_field,
};

/// Key of the local activity marker's details that holds its metadata (activity type, attempt).
const LOCAL_ACTIVITY_MARKER_DATA_KEY: &str = "data";

/// One property a scenario's history must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryCheck {
    /// Exactly `count` events of `event_type`.
    EventCount {
        /// The event type.
        event_type: EventType,
        /// How many.
        count: usize,
    },
    /// The `ActivityTaskStarted` of every `activity_type` activity reports `attempt`.
    ActivityStartedOnAttempt {
        /// The activity type name.
        activity_type: String,
        /// The attempt number the server recorded (1-based).
        attempt: i32,
    },
    /// The activity types of `ActivityTaskScheduled` events, in history order, are exactly these.
    ActivitiesScheduled(Vec<String>),
    /// The payloads of `WorkflowExecutionSignaled` events named `signal`, in order, decode to
    /// exactly these JSON values.
    SignalPayloads {
        /// The signal name.
        signal: String,
        /// The decoded payloads, one per signal.
        payloads: Vec<serde_json::Value>,
    },
    /// The run was started by continue-as-new: `WorkflowExecutionStarted` has initiator
    /// `CONTINUE_AS_NEW_INITIATOR_WORKFLOW` and names the run it continues.
    StartedByContinueAsNew,
    /// `WorkflowExecutionStarted` has no `first_workflow_task_backoff`: the first workflow task
    /// was scheduled at once.
    NoFirstWorkflowTaskBackoff,
    /// The run ended with `WorkflowExecutionContinuedAsNew`, passing this input (decoded as
    /// JSON) to the next run.
    ContinuedAsNewWithInput(serde_json::Value),
    /// Every `ActivityTaskTimedOut` of `activity_type` (at least one) carries a timeout failure
    /// of `timeout_type` and `retry_state`.
    ActivityTimedOut {
        /// The activity type name.
        activity_type: String,
        /// The timeout that ended the last attempt.
        timeout_type: TimeoutType,
        /// Why the server stopped retrying.
        retry_state: RetryState,
    },
    /// The names of `MarkerRecorded` events, in history order, are exactly these.
    MarkersRecorded(Vec<String>),
    /// The activity types of local activity markers (`core_local_activity`), in order, are
    /// exactly these.
    LocalActivitiesRecorded(Vec<String>),
    /// The patch ids of patch markers (`core_patch`), in order, are exactly these.
    PatchesRecorded(Vec<String>),
    /// The search attribute keys upserted by `UpsertWorkflowSearchAttributes` events, in
    /// history order (keys of one event sorted), are exactly these.
    SearchAttributesUpserted(Vec<String>),
    /// The workflow types of `StartChildWorkflowExecutionInitiated` events, in order, are
    /// exactly these.
    ChildWorkflowsStarted(Vec<String>),
}

/// A history did not satisfy a [`HistoryCheck`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("history check failed: expected {expected}, found {found}")]
pub struct CheckFailure {
    /// What the check wanted.
    pub expected: String,
    /// What the history had.
    pub found: String,
}

impl HistoryCheck {
    /// Checks `history`.
    pub fn verify(&self, history: &History) -> Result<(), CheckFailure> {
        match self {
            Self::EventCount { event_type, count } => {
                let found = history
                    .events
                    .iter()
                    .filter(|e| e.event_type == *event_type as i32)
                    .count();
                ensure(found == *count, || {
                    (
                        format!("{count} × {}", event_type.as_str_name()),
                        found.to_string(),
                    )
                })
            }
            Self::ActivityStartedOnAttempt {
                activity_type,
                attempt,
            } => {
                let types = scheduled_activity_types(history);
                let attempts: Vec<i32> = history
                    .events
                    .iter()
                    .filter_map(|e| match &e.attributes {
                        Some(Attributes::ActivityTaskStartedEventAttributes(a))
                            if types.get(&a.scheduled_event_id) == Some(activity_type) =>
                        {
                            Some(a.attempt)
                        }
                        _ => None,
                    })
                    .collect();
                ensure(
                    !attempts.is_empty() && attempts.iter().all(|a| a == attempt),
                    || {
                        (
                            format!("{activity_type} started on attempt {attempt}"),
                            format!("attempts {attempts:?}"),
                        )
                    },
                )
            }
            Self::ActivitiesScheduled(expected) => {
                let found: Vec<String> = scheduled_activity_types(history).into_values().collect();
                ensure(&found == expected, || {
                    (
                        format!("activities scheduled {expected:?}"),
                        format!("{found:?}"),
                    )
                })
            }
            Self::SignalPayloads { signal, payloads } => {
                let found: Vec<serde_json::Value> = history
                    .events
                    .iter()
                    .filter_map(|e| match &e.attributes {
                        Some(Attributes::WorkflowExecutionSignaledEventAttributes(a))
                            if &a.signal_name == signal =>
                        {
                            Some(decoded(a.input.as_ref()))
                        }
                        _ => None,
                    })
                    .collect();
                ensure(&found == payloads, || {
                    (
                        format!("signals {signal:?} with payloads {payloads:?}"),
                        format!("{found:?}"),
                    )
                })
            }
            Self::StartedByContinueAsNew => {
                let found = started_attributes(history)
                    .map(|a| (a.initiator(), !a.continued_execution_run_id.is_empty()));
                ensure(
                    found == Some((ContinueAsNewInitiator::Workflow, true)),
                    || {
                        (
                            "WorkflowExecutionStarted with initiator \
                             CONTINUE_AS_NEW_INITIATOR_WORKFLOW and a continued run id"
                                .to_owned(),
                            match found {
                                Some((initiator, has_run)) => format!(
                                    "initiator {}, continued run id {}",
                                    initiator.as_str_name(),
                                    if has_run { "set" } else { "empty" }
                                ),
                                None => "no WorkflowExecutionStarted first".to_owned(),
                            },
                        )
                    },
                )
            }
            Self::NoFirstWorkflowTaskBackoff => {
                let backoff = started_attributes(history)
                    .and_then(|a| a.first_workflow_task_backoff.as_ref())
                    .filter(|d| d.seconds != 0 || d.nanos != 0);
                ensure(backoff.is_none(), || {
                    (
                        "no firstWorkflowTaskBackoff".to_owned(),
                        format!("{backoff:?}"),
                    )
                })
            }
            Self::ContinuedAsNewWithInput(expected) => {
                let found = match history.events.last().map(|e| &e.attributes) {
                    Some(Some(Attributes::WorkflowExecutionContinuedAsNewEventAttributes(a))) => {
                        Some(decoded(a.input.as_ref()))
                    }
                    _ => None,
                };
                ensure(found.as_ref() == Some(expected), || {
                    (
                        format!("WorkflowExecutionContinuedAsNew last, with input {expected}"),
                        match (&found, history.events.last()) {
                            (Some(input), _) => format!("input {input}"),
                            (None, Some(last)) => format!("last event {}", event_type_name(last)),
                            (None, None) => "no events".to_owned(),
                        },
                    )
                })
            }
            Self::ActivityTimedOut {
                activity_type,
                timeout_type,
                retry_state,
            } => {
                let types = scheduled_activity_types(history);
                let found: Vec<(String, String)> = history
                    .events
                    .iter()
                    .filter_map(|e| match &e.attributes {
                        Some(Attributes::ActivityTaskTimedOutEventAttributes(a))
                            if types.get(&a.scheduled_event_id) == Some(activity_type) =>
                        {
                            let timeout =
                                match a.failure.as_ref().and_then(|f| f.failure_info.as_ref()) {
                                    Some(FailureInfo::TimeoutFailureInfo(t)) => {
                                        t.timeout_type().as_str_name().to_owned()
                                    }
                                    _ => "no timeout failure".to_owned(),
                                };
                            Some((timeout, a.retry_state().as_str_name().to_owned()))
                        }
                        _ => None,
                    })
                    .collect();
                let wanted = (
                    timeout_type.as_str_name().to_owned(),
                    retry_state.as_str_name().to_owned(),
                );
                ensure(
                    !found.is_empty() && found.iter().all(|f| *f == wanted),
                    || {
                        (
                            format!(
                                "{activity_type} timed out with {} and {}",
                                wanted.0, wanted.1
                            ),
                            format!("timeouts {found:?}"),
                        )
                    },
                )
            }
            Self::MarkersRecorded(expected) => {
                let found: Vec<String> =
                    markers(history).map(|(name, _)| name.to_owned()).collect();
                ensure(&found == expected, || {
                    (format!("markers {expected:?}"), format!("{found:?}"))
                })
            }
            Self::LocalActivitiesRecorded(expected) => {
                let found: Vec<String> = marker_data(
                    history,
                    LOCAL_ACTIVITY_MARKER_NAME,
                    LOCAL_ACTIVITY_MARKER_DATA_KEY,
                )
                .map(|data| string_field(&data, "activity_type"))
                .collect();
                ensure(&found == expected, || {
                    (
                        format!("local activities {expected:?}"),
                        format!("{found:?}"),
                    )
                })
            }
            Self::PatchesRecorded(expected) => {
                let found: Vec<String> =
                    marker_data(history, PATCH_MARKER_NAME, PATCHED_MARKER_DETAILS_KEY)
                        .map(|data| string_field(&data, "id"))
                        .collect();
                ensure(&found == expected, || {
                    (format!("patches {expected:?}"), format!("{found:?}"))
                })
            }
            Self::SearchAttributesUpserted(expected) => {
                let found: Vec<String> = history
                    .events
                    .iter()
                    .filter_map(|e| match &e.attributes {
                        Some(Attributes::UpsertWorkflowSearchAttributesEventAttributes(a)) => {
                            let mut keys: Vec<String> = a
                                .search_attributes
                                .iter()
                                .flat_map(|sa| sa.indexed_fields.keys().cloned())
                                .collect();
                            keys.sort();
                            Some(keys)
                        }
                        _ => None,
                    })
                    .flatten()
                    .collect();
                ensure(&found == expected, || {
                    (
                        format!("search attributes upserted {expected:?}"),
                        format!("{found:?}"),
                    )
                })
            }
            Self::ChildWorkflowsStarted(expected) => {
                let found: Vec<String> = history
                    .events
                    .iter()
                    .filter_map(|e| match &e.attributes {
                        Some(Attributes::StartChildWorkflowExecutionInitiatedEventAttributes(
                            a,
                        )) => Some(
                            a.workflow_type
                                .as_ref()
                                .map(|t| t.name.clone())
                                .unwrap_or_default(),
                        ),
                        _ => None,
                    })
                    .collect();
                ensure(&found == expected, || {
                    (
                        format!("child workflows started {expected:?}"),
                        format!("{found:?}"),
                    )
                })
            }
        }
    }
}

/// Checks every check; returns all failures (empty when the history passes).
#[must_use]
pub fn verify_all(history: &History, checks: &[HistoryCheck]) -> Vec<CheckFailure> {
    checks
        .iter()
        .filter_map(|c| c.verify(history).err())
        .collect()
}

fn ensure(ok: bool, describe: impl FnOnce() -> (String, String)) -> Result<(), CheckFailure> {
    if ok {
        Ok(())
    } else {
        let (expected, found) = describe();
        Err(CheckFailure { expected, found })
    }
}
