//! Faults that strike when a workflow task completion arrives, and the ones that follow an
//! accepted completion: a lost reply, a worker crash, an engine restart, a clock jump, signals.

use temporalio_protos::temporal::api::history::v1::WorkflowExecutionSignaledEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use crate::error::EngineError;
use crate::execution::BufferedEvent;
use crate::faults::{CrashPoint, FAULT_IDENTITY, Fault, FaultEvent};
use crate::ids::ExecutionKey;
use crate::state::State;

impl State {
    /// A completion for workflow task (`scheduled_event_id`, `attempt`) arrived. Returns the
    /// number it gets if it is accepted, or NOT_FOUND when the task is lost or a fault makes it
    /// time out. Only an accepted completion counts ([`State::workflow_task_accepted`]): one
    /// that times out, or that the server fails, leaves its number to the next one.
    pub(crate) fn workflow_task_completion_arrived(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
    ) -> Result<u32, EngineError> {
        if self.workflow_task_answer_lost(key, scheduled_event_id, attempt) {
            return Err(task_not_found());
        }
        self.running_workflow_task(key, scheduled_event_id, attempt)?;
        let n = self.faults.accepted_workflow_tasks().saturating_add(1);
        // One timeout per arrival: two faults naming the same completion time it out twice.
        let timed_out = self.faults.first(
            |fault| matches!(fault, Fault::WorkflowTaskTimesOut { workflow_task } if *workflow_task == n),
        );
        if let Some(index) = timed_out {
            self.faults.take_at(index);
            self.faults
                .lost_workflow_tasks
                .insert((key.clone(), scheduled_event_id, attempt));
            self.timer_wake.notify_one();
            return Err(task_not_found());
        }
        Ok(n)
    }

    /// Completion number `n` was accepted: counts it and applies what follows it. Returns true
    /// when the reply to the worker is lost.
    pub(crate) fn workflow_task_accepted(&mut self, n: u32, identity: &str) -> bool {
        let counted = self.faults.next_workflow_task();
        debug_assert_eq!(counted, n, "accepted completions are counted in order");
        self.workflow_task_completed_faults(n, identity)
    }

    /// True when the reply to a workflow task answer (completed or failed) must be NOT_FOUND
    /// because the task was lost.
    pub(crate) fn workflow_task_answer_lost(
        &self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
    ) -> bool {
        !self.faults.lost_workflow_tasks.is_empty()
            && self
                .faults
                .lost_workflow_tasks
                .contains(&(key.clone(), scheduled_event_id, attempt))
    }

    /// Applies what follows the accepted completion number `n` by `identity`. Returns true
    /// when the reply to the worker is lost.
    fn workflow_task_completed_faults(&mut self, n: u32, identity: &str) -> bool {
        let strikes = self.faults.take(|fault| match fault {
            Fault::WorkflowTaskResponseLost { workflow_task } => *workflow_task == n,
            Fault::EngineRestart {
                after_workflow_task,
            }
            | Fault::ClockJump {
                after_workflow_task,
                ..
            }
            | Fault::Signal {
                after_workflow_task,
                ..
            }
            | Fault::Update {
                after_workflow_task,
                ..
            } => *after_workflow_task == n,
            Fault::WorkerCrash {
                at: CrashPoint::AfterWorkflowTask(task),
            } => *task == n,
            _ => false,
        });
        let mut reply_lost = false;
        for (index, fault) in strikes {
            match fault {
                Fault::WorkflowTaskResponseLost { .. } => reply_lost = true,
                Fault::WorkerCrash { .. } => self.crash_worker(identity),
                Fault::EngineRestart { .. } => self.restart_engine(),
                Fault::ClockJump { by, .. } => self.clock.advance(by),
                Fault::Signal {
                    namespace,
                    workflow_id,
                    name,
                    input,
                    ..
                } => self.deliver_signal(index, &namespace, &workflow_id, name, input),
                update @ Fault::Update { .. } => self.send_update(index, update),
                _ => {}
            }
        }
        // The driver re-checks due timers and idleness (for waiting signals).
        self.timer_wake.notify_one();
        reply_lost
    }

    /// Delivers the first waiting signal fault when nothing else can happen: no task waits or
    /// runs anywhere and its workflow is running. Returns true when one was delivered.
    pub(crate) fn deliver_idle_signal(&mut self) -> bool {
        let Some((index, namespace, workflow_id)) = self.faults.first_signal() else {
            return false;
        };
        if self.has_outstanding_work() || !self.current_run_open(&namespace, &workflow_id) {
            return false;
        }
        match self.faults.take_at(index) {
            Some(Fault::Signal {
                namespace,
                workflow_id,
                name,
                input,
                ..
            }) => {
                self.deliver_signal(index, &namespace, &workflow_id, name, input);
                true
            }
            Some(update @ Fault::Update { .. }) => {
                self.send_update(index, update);
                true
            }
            _ => false,
        }
    }

    fn current_run_open(&self, namespace: &str, workflow_id: &str) -> bool {
        self.current_runs
            .get(&(namespace.to_string(), workflow_id.to_string()))
            .and_then(|run_id| {
                self.executions.get(&ExecutionKey {
                    namespace: namespace.to_string(),
                    workflow_id: workflow_id.to_string(),
                    run_id: run_id.clone(),
                })
            })
            .is_some_and(|execution| execution.is_running())
    }

    fn deliver_signal(
        &mut self,
        index: usize,
        namespace: &str,
        workflow_id: &str,
        name: String,
        input: Option<temporalio_protos::temporal::api::common::v1::Payloads>,
    ) {
        let accepted = self.current_run_open(namespace, workflow_id);
        if accepted && let Ok(key) = self.resolve(namespace, workflow_id, "") {
            self.record_external(
                &key,
                BufferedEvent::plain(Attributes::WorkflowExecutionSignaledEventAttributes(
                    WorkflowExecutionSignaledEventAttributes {
                        signal_name: name,
                        input,
                        identity: FAULT_IDENTITY.to_string(),
                        ..WorkflowExecutionSignaledEventAttributes::default()
                    },
                )),
            );
        }
        self.faults
            .report(FaultEvent::SignalDelivered { index, accepted });
    }
}

impl State {
    /// Sends an update fault's update to the current run, as UpdateWorkflowExecution would
    /// with nobody waiting for the outcome.
    fn send_update(&mut self, index: usize, update: Fault) {
        use temporalio_protos::temporal::api::update::v1::{Input, Meta, Request};
        let Fault::Update {
            namespace,
            workflow_id,
            update_id,
            name,
            input,
            ..
        } = update
        else {
            return;
        };
        let request = Request {
            meta: Some(Meta {
                update_id: update_id.clone(),
                identity: FAULT_IDENTITY.to_string(),
            }),
            input: Some(Input {
                name,
                args: input,
                ..Input::default()
            }),
            ..Request::default()
        };
        let admitted = self.current_run_open(&namespace, &workflow_id)
            && self
                .resolve(&namespace, &workflow_id, "")
                .and_then(|key| self.admit_update(&key, request))
                .is_ok();
        self.faults.report(FaultEvent::UpdateSent {
            index,
            update_id,
            admitted,
        });
    }
}

fn task_not_found() -> EngineError {
    EngineError::NotFound("Workflow task not found.".to_string())
}
