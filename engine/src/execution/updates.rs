//! The updates of one run (the real server's update registry): each update's stage, from
//! admitted to completed, and what its waiters are told. Rules that write the update events and
//! schedule the workflow tasks that carry them are in `transitions/updates.rs`.
//!
//! Only accepted and completed updates reach the history. A rejected update leaves nothing:
//! its entry stays here, marked rejected, only so that the caller waiting on it learns the
//! rejection; for everyone else (dedup, PollWorkflowExecutionUpdate) it does not exist.

use std::collections::BTreeMap;

use temporalio_protos::temporal::api::failure::v1::{
    ApplicationFailureInfo, Failure, failure::FailureInfo,
};
use temporalio_protos::temporal::api::update::v1::{Outcome, Request};

/// At most this many updates in flight (admitted or accepted, not completed) per run.
pub(crate) const MAX_IN_FLIGHT_UPDATES: usize = 10;
/// At most this many distinct updates (in flight and completed) per run.
pub(crate) const MAX_TOTAL_UPDATES: usize = 2000;
/// Rejected entries kept for their waiters; the oldest go first past this.
const MAX_REJECTED_KEPT: usize = 1000;

/// Where an update stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stage {
    /// Known to the engine, not yet on a workflow task.
    Admitted,
    /// On a workflow task the worker has not answered yet.
    Sent,
    /// The worker accepted it (UpdateAccepted written, at this event id).
    Accepted { accepted_event_id: i64 },
    /// Done: the worker's outcome (UpdateCompleted written), or the engine's when the run
    /// closed before the update completed.
    Completed { outcome: Outcome },
    /// The worker's validator (or the engine, for an update no worker processed) refused it.
    Rejected { failure: Failure },
    /// The run closed or continued before the worker accepted it.
    Aborted { reason: AbortReason },
}

/// Why an update that was never accepted ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AbortReason {
    /// The run closed (completed, failed, canceled, terminated, timed out).
    WorkflowClosed,
    /// The run continued as new (or retried): the caller tries again on the new run.
    WorkflowContinued,
}

/// One update.
#[derive(Debug, Clone)]
pub(crate) struct Update {
    /// The request as the client sent it (with the update id the engine filled in).
    pub(crate) request: Request,
    /// Distinguishes two admissions of the same id (a rejected update's id may be reused).
    pub(crate) admission: u64,
    pub(crate) stage: Stage,
}

/// The updates of one run, by update id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Updates {
    by_id: BTreeMap<String, Update>,
    /// Counts admissions: the next admission number.
    admissions: u64,
}

/// What `Updates::admit` did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Admitted {
    /// A new update: it needs a workflow task.
    New { admission: u64 },
    /// The id is already known (in flight or completed): the caller attaches to it.
    Existing { admission: u64 },
}

impl Updates {
    /// The update with this id, unless it was rejected (a rejected update does not exist).
    pub(crate) fn find(&self, update_id: &str) -> Option<&Update> {
        self.by_id
            .get(update_id)
            .filter(|update| !matches!(update.stage, Stage::Rejected { .. }))
    }

    /// The entry a waiter follows, rejected or not, if it is still the same admission.
    pub(crate) fn follow(&self, update_id: &str, admission: u64) -> Option<&Update> {
        self.by_id
            .get(update_id)
            .filter(|update| update.admission == admission)
    }

    /// Admits an update, or finds the one with its id (its new arguments are ignored, as on
    /// the real server). Fails with the limit that stops it.
    pub(crate) fn admit(&mut self, request: Request) -> Result<Admitted, LimitReached> {
        let update_id = request
            .meta
            .as_ref()
            .map(|meta| meta.update_id.clone())
            .unwrap_or_default();
        if let Some(update) = self.find(&update_id) {
            return Ok(Admitted::Existing {
                admission: update.admission,
            });
        }
        if self.in_flight() >= MAX_IN_FLIGHT_UPDATES {
            return Err(LimitReached::InFlight);
        }
        if self.counted() >= MAX_TOTAL_UPDATES {
            return Err(LimitReached::Total);
        }
        self.admissions += 1;
        let admission = self.admissions;
        self.by_id.insert(
            update_id,
            Update {
                request,
                admission,
                stage: Stage::Admitted,
            },
        );
        self.prune_rejected();
        Ok(Admitted::New { admission })
    }

    /// Updates a workflow task should carry, in admission order, marked sent. Already-sent
    /// ones are sent again (a retried task) unless `only_new` (a heartbeat task).
    pub(crate) fn send(&mut self, only_new: bool) -> Vec<Request> {
        let mut due: Vec<&mut Update> = self
            .by_id
            .values_mut()
            .filter(|update| match update.stage {
                Stage::Admitted => true,
                Stage::Sent => !only_new,
                _ => false,
            })
            .collect();
        due.sort_by_key(|update| update.admission);
        due.into_iter()
            .map(|update| {
                update.stage = Stage::Sent;
                update.request.clone()
            })
            .collect()
    }

    /// True when an update waits for a workflow task to carry it.
    pub(crate) fn has_unsent(&self) -> bool {
        self.by_id
            .values()
            .any(|update| update.stage == Stage::Admitted)
    }

    /// Moves an update to a new stage; false when there is no such (live) update.
    pub(crate) fn set_stage(&mut self, update_id: &str, stage: Stage) -> bool {
        match self.by_id.get_mut(update_id) {
            Some(update) if !matches!(update.stage, Stage::Rejected { .. }) => {
                update.stage = stage;
                true
            }
            _ => false,
        }
    }

    /// Ids of the updates a worker got but did not answer.
    pub(crate) fn unanswered(&self) -> Vec<String> {
        self.by_id
            .iter()
            .filter(|(_, update)| update.stage == Stage::Sent)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The run closed or continued: updates not yet accepted are aborted; accepted ones complete
    /// with the engine's failure, as the real server does.
    pub(crate) fn abort_all(&mut self, reason: AbortReason) {
        for update in self.by_id.values_mut() {
            update.stage = match update.stage {
                Stage::Admitted | Stage::Sent => Stage::Aborted { reason },
                Stage::Accepted { .. } => Stage::Completed {
                    outcome: accepted_but_closed_outcome(),
                },
                ref done => done.clone(),
            };
        }
    }

    /// Updates that count against the in-flight limit.
    fn in_flight(&self) -> usize {
        self.by_id
            .values()
            .filter(|update| {
                matches!(
                    update.stage,
                    Stage::Admitted | Stage::Sent | Stage::Accepted { .. }
                )
            })
            .count()
    }

    /// Updates that count against the total limit (rejections do not).
    fn counted(&self) -> usize {
        self.by_id
            .values()
            .filter(|update| !matches!(update.stage, Stage::Rejected { .. }))
            .count()
    }

    fn prune_rejected(&mut self) {
        let mut rejected: Vec<(u64, String)> = self
            .by_id
            .iter()
            .filter(|(_, update)| matches!(update.stage, Stage::Rejected { .. }))
            .map(|(id, update)| (update.admission, id.clone()))
            .collect();
        if rejected.len() <= MAX_REJECTED_KEPT {
            return;
        }
        rejected.sort();
        let excess = rejected.len() - MAX_REJECTED_KEPT;
        for (_, id) in rejected.into_iter().take(excess) {
            self.by_id.remove(&id);
        }
    }
}

/// Which limit refused an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LimitReached {
    InFlight,
    Total,
}

/// The outcome of an accepted update whose run closed before it completed (the real server's
/// `AcceptedUpdateCompletedWorkflow` failure).
pub(crate) fn accepted_but_closed_outcome() -> Outcome {
    server_failure_outcome(
        "Workflow Update failed because the Workflow completed before the Update completed.",
        "AcceptedUpdateCompletedWorkflow",
    )
}

/// The rejection of an update a worker got but did not answer (the real server's
/// `UnprocessedUpdate` failure).
pub(crate) fn unprocessed_update_failure() -> Failure {
    server_failure(
        "Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow Update is not supported by the worker.",
        "UnprocessedUpdate",
    )
}

fn server_failure_outcome(message: &str, failure_type: &str) -> Outcome {
    Outcome {
        value: Some(
            temporalio_protos::temporal::api::update::v1::outcome::Value::Failure(server_failure(
                message,
                failure_type,
            )),
        ),
    }
}

fn server_failure(message: &str, failure_type: &str) -> Failure {
    Failure {
        message: message.to_string(),
        source: "Server".to_string(),
        failure_info: Some(FailureInfo::ApplicationFailureInfo(
            ApplicationFailureInfo {
                r#type: failure_type.to_string(),
                non_retryable: true,
                ..ApplicationFailureInfo::default()
            },
        )),
        ..Failure::default()
    }
}
