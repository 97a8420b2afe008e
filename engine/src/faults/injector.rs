//! The fault plan installed in an engine and the bookkeeping that applies it: the counts that
//! name where a fault strikes, the tasks whose answers must not be applied, crashed workers,
//! duplicate deliveries waiting for a poll, and the log of what happened.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use temporalio_protos::temporal::api::failure::v1::Failure;
use temporalio_protos::temporal::api::workflowservice::v1::PollActivityTaskQueueResponse;
use tokio::sync::{Notify, mpsc};

use super::plan::{Fault, FaultEvent};
use crate::ids::ExecutionKey;
use crate::matching::QueueKey;

/// Most events kept in the log; a plan strikes a handful of times, so this bounds only a
/// runaway (a workflow task failing in a loop).
const MAX_LOGGED_EVENTS: usize = 10_000;

/// One attempt of one activity, or one attempt of one workflow task.
pub(crate) type TaskId = (ExecutionKey, i64, i32);

/// What becomes of a worker's answer to an activity attempt.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ActivityFate {
    /// The answer never arrives: the attempt times out. Answers get NOT_FOUND.
    Lost,
    /// The worker runs the attempt, but its answer will be lost (then it becomes `Lost`).
    LoseAnswer,
    /// The answer is replaced by this failure.
    FailWith(Box<Failure>),
    /// The answer is applied; the worker is told UNAVAILABLE.
    ReplyLost,
}

/// Faults installed in the engine, and what they did.
#[derive(Debug, Default, Clone)]
pub(crate) struct FaultState {
    /// The plan; an entry becomes `None` once it struck (each fault strikes once).
    plan: Vec<Option<Fault>>,
    /// Activity attempts handed out so far.
    activity_tasks: u32,
    /// Workflow task completions accepted so far.
    workflow_tasks: u32,
    pub(crate) activity_fates: BTreeMap<TaskId, ActivityFate>,
    /// Activities (run, scheduled event id) whose next attempts fail too: how many more, and
    /// the fault that fails them.
    pub(crate) failing_activities: BTreeMap<(ExecutionKey, i64), (u32, Fault)>,
    /// Workflow tasks whose completion never arrives (they time out).
    pub(crate) lost_workflow_tasks: BTreeSet<TaskId>,
    /// Identities of crashed workers: they get no tasks.
    crashed: BTreeSet<String>,
    /// Second deliveries of activity tasks, handed to the next poll of their queue.
    duplicates: Vec<(QueueKey, PollActivityTaskQueueResponse)>,
    log: Vec<FaultEvent>,
    listener: Option<mpsc::UnboundedSender<FaultEvent>>,
    /// Notified when a fault asks the engine to restart its server.
    pub(crate) restart: Arc<Notify>,
    /// Restarts so far: a long poll that began before a restart hands out nothing after it
    /// (its connection is about to drop, and a task sent into it would be lost).
    pub(crate) restarts: u64,
    /// True from a restart fault until the new server serves: no poll gets a task meanwhile,
    /// since the old server's connections are draining and a task sent on one would be lost,
    /// at a point that depends on timing (a plan must strike at the same place every time).
    pub(crate) restarting: bool,
}

impl FaultState {
    /// Installs a plan, resetting the counts (but not the log or crashed workers).
    pub(crate) fn install(&mut self, plan: Vec<Fault>) {
        self.plan = plan.into_iter().map(Some).collect();
        self.activity_tasks = 0;
        self.workflow_tasks = 0;
    }

    /// Sends every later event to `listener` as well as to the log.
    pub(crate) fn listen(&mut self, listener: mpsc::UnboundedSender<FaultEvent>) {
        self.listener = Some(listener);
    }

    pub(crate) fn log(&self) -> Vec<FaultEvent> {
        self.log.clone()
    }

    pub(crate) fn report(&mut self, event: FaultEvent) {
        if let Some(listener) = &self.listener {
            let _closed = listener.send(event.clone());
        }
        if self.log.len() < MAX_LOGGED_EVENTS {
            self.log.push(event);
        }
    }

    /// Counts one more activity attempt handed out and returns its number.
    pub(crate) fn next_activity_task(&mut self) -> u32 {
        self.activity_tasks = self.activity_tasks.saturating_add(1);
        self.activity_tasks
    }

    /// Workflow task completions accepted so far.
    pub(crate) fn accepted_workflow_tasks(&self) -> u32 {
        self.workflow_tasks
    }

    /// Counts one more accepted workflow task completion and returns its number.
    pub(crate) fn next_workflow_task(&mut self) -> u32 {
        self.workflow_tasks = self.workflow_tasks.saturating_add(1);
        self.workflow_tasks
    }

    /// The plan position of the first fault still waiting that `strikes` selects.
    pub(crate) fn first(&self, strikes: impl Fn(&Fault) -> bool) -> Option<usize> {
        self.plan
            .iter()
            .position(|entry| entry.as_ref().is_some_and(&strikes))
    }

    /// Removes and returns (with their plan positions) the faults `strikes` selects.
    pub(crate) fn take(&mut self, strikes: impl Fn(&Fault) -> bool) -> Vec<(usize, Fault)> {
        let mut taken = Vec::new();
        for (index, entry) in self.plan.iter_mut().enumerate() {
            if entry.as_ref().is_some_and(&strikes)
                && let Some(fault) = entry.take()
            {
                taken.push((index, fault));
            }
        }
        for (index, _) in &taken {
            self.report(FaultEvent::Applied { index: *index });
        }
        taken
    }

    /// The first signal fault still waiting: its position, namespace and workflow id.
    pub(crate) fn first_signal(&self) -> Option<(usize, String, String)> {
        self.plan
            .iter()
            .enumerate()
            .find_map(|(index, entry)| match entry {
                Some(
                    Fault::Signal {
                        namespace,
                        workflow_id,
                        ..
                    }
                    | Fault::Update {
                        namespace,
                        workflow_id,
                        ..
                    },
                ) => Some((index, namespace.clone(), workflow_id.clone())),
                _ => None,
            })
    }

    /// Removes and returns the fault at `index` of the plan, if it has not struck yet.
    pub(crate) fn take_at(&mut self, index: usize) -> Option<Fault> {
        let fault = self.plan.get_mut(index)?.take()?;
        self.report(FaultEvent::Applied { index });
        Some(fault)
    }

    pub(crate) fn crash(&mut self, identity: &str) {
        if self.crashed.insert(identity.to_string()) {
            self.report(FaultEvent::WorkerCrashed {
                identity: identity.to_string(),
            });
        }
    }

    pub(crate) fn is_crashed(&self, identity: &str) -> bool {
        !self.crashed.is_empty() && self.crashed.contains(identity)
    }

    pub(crate) fn push_duplicate(&mut self, queue: QueueKey, task: PollActivityTaskQueueResponse) {
        self.duplicates.push((queue, task));
    }

    pub(crate) fn take_duplicate(
        &mut self,
        queue: &QueueKey,
    ) -> Option<PollActivityTaskQueueResponse> {
        let position = self.duplicates.iter().position(|(q, _)| q == queue)?;
        Some(self.duplicates.remove(position).1)
    }

    /// True while a second delivery waits for a poll: the run is not done with its faults.
    pub(crate) fn has_pending_duplicates(&self) -> bool {
        !self.duplicates.is_empty()
    }
}

/// Whether the worker that polled gets the attempt it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dispatch {
    /// Hand it out; `twice`: also hand it to the next poll of the queue.
    Deliver { twice: bool },
    /// The worker never sees it (the engine failed it, or it was lost on the way).
    Withhold,
}
