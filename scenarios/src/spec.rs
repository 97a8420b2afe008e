//! The scenario registry: what to start, what to do while it runs, and what must come out.

use serde_json::{Value, json};
use temporalio_protos::temporal::api::enums::v1::EventType;

use crate::{
    activities::FLIGHT_UNAVAILABLE_TYPE,
    checks::HistoryCheck,
    outcome::{FailureKind, FailureSummary, Outcome},
    workflows::{activity_retry, failing, hello, saga, signals, timers},
};

/// Something the driver does to a running scenario workflow, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum DriverStep {
    /// Send signal `name` with `payload`. The driver first waits until the workflow has no
    /// workflow task outstanding, so each signal lands in its own workflow task and the history
    /// shape does not depend on timing.
    Signal {
        /// The signal name.
        name: String,
        /// The signal's single argument.
        payload: Value,
    },
}

/// One scenario: a workflow type, its input, how to drive it and what must come out.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioSpec {
    /// Short stable name (`hello`, `activity_retry`, …); also the fixture folder name.
    pub name: String,
    /// The workflow type to start.
    pub workflow_type: String,
    /// The single workflow argument, as JSON.
    pub input: Value,
    /// What the driver does after starting the workflow, in order.
    pub steps: Vec<DriverStep>,
    /// The outcome the run must have.
    pub expected: Outcome,
    /// Properties the history must have.
    pub checks: Vec<HistoryCheck>,
}

/// Names of the built-in scenarios, in the order [`all`] returns them.
pub const NAMES: [&str; 6] = [
    "hello",
    "failing",
    "activity_retry",
    "timers",
    "signals",
    "saga",
];

/// Every built-in scenario, in a fixed order.
#[must_use]
pub fn all() -> Vec<ScenarioSpec> {
    vec![
        hello_spec(),
        failing_spec(),
        activity_retry_spec(),
        timers_spec(),
        signals_spec(),
        saga_spec(),
    ]
}

/// The built-in scenario called `name`, if any.
#[must_use]
pub fn by_name(name: &str) -> Option<ScenarioSpec> {
    all().into_iter().find(|s| s.name == name)
}

fn count(event_type: EventType, count: usize) -> HistoryCheck {
    HistoryCheck::EventCount { event_type, count }
}

fn activities(names: &[&str]) -> HistoryCheck {
    HistoryCheck::ActivitiesScheduled(names.iter().map(|n| (*n).to_owned()).collect())
}

fn hello_spec() -> ScenarioSpec {
    ScenarioSpec {
        name: "hello".to_owned(),
        workflow_type: hello::WORKFLOW_TYPE.to_owned(),
        input: json!("wfkit"),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!("Hello, wfkit!"),
        },
        checks: vec![
            activities(&["greet"]),
            count(EventType::ActivityTaskCompleted, 1),
            count(EventType::WorkflowExecutionCompleted, 1),
        ],
    }
}

fn failing_spec() -> ScenarioSpec {
    let message = "failing on purpose";
    ScenarioSpec {
        name: "failing".to_owned(),
        workflow_type: failing::WORKFLOW_TYPE.to_owned(),
        input: json!(message),
        steps: Vec::new(),
        expected: Outcome::Failed {
            failure: FailureSummary::application(message, failing::FAILURE_TYPE, true),
        },
        checks: vec![
            count(EventType::ActivityTaskScheduled, 0),
            count(EventType::WorkflowExecutionFailed, 1),
        ],
    }
}

fn activity_retry_spec() -> ScenarioSpec {
    let attempt = 3;
    ScenarioSpec {
        name: "activity_retry".to_owned(),
        workflow_type: activity_retry::WORKFLOW_TYPE.to_owned(),
        input: json!(attempt),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!(format!("succeeded on attempt {attempt}")),
        },
        checks: vec![
            activities(&["flaky"]),
            HistoryCheck::ActivityStartedOnAttempt {
                activity_type: "flaky".to_owned(),
                attempt,
            },
            count(EventType::ActivityTaskStarted, 1),
            count(EventType::ActivityTaskCompleted, 1),
            count(EventType::ActivityTaskFailed, 0),
        ],
    }
}

fn timers_spec() -> ScenarioSpec {
    let input = json!({ "fired_timer_ms": 200, "cancelled_timer_ms": 1000 });
    ScenarioSpec {
        name: "timers".to_owned(),
        workflow_type: timers::WORKFLOW_TYPE.to_owned(),
        input: input.clone(),
        steps: Vec::new(),
        expected: Outcome::Completed { result: input },
        checks: vec![
            count(EventType::TimerStarted, 2),
            count(EventType::TimerFired, 1),
            count(EventType::TimerCanceled, 1),
        ],
    }
}

fn signals_spec() -> ScenarioSpec {
    let items = ["first", "second", "third"];
    ScenarioSpec {
        name: "signals".to_owned(),
        workflow_type: signals::WORKFLOW_TYPE.to_owned(),
        input: json!(items.len()),
        steps: items
            .iter()
            .map(|item| DriverStep::Signal {
                name: signals::SIGNAL_NAME.to_owned(),
                payload: json!(item),
            })
            .collect(),
        expected: Outcome::Completed {
            result: json!(items),
        },
        checks: vec![
            count(EventType::WorkflowExecutionSignaled, items.len()),
            HistoryCheck::SignalPayloads {
                signal: signals::SIGNAL_NAME.to_owned(),
                payloads: items.iter().map(|i| json!(i)).collect(),
            },
        ],
    }
}

fn saga_spec() -> ScenarioSpec {
    let trip_id = "trip-1";
    let flight_failure = FailureSummary::application(
        format!("no flight available for trip {trip_id}"),
        FLIGHT_UNAVAILABLE_TYPE,
        true,
    );
    ScenarioSpec {
        name: "saga".to_owned(),
        workflow_type: saga::WORKFLOW_TYPE.to_owned(),
        input: json!({ "trip_id": trip_id, "flight_unavailable": true }),
        steps: Vec::new(),
        expected: Outcome::Failed {
            failure: FailureSummary {
                message: "Activity task failed".to_owned(),
                kind: FailureKind::Activity,
                application_type: None,
                non_retryable: false,
                cause: Some(Box::new(flight_failure)),
            },
        },
        checks: vec![
            activities(&[
                "book_car",
                "book_hotel",
                "book_flight",
                "cancel_hotel",
                "cancel_car",
            ]),
            count(EventType::ActivityTaskFailed, 1),
            count(EventType::ActivityTaskCompleted, 4),
            count(EventType::WorkflowExecutionFailed, 1),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_registry_order() {
        let names: Vec<String> = all().into_iter().map(|s| s.name).collect();
        assert_eq!(names, NAMES);
    }

    #[test]
    fn by_name_finds_every_scenario_and_rejects_unknown() {
        for name in NAMES {
            assert!(by_name(name).is_some(), "{name}");
        }
        assert!(by_name("nope").is_none());
    }
}
