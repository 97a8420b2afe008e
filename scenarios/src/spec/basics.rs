//! The first scenarios: one activity, a failing workflow, activity retries, timers, signals
//! and a saga.

use serde_json::json;
use temporalio_protos::temporal::api::enums::v1::EventType;

use super::{EXECUTION_TIMEOUT_MS, ScenarioSpec, activities, count};
use crate::{
    activities::FLIGHT_UNAVAILABLE_TYPE,
    checks::HistoryCheck,
    outcome::{FailureKind, FailureSummary, Outcome},
    spec::DriverStep,
    workflows::{activity_retry, failing, hello, saga, signals, timers},
};

pub(super) fn hello_spec() -> ScenarioSpec {
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
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

pub(super) fn failing_spec() -> ScenarioSpec {
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
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

pub(super) fn activity_retry_spec() -> ScenarioSpec {
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
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

pub(super) fn timers_spec() -> ScenarioSpec {
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
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

pub(super) fn signals_spec() -> ScenarioSpec {
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
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

pub(super) fn saga_spec() -> ScenarioSpec {
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
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}
