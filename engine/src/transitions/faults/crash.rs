//! A worker crash and an engine restart: both drop the tasks in flight, which then time out
//! as they would on the real server.

use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use crate::execution::activity::ActivityPhase;
use crate::execution::{Execution, WorkflowTask};
use crate::faults::ActivityFate;
use crate::ids::ExecutionKey;
use crate::state::State;

impl State {
    /// The worker `identity` crashes: its tasks in flight are lost, sticky runs go back to the
    /// normal queue (a fault run has one worker per task queue, so they were its), and it gets
    /// no more tasks.
    pub(crate) fn crash_worker(&mut self, identity: &str) {
        self.faults.crash(identity);
        // Its waiting polls end (empty) rather than run out their long-poll time.
        self.matching.wake_all();
        self.drop_in_flight(|poller| poller == identity);
        let sticky: Vec<ExecutionKey> = self
            .executions
            .values()
            .filter(|execution| execution.sticky.is_some())
            .map(|execution| execution.key.clone())
            .collect();
        for key in sticky {
            self.unstick_scheduled_task(&key);
            if let Some(execution) = self.executions.get_mut(&key).map(std::sync::Arc::make_mut) {
                execution.sticky = None;
            }
        }
        self.timer_wake.notify_one();
    }

    /// The engine restarts: every task in flight is lost and the server drops its connections
    /// (done by the engine's restarter, woken here).
    pub(crate) fn restart_engine(&mut self) {
        self.drop_in_flight(|_| true);
        self.faults.restarts += 1;
        self.faults.restarting = true;
        // Waiting polls and history waits look again, see the restart and end.
        self.matching.wake_all();
        for execution in self.executions.values() {
            execution.changed.notify_waiters();
        }
        self.faults.restart.notify_one();
        self.timer_wake.notify_one();
    }

    /// Marks the running workflow tasks and activity attempts of the pollers `whose` selects as
    /// lost: their answers get NOT_FOUND and time skips to their timeouts.
    fn drop_in_flight(&mut self, whose: impl Fn(&str) -> bool) {
        let mut lost_workflow_tasks = Vec::new();
        let mut lost_activities = Vec::new();
        for (key, execution) in &self.executions {
            if !execution.is_running() {
                continue;
            }
            if let WorkflowTask::Started {
                scheduled_event_id,
                attempt,
                ..
            } = execution.workflow_task
                && whose(&started_identity(execution))
            {
                lost_workflow_tasks.push(((**key).clone(), scheduled_event_id, attempt));
            }
            for activity in execution.activities.values() {
                if let ActivityPhase::Started { poller, .. } = &activity.phase
                    && whose(&poller.identity)
                {
                    lost_activities.push((
                        (**key).clone(),
                        activity.scheduled_event_id,
                        activity.attempt,
                    ));
                }
            }
        }
        self.faults.lost_workflow_tasks.extend(lost_workflow_tasks);
        for task in lost_activities {
            self.faults.activity_fates.insert(task, ActivityFate::Lost);
        }
    }

    /// True when the running workflow task of `execution` is lost: time may skip to its
    /// timeout.
    pub(crate) fn workflow_task_lost(&self, execution: &Execution) -> bool {
        match execution.workflow_task {
            WorkflowTask::Started {
                scheduled_event_id,
                attempt,
                ..
            } => {
                !self.faults.lost_workflow_tasks.is_empty()
                    && self.faults.lost_workflow_tasks.contains(&(
                        execution.key.clone(),
                        scheduled_event_id,
                        attempt,
                    ))
            }
            _ => false,
        }
    }
}

/// The identity of the worker running the workflow task, from its started event (written, or
/// the transient one).
fn started_identity(execution: &Execution) -> String {
    let WorkflowTask::Started {
        started_event_id,
        transient,
        ..
    } = &execution.workflow_task
    else {
        return String::new();
    };
    let started = match transient {
        Some(events) => events[1].attributes.as_ref(),
        None => usize::try_from(*started_event_id - 1)
            .ok()
            .and_then(|index| execution.history.get(index))
            .and_then(|event| event.attributes.as_ref()),
    };
    match started {
        Some(Attributes::WorkflowTaskStartedEventAttributes(started)) => started.identity.clone(),
        _ => String::new(),
    }
}
