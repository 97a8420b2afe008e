//! Structural expectations on a scenario's history, checked the same way against any server.

use std::collections::BTreeMap;

use temporalio_protos::temporal::api::{
    enums::v1::EventType,
    history::v1::{History, history_event::Attributes},
};

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
                            Some(
                                crate::outcome::decode_payloads(a.input.as_ref())
                                    .unwrap_or_else(|e| serde_json::Value::String(e.to_string())),
                            )
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

/// Scheduled event id → activity type, in event order.
fn scheduled_activity_types(history: &History) -> BTreeMap<i64, String> {
    history
        .events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => Some((
                e.event_id,
                a.activity_type
                    .as_ref()
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
            )),
            _ => None,
        })
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

#[cfg(test)]
mod tests {
    use temporalio_protos::temporal::api::{
        common::v1::ActivityType,
        history::v1::{
            ActivityTaskScheduledEventAttributes, ActivityTaskStartedEventAttributes, HistoryEvent,
        },
    };

    use super::*;

    fn history() -> History {
        let scheduled = |id, name: &str| HistoryEvent {
            event_id: id,
            event_type: EventType::ActivityTaskScheduled as i32,
            attributes: Some(Attributes::ActivityTaskScheduledEventAttributes(
                ActivityTaskScheduledEventAttributes {
                    activity_type: Some(ActivityType {
                        name: name.to_owned(),
                    }),
                    ..Default::default()
                },
            )),
            ..Default::default()
        };
        let started = |id, scheduled_event_id, attempt| HistoryEvent {
            event_id: id,
            event_type: EventType::ActivityTaskStarted as i32,
            attributes: Some(Attributes::ActivityTaskStartedEventAttributes(
                ActivityTaskStartedEventAttributes {
                    scheduled_event_id,
                    attempt,
                    ..Default::default()
                },
            )),
            ..Default::default()
        };
        History {
            events: vec![
                scheduled(5, "book_car"),
                started(6, 5, 1),
                scheduled(7, "flaky"),
                started(8, 7, 3),
            ],
        }
    }

    #[test]
    fn passing_checks_pass() {
        let checks = [
            HistoryCheck::EventCount {
                event_type: EventType::ActivityTaskStarted,
                count: 2,
            },
            HistoryCheck::ActivityStartedOnAttempt {
                activity_type: "flaky".to_owned(),
                attempt: 3,
            },
            HistoryCheck::ActivitiesScheduled(vec!["book_car".to_owned(), "flaky".to_owned()]),
        ];
        assert_eq!(verify_all(&history(), &checks), []);
    }

    #[test]
    fn failing_checks_say_what_was_found() {
        let failures = verify_all(
            &history(),
            &[
                HistoryCheck::EventCount {
                    event_type: EventType::TimerFired,
                    count: 1,
                },
                HistoryCheck::ActivityStartedOnAttempt {
                    activity_type: "book_car".to_owned(),
                    attempt: 2,
                },
                HistoryCheck::ActivityStartedOnAttempt {
                    activity_type: "missing".to_owned(),
                    attempt: 1,
                },
                HistoryCheck::ActivitiesScheduled(vec!["flaky".to_owned()]),
            ],
        );
        let found: Vec<&str> = failures.iter().map(|f| f.found.as_str()).collect();
        assert_eq!(
            found,
            [
                "0",
                "attempts [1]",
                "attempts []",
                r#"["book_car", "flaky"]"#
            ]
        );
    }
}
