//! RespondWorkflowTaskCompleted: the workflow task's commands become events, atomically.
//!
//! Either every command is applied after a WorkflowTaskCompleted event, or (a command is
//! refused, or the workflow would close while new events wait in the buffer) none is, and the
//! workflow task fails with the cause the real server gives.

use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_protos::temporal::api::failure::v1::{
    Failure, ServerFailureInfo, failure::FailureInfo,
};
use temporalio_protos::temporal::api::history::v1::WorkflowTaskCompletedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::workflowservice::v1::RespondWorkflowTaskCompletedRequest;

use super::commands::{self, closes_workflow};
use crate::error::EngineError;
use crate::execution::{Sticky, WorkflowTask};
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::time::nonzero_duration;

/// How long a sticky task waits for its worker before moving to the normal queue, when the
/// worker does not say.
const DEFAULT_STICKY_SCHEDULE_TO_START: std::time::Duration = std::time::Duration::from_secs(5);

impl State {
    /// Applies a completed workflow task.
    // Deprecated fields are still written: the real server fills them, and histories must match.
    #[allow(deprecated)]
    pub(crate) fn complete_workflow_task(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
        request: RespondWorkflowTaskCompletedRequest,
    ) -> Result<(), EngineError> {
        let (scheduled_event_id, started_event_id) =
            self.running_workflow_task(key, scheduled_event_id, attempt)?;
        let identity = request.identity.clone();
        let execution = self.execution(key)?;

        // A command after the one that closes the run can never take effect; a close while new
        // events wait in the buffer would lose them: the worker must see them first.
        let closes = request.commands.iter().position(closes_workflow);
        let trailing = closes.is_some_and(|position| position + 1 < request.commands.len());
        if trailing || (closes.is_some() && !execution.buffered.is_empty()) {
            return Err(self.server_fail(
                key,
                WorkflowTaskFailedCause::UnhandledCommand,
                "",
                &identity,
            ));
        }

        let snapshot = execution.clone();
        self.write_transient_events(key);
        let completed_event_id = self.write(
            key,
            Attributes::WorkflowTaskCompletedEventAttributes(
                WorkflowTaskCompletedEventAttributes {
                    scheduled_event_id,
                    started_event_id,
                    identity: identity.clone(),
                    binary_checksum: request.binary_checksum.clone(),
                    worker_version: request.worker_version_stamp.clone(),
                    sdk_metadata: request.sdk_metadata.clone(),
                    metering_metadata: request.metering_metadata,
                    ..WorkflowTaskCompletedEventAttributes::default()
                },
            ),
        );
        let execution = self.execution_mut(key)?;
        execution.workflow_task = WorkflowTask::Idle;
        execution.previous_started_event_id = started_event_id;
        execution.new_workflow_task_requested = false;
        execution.sticky = request.sticky_attributes.as_ref().and_then(|sticky| {
            let queue = sticky.worker_task_queue.as_ref()?.name.clone();
            let schedule_to_start = nonzero_duration(sticky.schedule_to_start_timeout.as_ref())
                .unwrap_or(DEFAULT_STICKY_SCHEDULE_TO_START);
            (!queue.is_empty()).then_some(Sticky {
                queue,
                schedule_to_start,
            })
        });

        for command in request.commands {
            if let Err(refused) = commands::apply(self, key, completed_event_id, command) {
                // Undo everything since the task started, then fail it.
                if let Some(execution) = self.executions.get_mut(key) {
                    *execution = snapshot;
                }
                self.deferred.clear();
                return Err(self.server_fail(key, refused.cause, &refused.message, &identity));
            }
        }

        let Some(execution) = self.executions.get(key) else {
            return Ok(());
        };
        if !execution.is_running() {
            // The run closed in this task: what its commands would have started later is
            // dropped, as the real server skips the transfer tasks of a closed run.
            self.deferred.clear();
            return Ok(());
        }
        let flushed = self.flush_buffered(key);
        let requested = self
            .executions
            .get(key)
            .is_some_and(|e| e.new_workflow_task_requested);
        if flushed || requested || request.force_create_new_workflow_task {
            self.schedule_workflow_task(key, 1);
        }
        self.run_deferred();
        self.timer_wake.notify_one();
        Ok(())
    }

    /// Marks that the workflow must run again after the current task (for example, an activity
    /// canceled before it started: the workflow sees ActivityTaskCanceled in its next task).
    pub(crate) fn force_new_workflow_task(&mut self, key: &ExecutionKey) {
        if let Some(execution) = self.executions.get_mut(key) {
            execution.new_workflow_task_requested = true;
        }
    }
}

impl State {
    /// Fails the running workflow task on the server's own account (a refused command, an
    /// unhandled command), and returns the INVALID_ARGUMENT error the worker gets, with the same
    /// message as the WorkflowTaskFailed event: the cause, then the detail.
    fn server_fail(
        &mut self,
        key: &ExecutionKey,
        cause: WorkflowTaskFailedCause,
        detail: &str,
        identity: &str,
    ) -> EngineError {
        let name = cause_name(cause);
        let message = if detail.is_empty() {
            name
        } else {
            format!("{name}: {detail}")
        };
        let failure = Failure {
            message: message.clone(),
            failure_info: Some(FailureInfo::ServerFailureInfo(ServerFailureInfo {
                non_retryable: false,
            })),
            ..Failure::default()
        };
        self.fail_workflow_task(key, cause, Some(failure), identity);
        EngineError::WorkflowTaskFailedByServer(message)
    }
}

/// `WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND` becomes `UnhandledCommand`, as the server
/// (and the SDKs that match on it) spell causes in messages.
fn cause_name(cause: WorkflowTaskFailedCause) -> String {
    cause
        .as_str_name()
        .trim_start_matches("WORKFLOW_TASK_FAILED_CAUSE_")
        .split('_')
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
