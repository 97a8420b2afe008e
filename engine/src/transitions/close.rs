//! Closing a run: its close event, then nothing of it stays open.

use temporalio_protos::temporal::api::enums::v1::WorkflowExecutionStatus;
use temporalio_protos::temporal::api::history::v1::WorkflowExecutionTimedOutEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use crate::execution::WorkflowTask;
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::transitions::next_run::Ending;

impl State {
    /// Writes the close event and drops everything open: the workflow task, activities, timers,
    /// buffered events. Long polls on the history wake up.
    pub(crate) fn close_execution(
        &mut self,
        key: &ExecutionKey,
        status: WorkflowExecutionStatus,
        close_event: Attributes,
    ) {
        let now = self.now();
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        if !execution.is_running() {
            return;
        }
        let child_close = crate::execution::children::child_close_of(status, &close_event);
        // A run that nothing follows may end a chain a schedule started.
        let schedule_close =
            (child_close.is_some() && !self.schedules.is_empty()).then(|| close_event.clone());
        self.write(key, close_event);
        if let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
            execution.status = status;
            execution.close_time = Some(now);
            execution.workflow_task = WorkflowTask::Idle;
            execution.activities.clear();
            execution.timers.clear();
            execution.buffered.clear();
            execution
                .updates
                .abort_all(if status == WorkflowExecutionStatus::ContinuedAsNew {
                    crate::execution::updates::AbortReason::WorkflowContinued
                } else {
                    crate::execution::updates::AbortReason::WorkflowClosed
                });
            execution.changed.notify_waiters();
        }
        self.timers.remove_execution(key);
        self.timer_wake.notify_one();
        // Waiting queries are answered from the closed run, directly.
        self.release_queries(key);
        self.apply_parent_close_policies(key);
        if let Some(how) = child_close {
            self.report_child_close(key, how);
        }
        if let Some(close_event) = schedule_close {
            self.scheduled_run_closed(key, status, &close_event);
        }
    }

    /// RequestCancelWorkflowExecution, from a client or a parent: the workflow hears of it in
    /// its next workflow task and decides what to do.
    pub(crate) fn request_cancel(&mut self, key: &ExecutionKey, cause: &str, identity: &str) {
        use temporalio_protos::temporal::api::history::v1::WorkflowExecutionCancelRequestedEventAttributes;
        self.record_external(
            key,
            crate::execution::BufferedEvent::plain(
                Attributes::WorkflowExecutionCancelRequestedEventAttributes(
                    WorkflowExecutionCancelRequestedEventAttributes {
                        cause: cause.to_string(),
                        identity: identity.to_string(),
                        ..WorkflowExecutionCancelRequestedEventAttributes::default()
                    },
                ),
            ),
        );
    }

    /// The run timeout (or the execution's deadline) passed; a retry, or a cron workflow's next
    /// run, may follow.
    pub(crate) fn time_out_run(&mut self, key: &ExecutionKey) {
        if !self.executions.get(key).is_some_and(|e| e.is_running()) {
            return;
        }
        let (retry_state, follow_up) = self.plan_follow_up(key, Ending::TimedOut);
        self.close_execution(
            key,
            WorkflowExecutionStatus::TimedOut,
            Attributes::WorkflowExecutionTimedOutEventAttributes(
                WorkflowExecutionTimedOutEventAttributes {
                    retry_state: retry_state as i32,
                    new_execution_run_id: follow_up
                        .as_ref()
                        .map(|next| next.run_id.clone())
                        .unwrap_or_default(),
                },
            ),
        );
        if let Some(next) = follow_up {
            self.start_follow_up(key, next);
        }
    }
}

impl State {
    /// TerminateWorkflowExecution: closes the run whatever it is doing.
    pub(crate) fn terminate(
        &mut self,
        key: &ExecutionKey,
        reason: &str,
        details: Option<temporalio_protos::temporal::api::common::v1::Payloads>,
        identity: &str,
    ) {
        use temporalio_protos::temporal::api::history::v1::WorkflowExecutionTerminatedEventAttributes;
        self.close_execution(
            key,
            WorkflowExecutionStatus::Terminated,
            Attributes::WorkflowExecutionTerminatedEventAttributes(
                WorkflowExecutionTerminatedEventAttributes {
                    reason: reason.to_string(),
                    details,
                    identity: identity.to_string(),
                },
            ),
        );
    }
}
