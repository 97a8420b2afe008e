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
    violations
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
