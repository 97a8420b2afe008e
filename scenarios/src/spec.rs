//! The scenario registry: what to start, what to do while it runs, and what must come out.
//!
//! Two lists: [`all`] runs in about a second of real time on any server, and is what the
//! fixture recorder, the real-server tests and the engine's conformance suite run;
//! [`time_skipping`] sleeps for days of workflow time and is only for servers that skip time
//! (wfkit's engine, the Java test server).

mod activities;
mod basics;
mod lifecycle;
mod time_skipping;
mod updates;

use serde_json::Value;
use temporalio_protos::temporal::api::enums::v1::EventType;

use crate::{
    checks::HistoryCheck,
    outcome::{FailureSummary, Outcome},
};

pub use time_skipping::{LONG_SLEEP_DAYS, LONG_SLEEP_MIN_VIRTUAL_SECS};

/// Workflow execution timeout of every scenario in [`all`], so abandoned
/// runs do not linger on a shared server. Each spec carries its own
/// ([`ScenarioSpec::execution_timeout_ms`]).
pub const EXECUTION_TIMEOUT_MS: u64 = 60_000;

/// Something the driver does to a running scenario workflow, in order. Before each step the
/// driver waits until the workflow has no workflow task outstanding, so the history shape does
/// not depend on timing.
#[derive(Debug, Clone, PartialEq)]
pub enum DriverStep {
    /// Send signal `name` with `payload`; it lands in a workflow task of its own.
    Signal {
        /// The signal name.
        name: String,
        /// The signal's single argument.
        payload: Value,
    },
    /// Ask query `name` (without arguments) and require the answer `expected`. Queries leave
    /// nothing in the history; the answer is kept in
    /// [`ScenarioOutcome::queries`](crate::ScenarioOutcome::queries), and a different answer is
    /// a [`ScenarioError::QueryAnswer`](crate::ScenarioError::QueryAnswer).
    Query {
        /// The query name.
        name: String,
        /// The answer the query must give, as JSON.
        expected: Value,
    },
    /// Execute update `name` with update id `<scenario>-step-<index>` (`index` counts this
    /// spec's steps from 0, so histories from different servers carry the same ids), wait for
    /// its outcome (stage COMPLETED) and require `expected`. An update the workflow accepts
    /// leaves `WorkflowExecutionUpdateAccepted` and `WorkflowExecutionUpdateCompleted` in the
    /// history; one its validator rejects leaves nothing. A different outcome is a
    /// [`ScenarioError::UpdateOutcome`](crate::ScenarioError::UpdateOutcome).
    Update {
        /// The update name.
        name: String,
        /// The update's single argument, as JSON; `None` sends no argument at all.
        payload: Option<Value>,
        /// The outcome the update must have.
        expected: UpdateOutcome,
    },
}

/// How an update ended, as the client sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateOutcome {
    /// The handler returned `result` (decoded as JSON).
    Completed {
        /// The update's result, as JSON.
        result: Value,
    },
    /// The update failed: its validator rejected it, or its handler returned an error.
    Failed {
        /// The update's failure, summarised.
        failure: FailureSummary,
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
    /// The outcome the run must have. For a scenario that continues as new, the outcome of the
    /// last run of the chain.
    pub expected: Outcome,
    /// Properties the history must have: the history of the last run of the chain.
    pub checks: Vec<HistoryCheck>,
    /// The workflow execution timeout the driver starts the workflow with (it spans a whole
    /// continue-as-new chain).
    pub execution_timeout_ms: u64,
    /// For a scenario that continues as new: one entry per run before the last, in chain
    /// order, with the properties that run's history must have. Its length is the number of
    /// times the chain must continue as new; empty for every other scenario.
    pub earlier_runs: Vec<Vec<HistoryCheck>>,
}

/// Names of the built-in scenarios, in the order [`all`] returns them.
pub const NAMES: [&str; 14] = [
    "hello",
    "failing",
    "activity_retry",
    "timers",
    "signals",
    "saga",
    "continue_as_new",
    "activity_heartbeat_cancel",
    "activity_timeout",
    "query",
    "child_workflow",
    "local_activity",
    "patched",
    "updates",
];

/// Names of the time-skipping scenarios, in the order [`time_skipping`] returns them.
pub const TIME_SKIPPING_NAMES: [&str; 1] = ["long_sleep"];

/// Every built-in scenario that finishes in about a second of real time, in a fixed order.
#[must_use]
pub fn all() -> Vec<ScenarioSpec> {
    vec![
        basics::hello_spec(),
        basics::failing_spec(),
        basics::activity_retry_spec(),
        basics::timers_spec(),
        basics::signals_spec(),
        basics::saga_spec(),
        lifecycle::continue_as_new_spec(),
        activities::activity_heartbeat_cancel_spec(),
        activities::activity_timeout_spec(),
        lifecycle::query_spec(),
        lifecycle::child_workflow_spec(),
        activities::local_activity_spec(),
        lifecycle::patched_spec(),
        updates::updates_spec(),
    ]
}

/// Scenarios that wait days of workflow time: run them only on a server with time skipping.
/// Not part of [`all`].
#[must_use]
pub fn time_skipping() -> Vec<ScenarioSpec> {
    vec![time_skipping::long_sleep_spec()]
}

/// The scenario called `name`, from [`all`] or else from [`time_skipping`], if any.
#[must_use]
pub fn by_name(name: &str) -> Option<ScenarioSpec> {
    all()
        .into_iter()
        .chain(time_skipping())
        .find(|s| s.name == name)
}

fn count(event_type: EventType, count: usize) -> HistoryCheck {
    HistoryCheck::EventCount { event_type, count }
}

fn activities(names: &[&str]) -> HistoryCheck {
    HistoryCheck::ActivitiesScheduled(strings(names))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|n| (*n).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_registry_order() {
        let names: Vec<String> = all().into_iter().map(|s| s.name).collect();
        assert_eq!(names, NAMES);
        let names: Vec<String> = time_skipping().into_iter().map(|s| s.name).collect();
        assert_eq!(names, TIME_SKIPPING_NAMES);
    }

    #[test]
    fn by_name_finds_every_scenario_and_rejects_unknown() {
        for name in NAMES.into_iter().chain(TIME_SKIPPING_NAMES) {
            assert!(by_name(name).is_some(), "{name}");
        }
        assert!(by_name("nope").is_none());
    }

    #[test]
    fn fast_scenarios_fit_the_default_execution_timeout() {
        for spec in all() {
            assert_eq!(
                spec.execution_timeout_ms, EXECUTION_TIMEOUT_MS,
                "{}",
                spec.name
            );
        }
    }
}
