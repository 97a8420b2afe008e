//! Invariants: what must hold after every case. Built in: the workflow reaches a terminal
//! state within bounded time once faults stop, no workflow task failed for nondeterminism, its
//! histories are valid with contiguous event ids, no delivered signal is lost, and replaying
//! the histories against the same code is deterministic (checked by the runner, which owns
//! the replay worker). User invariants are closures over the [`CaseOutcome`].

use std::sync::Arc;

use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use wfkit_engine::faults::{FAULT_IDENTITY_NAME, FaultEvent};

use crate::case::{CaseEnd, CaseOutcome};

/// A user invariant's check: `Err(why)` when it is broken.
pub type InvariantFn = dyn Fn(&CaseOutcome) -> Result<(), String> + Send + Sync;

/// A named invariant.
#[derive(Clone)]
pub struct Invariant {
    /// Name, printed when it breaks.
    pub name: String,
    /// The check.
    pub check: Arc<InvariantFn>,
}

impl std::fmt::Debug for Invariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invariant")
            .field("name", &self.name)
            .finish()
    }
}

impl Invariant {
    /// An invariant named `name` checked by `check`.
    pub fn new(
        name: impl Into<String>,
        check: impl Fn(&CaseOutcome) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        Invariant {
            name: name.into(),
            check: Arc::new(check),
        }
    }
}

/// A broken invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The invariant's name.
    pub invariant: String,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.invariant, self.message)
    }
}

/// The built-in invariants that need nothing but the outcome.
pub(crate) fn built_in(outcome: &CaseOutcome) -> Vec<Violation> {
    let mut violations = Vec::new();
    let mut broken = |invariant: &str, message: String| {
        violations.push(Violation {
            invariant: invariant.to_string(),
            message,
        });
    };
    match &outcome.end {
        CaseEnd::Closed(_) => {}
        CaseEnd::Nondeterminism(message) => broken(
            "deterministic",
            format!("a worker failed a workflow task for nondeterminism: {message}"),
        ),
        CaseEnd::Stuck(why) => broken("terminates", why.clone()),
    }
    for (run, history) in outcome.histories.iter().enumerate() {
        for (index, event) in history.events.iter().enumerate() {
            let expected = i64::try_from(index).unwrap_or(i64::MAX) + 1;
            if event.event_id != expected {
                broken(
                    "contiguous event ids",
                    format!("run {run}: event #{expected} has id {}", event.event_id),
                );
                break;
            }
        }
        let report = wfkit_history::validate(history);
        if !report.is_valid() {
            broken("valid history", format!("run {run}: {report}"));
        }
    }
    let delivered = outcome
        .fault_log
        .iter()
        .filter(|event| matches!(event, FaultEvent::SignalDelivered { accepted: true, .. }))
        .count();
    let recorded = outcome
        .histories
        .iter()
        .flat_map(|history| history.events.iter())
        .filter(|event| {
            matches!(&event.attributes,
                Some(Attributes::WorkflowExecutionSignaledEventAttributes(signaled))
                    if signaled.identity == FAULT_IDENTITY_NAME)
        })
        .count();
    if recorded != delivered {
        broken(
            "no signal lost",
            format!("{delivered} signals were accepted but {recorded} are in the history"),
        );
    }
    for (update_id, (accepted, completed)) in update_counts(outcome) {
        if accepted != 1 || completed != 1 {
            broken(
                "every accepted update completes exactly once",
                format!(
                    "update {update_id:?} was accepted {accepted} time(s) and completed {completed} time(s)"
                ),
            );
        }
    }
    violations
}

/// Per update id in the case's histories: how many times it was accepted and completed
/// (UpdateCompleted names its update through the UpdateAccepted event it refers to).
fn update_counts(outcome: &CaseOutcome) -> std::collections::BTreeMap<String, (usize, usize)> {
    let mut counts = std::collections::BTreeMap::<String, (usize, usize)>::new();
    for history in &outcome.histories {
        let mut accepted_ids = std::collections::BTreeMap::<i64, String>::new();
        for event in &history.events {
            match &event.attributes {
                Some(Attributes::WorkflowExecutionUpdateAcceptedEventAttributes(accepted)) => {
                    accepted_ids.insert(event.event_id, accepted.protocol_instance_id.clone());
                    counts
                        .entry(accepted.protocol_instance_id.clone())
                        .or_default()
                        .0 += 1;
                }
                Some(Attributes::WorkflowExecutionUpdateCompletedEventAttributes(completed)) => {
                    let update_id = accepted_ids
                        .get(&completed.accepted_event_id)
                        .cloned()
                        .or_else(|| completed.meta.as_ref().map(|meta| meta.update_id.clone()))
                        .unwrap_or_default();
                    counts.entry(update_id).or_default().1 += 1;
                }
                _ => {}
            }
        }
    }
    counts
}

/// Runs the user's invariants.
pub(crate) fn user(outcome: &CaseOutcome, invariants: &[Invariant]) -> Vec<Violation> {
    invariants
        .iter()
        .filter_map(|invariant| {
            (invariant.check)(outcome).err().map(|message| Violation {
                invariant: invariant.name.clone(),
                message,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use temporalio_protos::temporal::api::history::v1::{
        History, HistoryEvent, WorkflowExecutionUpdateAcceptedEventAttributes,
        WorkflowExecutionUpdateCompletedEventAttributes,
    };

    fn accepted(event_id: i64, update_id: &str) -> HistoryEvent {
        HistoryEvent {
            event_id,
            attributes: Some(Attributes::WorkflowExecutionUpdateAcceptedEventAttributes(
                WorkflowExecutionUpdateAcceptedEventAttributes {
                    protocol_instance_id: update_id.to_string(),
                    ..WorkflowExecutionUpdateAcceptedEventAttributes::default()
                },
            )),
            ..HistoryEvent::default()
        }
    }

    fn completed(event_id: i64, accepted_event_id: i64) -> HistoryEvent {
        HistoryEvent {
            event_id,
            attributes: Some(Attributes::WorkflowExecutionUpdateCompletedEventAttributes(
                WorkflowExecutionUpdateCompletedEventAttributes {
                    accepted_event_id,
                    ..WorkflowExecutionUpdateCompletedEventAttributes::default()
                },
            )),
            ..HistoryEvent::default()
        }
    }

    fn outcome(events: Vec<HistoryEvent>) -> CaseOutcome {
        CaseOutcome {
            plan: crate::plan::FaultPlan::default(),
            end: CaseEnd::Closed("WorkflowExecutionCompleted".to_string()),
            histories: vec![History { events }],
            effects: Vec::new(),
            fault_log: Vec::new(),
            incarnations: 1,
            wall_time: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn an_accepted_update_must_complete_exactly_once() {
        let counts = update_counts(&outcome(vec![accepted(5, "u1"), completed(6, 5)]));
        assert_eq!(counts.get("u1"), Some(&(1, 1)));
        // Accepted, never completed (the run ended first), and completed twice.
        let never = update_counts(&outcome(vec![accepted(5, "u1")]));
        assert_eq!(never.get("u1"), Some(&(1, 0)));
        let twice = update_counts(&outcome(vec![
            accepted(5, "u1"),
            completed(6, 5),
            completed(7, 5),
        ]));
        assert_eq!(twice.get("u1"), Some(&(1, 2)));
        let violations: Vec<String> = built_in(&outcome(vec![accepted(5, "u1")]))
            .into_iter()
            .map(|violation| violation.invariant)
            .collect();
        assert!(
            violations.contains(&"every accepted update completes exactly once".to_string()),
            "{violations:?}"
        );
    }
}
