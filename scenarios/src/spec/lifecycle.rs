//! Scenarios about a workflow's life rather than its activities: continue-as-new, queries,
//! child workflows and patches.

use serde_json::json;
use temporalio_protos::{
    VERSION_SEARCH_ATTR_KEY, constants::PATCH_MARKER_NAME, temporal::api::enums::v1::EventType,
};

use super::{DriverStep, EXECUTION_TIMEOUT_MS, ScenarioSpec, count, strings};
use crate::{
    checks::HistoryCheck,
    outcome::Outcome,
    workflows::{child_workflow, continue_as_new, hello, patched, query},
};

pub(super) fn continue_as_new_spec() -> ScenarioSpec {
    let times = 2;
    let input = |run: u32| json!({ "continue_as_new_times": times, "run": run });
    ScenarioSpec {
        name: "continue_as_new".to_owned(),
        workflow_type: continue_as_new::WORKFLOW_TYPE.to_owned(),
        input: input(0),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!(continue_as_new::completion_message(times)),
        },
        checks: vec![
            HistoryCheck::StartedByContinueAsNew,
            HistoryCheck::NoFirstWorkflowTaskBackoff,
            count(EventType::WorkflowExecutionContinuedAsNew, 0),
            count(EventType::WorkflowExecutionCompleted, 1),
        ],
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: (1..=times)
            .map(|next_run| {
                let mut checks = vec![
                    HistoryCheck::ContinuedAsNewWithInput(input(next_run)),
                    count(EventType::WorkflowExecutionContinuedAsNew, 1),
                    count(EventType::TimerFired, 1),
                ];
                if next_run > 1 {
                    checks.push(HistoryCheck::StartedByContinueAsNew);
                    checks.push(HistoryCheck::NoFirstWorkflowTaskBackoff);
                }
                checks
            })
            .collect(),
    }
}

pub(super) fn query_spec() -> ScenarioSpec {
    let request = "vacation";
    let approver = "manager";
    ScenarioSpec {
        name: "query".to_owned(),
        workflow_type: query::WORKFLOW_TYPE.to_owned(),
        input: json!(request),
        steps: vec![
            DriverStep::Query {
                name: query::QUERY_NAME.to_owned(),
                expected: json!({ "approved_by": null, "request": request }),
            },
            DriverStep::Signal {
                name: query::SIGNAL_NAME.to_owned(),
                payload: json!(approver),
            },
        ],
        expected: Outcome::Completed {
            result: json!(format!("{request} approved by {approver}")),
        },
        checks: vec![
            count(EventType::WorkflowExecutionSignaled, 1),
            HistoryCheck::SignalPayloads {
                signal: query::SIGNAL_NAME.to_owned(),
                payloads: vec![json!(approver)],
            },
            count(EventType::WorkflowExecutionCompleted, 1),
        ],
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

pub(super) fn child_workflow_spec() -> ScenarioSpec {
    ScenarioSpec {
        name: "child_workflow".to_owned(),
        workflow_type: child_workflow::WORKFLOW_TYPE.to_owned(),
        input: json!("child"),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!("Hello, child!"),
        },
        checks: vec![
            HistoryCheck::ChildWorkflowsStarted(strings(&[hello::WORKFLOW_TYPE])),
            count(EventType::ChildWorkflowExecutionStarted, 1),
            count(EventType::ChildWorkflowExecutionCompleted, 1),
            count(EventType::ActivityTaskScheduled, 0),
        ],
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

pub(super) fn patched_spec() -> ScenarioSpec {
    ScenarioSpec {
        name: "patched".to_owned(),
        workflow_type: patched::WORKFLOW_TYPE.to_owned(),
        input: json!("wfkit"),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!("patched: wfkit"),
        },
        checks: vec![
            HistoryCheck::MarkersRecorded(strings(&[PATCH_MARKER_NAME])),
            HistoryCheck::PatchesRecorded(strings(&[patched::PATCH_ID])),
            HistoryCheck::SearchAttributesUpserted(strings(&[VERSION_SEARCH_ATTR_KEY])),
        ],
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}
