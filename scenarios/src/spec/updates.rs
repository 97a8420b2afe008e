//! Workflow Updates: a validator that rejects, a handler that waits on a timer, a handler that
//! fails, and an update that lets the run complete.

use serde_json::{Value, json};
use temporalio_protos::temporal::api::enums::v1::EventType;

use super::{DriverStep, EXECUTION_TIMEOUT_MS, ScenarioSpec, UpdateOutcome, count};
use crate::{
    outcome::{FailureKind, FailureSummary, Outcome},
    workflows::updates,
};

pub(super) fn updates_spec() -> ScenarioSpec {
    let label = "wfkit";
    let reason = "failed on purpose";
    let update = |name: &str, payload: Option<Value>, expected: UpdateOutcome| DriverStep::Update {
        name: name.to_owned(),
        payload,
        expected,
    };
    let completed = |result: Value| UpdateOutcome::Completed { result };
    // Validators' and handlers' errors reach the client as untyped, retryable application
    // failures (see the workflow's module documentation).
    let failed = |message: &str| UpdateOutcome::Failed {
        failure: FailureSummary {
            message: message.to_owned(),
            kind: FailureKind::Application,
            application_type: None,
            non_retryable: false,
            cause: None,
        },
    };
    // Accepted: every update but the rejected one.
    let accepted = 4;
    ScenarioSpec {
        name: "updates".to_owned(),
        workflow_type: updates::WORKFLOW_TYPE.to_owned(),
        input: json!(label),
        steps: vec![
            update(updates::ADD_ITEM, Some(json!("first")), completed(json!(1))),
            // Rejected by the validator: no event reaches the history.
            update(
                updates::ADD_ITEM,
                Some(json!("")),
                failed(updates::EMPTY_ITEM_MESSAGE),
            ),
            update(
                updates::ADD_ITEM_LATER,
                Some(json!("second")),
                completed(json!(2)),
            ),
            update(updates::FAIL_UPDATE, Some(json!(reason)), failed(reason)),
            update(
                updates::FINISH,
                None,
                completed(json!(format!("{label}: finishing with 2 items"))),
            ),
        ],
        expected: Outcome::Completed {
            result: json!(["first", "second"]),
        },
        checks: vec![
            count(EventType::WorkflowExecutionUpdateAccepted, accepted),
            count(EventType::WorkflowExecutionUpdateCompleted, accepted),
            count(EventType::WorkflowExecutionUpdateRejected, 0),
            count(EventType::TimerStarted, 1),
            count(EventType::TimerFired, 1),
            count(EventType::WorkflowTaskFailed, 0),
            count(EventType::WorkflowExecutionCompleted, 1),
        ],
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}
