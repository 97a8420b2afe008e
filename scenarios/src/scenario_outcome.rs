//! What a scenario run produced, and how it differs from its spec.

use serde_json::Value;
use temporalio_protos::temporal::api::history::v1::History;

use crate::{checks::verify_all, outcome::Outcome, spec::ScenarioSpec};

/// What a scenario run produced.
///
/// When the workflow continues as new, the driver follows the chain to its last run:
/// `run_id`, `outcome` and `history` describe that last run, and `earlier_runs` holds the
/// histories of the runs before it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioOutcome {
    /// The scenario's name.
    pub scenario: String,
    /// The workflow id it ran under.
    pub workflow_id: String,
    /// The run id of the last run (the first run's, unless the workflow continued as new).
    pub run_id: String,
    /// How the last run ended.
    pub outcome: Outcome,
    /// The complete history of the last run.
    pub history: History,
    /// The complete histories of the runs that continued as new, oldest first; each ends with
    /// `WorkflowExecutionContinuedAsNew`. Empty unless the workflow continued as new.
    pub earlier_runs: Vec<History>,
    /// The answers to the spec's [`DriverStep::Query`](crate::spec::DriverStep::Query) steps,
    /// in order: query name and answer.
    pub queries: Vec<(String, Value)>,
}

impl ScenarioOutcome {
    /// Whether the outcome is the one the spec expects.
    #[must_use]
    pub fn matches(&self, spec: &ScenarioSpec) -> bool {
        self.outcome == spec.expected
    }

    /// Everything about this run that differs from `spec`, one line each: the outcome, the
    /// checks on the last run's history, the number of continue-as-new runs and the checks on
    /// each of them. Empty when the run is as specified.
    #[must_use]
    pub fn problems(&self, spec: &ScenarioSpec) -> Vec<String> {
        let mut problems = Vec::new();
        if self.outcome != spec.expected {
            problems.push(format!(
                "{}: outcome {:?}, expected {:?}",
                spec.name, self.outcome, spec.expected
            ));
        }
        for failure in verify_all(&self.history, &spec.checks) {
            problems.push(format!("{}: last run: {failure}", spec.name));
        }
        if self.earlier_runs.len() != spec.earlier_runs.len() {
            problems.push(format!(
                "{}: continued as new {} times, expected {}",
                spec.name,
                self.earlier_runs.len(),
                spec.earlier_runs.len()
            ));
        }
        let runs = self.earlier_runs.len() + 1;
        for (index, (history, checks)) in
            self.earlier_runs.iter().zip(&spec.earlier_runs).enumerate()
        {
            for failure in verify_all(history, checks) {
                problems.push(format!(
                    "{}: run {} of {runs}: {failure}",
                    spec.name,
                    index + 1
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use temporalio_protos::temporal::api::{
        enums::v1::EventType,
        history::v1::{
            HistoryEvent, WorkflowExecutionContinuedAsNewEventAttributes, history_event::Attributes,
        },
    };

    use super::*;

    fn closed_by_continue_as_new(next_run_id: &str) -> History {
        History {
            events: vec![HistoryEvent {
                event_type: EventType::WorkflowExecutionContinuedAsNew as i32,
                attributes: Some(Attributes::WorkflowExecutionContinuedAsNewEventAttributes(
                    WorkflowExecutionContinuedAsNewEventAttributes {
                        new_execution_run_id: next_run_id.to_owned(),
                        ..Default::default()
                    },
                )),
                ..Default::default()
            }],
        }
    }

    #[test]
    fn problems_cover_outcome_last_run_and_every_earlier_run() -> Result<(), String> {
        let spec = crate::spec::by_name("continue_as_new").ok_or("continue_as_new spec")?;
        let run = ScenarioOutcome {
            scenario: spec.name.clone(),
            workflow_id: "w".to_owned(),
            run_id: "r".to_owned(),
            outcome: Outcome::Canceled,
            history: History::default(),
            earlier_runs: vec![closed_by_continue_as_new("r")],
            queries: Vec::new(),
        };
        let problems = run.problems(&spec);
        let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
        assert!(has("outcome Canceled"), "{problems:#?}");
        assert!(has("last run: history check failed"), "{problems:#?}");
        assert!(has("continued as new 1 times, expected 2"), "{problems:#?}");
        assert!(has("run 1 of 2: history check failed"), "{problems:#?}");
        Ok(())
    }
}
