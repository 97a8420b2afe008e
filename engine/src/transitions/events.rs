//! Writing events: directly, or buffered while a workflow task runs.

use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use crate::execution::BufferedEvent;
use crate::ids::ExecutionKey;
use crate::state::State;

impl State {
    /// Appends one event to a run's history now, with the engine's time and next task id.
    /// Returns its event id (0 when the run is gone).
    pub(crate) fn write(&mut self, key: &ExecutionKey, attributes: Attributes) -> i64 {
        let now = self.now();
        let task_id = self.next_task_id();
        let event_id = match self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
            Some(execution) => execution.append(now, task_id, attributes),
            None => 0,
        };
        if self.test_hooks.strikes_after_write() {
            panic!(
                "test hook: panic after writing event {event_id} of {}",
                key.workflow_id
            );
        }
        event_id
    }

    /// An event from outside a workflow task (a signal, an activity result, a fired timer):
    /// buffered while a workflow task runs, else written now; then a workflow task is scheduled
    /// unless one already is. Events for a closed run are dropped.
    pub(crate) fn record_external(&mut self, key: &ExecutionKey, event: BufferedEvent) {
        let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) else {
            return;
        };
        if !execution.is_running() {
            return;
        }
        if execution.speculative_task() {
            self.make_speculative_task_ordinary(key);
        }
        let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) else {
            return;
        };
        if execution.workflow_task_started() {
            execution.buffered.push(event);
            return;
        }
        self.write_buffered(key, event);
        self.schedule_workflow_task(key, 1);
    }

    /// Writes every buffered event; returns true when there were any.
    pub(crate) fn flush_buffered(&mut self, key: &ExecutionKey) -> bool {
        let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) else {
            return false;
        };
        let buffered = std::mem::take(&mut execution.buffered);
        let any = !buffered.is_empty();
        for event in buffered {
            self.write_buffered(key, event);
        }
        any
    }

    fn write_buffered(&mut self, key: &ExecutionKey, event: BufferedEvent) {
        match event {
            BufferedEvent::Plain(attributes) => {
                self.write(key, *attributes);
            }
            BufferedEvent::ActivityClosed {
                started,
                mut closed,
            } => {
                let started_event_id = self.write(
                    key,
                    Attributes::ActivityTaskStartedEventAttributes(*started),
                );
                match closed.as_mut() {
                    Attributes::ActivityTaskCompletedEventAttributes(a) => {
                        a.started_event_id = started_event_id
                    }
                    Attributes::ActivityTaskFailedEventAttributes(a) => {
                        a.started_event_id = started_event_id
                    }
                    Attributes::ActivityTaskTimedOutEventAttributes(a) => {
                        a.started_event_id = started_event_id
                    }
                    Attributes::ActivityTaskCanceledEventAttributes(a) => {
                        a.started_event_id = started_event_id
                    }
                    _ => {}
                }
                self.write(key, *closed);
            }
        }
    }
}

impl State {
    /// The attributes of one event of a run, when `pick` recognises them.
    pub(crate) fn event_attributes<T>(
        &self,
        key: &ExecutionKey,
        event_id: i64,
        pick: impl FnOnce(&Attributes) -> Option<T>,
    ) -> Option<T> {
        let index = usize::try_from(event_id).ok()?.checked_sub(1)?;
        pick(
            self.executions
                .get(key)?
                .history
                .get(index)?
                .attributes
                .as_ref()?,
        )
    }

    /// For a command aimed at another workflow: the namespace the events the server writes
    /// later name (the command's, else the sender's), and the running run it targets, if any.
    pub(crate) fn external_target(
        &self,
        sender: &ExecutionKey,
        namespace: &str,
        target: Option<&temporalio_protos::temporal::api::common::v1::WorkflowExecution>,
    ) -> (String, Option<ExecutionKey>) {
        let namespace = if namespace.is_empty() {
            sender.namespace.clone()
        } else {
            namespace.to_string()
        };
        let target = target.cloned().unwrap_or_default();
        let running = self
            .resolve(&namespace, &target.workflow_id, &target.run_id)
            .ok()
            .filter(|key| self.executions.get(key).is_some_and(|run| run.is_running()));
        (namespace, running)
    }
}
