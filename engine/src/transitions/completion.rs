//! RespondWorkflowTaskCompleted: the workflow task's commands become events, atomically.
//!
//! Either every command is applied after a WorkflowTaskCompleted event, or (a command is
//! refused, or the workflow would close while new events wait in the buffer) none is, and the
//! workflow task fails with the cause the real server gives.
//!
//! Update messages are applied where their `ProtocolMessage` command stands among the commands,
//! the rest after all commands, as the real server does. A speculative task that only rejects
//! updates is dropped without a trace.

use temporalio_protos::temporal::api::command::v1::command::Attributes as CommandAttributes;
use temporalio_protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_protos::temporal::api::failure::v1::{
    Failure, ServerFailureInfo, failure::FailureInfo,
};
use temporalio_protos::temporal::api::history::v1::WorkflowTaskCompletedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::protocol::v1::Message;
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
    /// Applies a completed workflow task. Returns the response's `reset_history_event_id`:
    /// non-zero when a speculative task was dropped, so the worker rewinds to the history
    /// before it.
    // Deprecated fields are still written: the real server fills them, and histories must match.
    #[allow(deprecated)]
    pub(crate) fn complete_workflow_task(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
        mut request: RespondWorkflowTaskCompletedRequest,
    ) -> Result<i64, EngineError> {
        let (scheduled_event_id, started_event_id) =
            self.running_workflow_task(key, scheduled_event_id, attempt)?;
        // The worker answered the queries the task carried from the state it reached.
        self.answer_task_queries(key, std::mem::take(&mut request.query_results));
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

        if only_rejects_updates(&execution.workflow_task, &request) && execution.buffered.is_empty()
        {
            return self.drop_speculative_task(key, request);
        }

        let before = self.snapshot();
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
        execution.sticky = sticky_of(&request);

        let mut messages: Vec<Option<Message>> = request.messages.into_iter().map(Some).collect();
        for mut command in request.commands {
            let first_event_id = self
                .executions
                .get(key)
                .map_or(0, |e| e.history.len() as i64 + 1);
            let markers = std::mem::take(&mut command.event_group_markers);
            // Only a timer's summary is carried over to its event.
            let user_metadata = matches!(
                command.attributes,
                Some(CommandAttributes::StartTimerCommandAttributes(_))
            )
            .then(|| command.user_metadata.take())
            .flatten();
            let applied = match command.attributes {
                Some(CommandAttributes::ProtocolMessageCommandAttributes(attributes)) => {
                    take_message(&mut messages, &attributes.message_id)
                        .and_then(|message| self.apply_update_message(key, message))
                }
                _ => commands::apply(self, key, completed_event_id, command),
            };
            if applied.is_ok()
                && (!markers.is_empty() || user_metadata.is_some())
                && let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut)
                && execution.history.len() as i64 >= first_event_id
            {
                execution.attach_command_metadata(first_event_id, markers, user_metadata);
            }
            if let Err(refused) = applied {
                // Undo everything since the task started, then fail it.
                self.restore(before);
                return Err(self.server_fail(key, refused.cause, &refused.message, &identity));
            }
        }
        for message in messages.into_iter().flatten() {
            if let Err(refused) = self.apply_update_message(key, message) {
                self.restore(before);
                return Err(self.server_fail(key, refused.cause, &refused.message, &identity));
            }
        }

        let Some(execution) = self.executions.get(key) else {
            return Ok(0);
        };
        if !execution.is_running() {
            // The run closed in this task: what its commands would have started later is
            // dropped, as the real server skips the transfer tasks of a closed run.
            self.deferred.clear();
            self.release_queries(key);
            return Ok(0);
        }
        if !request.force_create_new_workflow_task {
            self.reject_unprocessed_updates(key);
        }
        let flushed = self.flush_buffered(key);
        let requested = self
            .executions
            .get(key)
            .is_some_and(|e| e.new_workflow_task_requested);
        if flushed || requested || request.force_create_new_workflow_task {
            self.schedule_workflow_task(key, 1);
        } else if self.has_unsent_updates(key) {
            // Updates that arrived while the task ran ride on a speculative task.
            self.schedule_speculative_workflow_task(key);
        }
        self.release_queries(key);
        self.run_deferred();
        self.timer_wake.notify_one();
        Ok(0)
    }

    /// A speculative task whose worker only rejected updates: no event is written, the run is
    /// as before the task, and the worker is told to rewind to its previous task.
    fn drop_speculative_task(
        &mut self,
        key: &ExecutionKey,
        request: RespondWorkflowTaskCompletedRequest,
    ) -> Result<i64, EngineError> {
        let before = self.snapshot();
        for message in request.messages.clone() {
            if let Err(refused) = self.apply_update_message(key, message) {
                self.restore(before);
                return Err(self.server_fail(
                    key,
                    refused.cause,
                    &refused.message,
                    &request.identity,
                ));
            }
        }
        self.reject_unprocessed_updates(key);
        let execution = self.execution_mut(key)?;
        let (scheduled_event_id, attempt) = match execution.workflow_task {
            WorkflowTask::Started {
                scheduled_event_id,
                attempt,
                ..
            } => (scheduled_event_id, attempt),
            _ => (0, 0),
        };
        execution.workflow_task = WorkflowTask::Idle;
        let reset_history_event_id = execution.previous_started_event_id;
        // Its timeout must not strike the next speculative task, which gets the same ids.
        self.timers
            .remove_workflow_task_timeouts(key, scheduled_event_id, attempt);
        if self.has_unsent_updates(key) {
            self.schedule_speculative_workflow_task(key);
        }
        self.release_queries(key);
        self.timer_wake.notify_one();
        Ok(reset_history_event_id)
    }

    fn has_unsent_updates(&self, key: &ExecutionKey) -> bool {
        self.executions
            .get(key)
            .is_some_and(|execution| execution.is_running() && execution.updates.has_unsent())
    }

    /// Marks that the workflow must run again after the current task (for example, an activity
    /// canceled before it started: the workflow sees ActivityTaskCanceled in its next task).
    pub(crate) fn force_new_workflow_task(&mut self, key: &ExecutionKey) {
        if let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) {
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

/// The sticky queue a completion asks for.
fn sticky_of(request: &RespondWorkflowTaskCompletedRequest) -> Option<Sticky> {
    request.sticky_attributes.as_ref().and_then(|sticky| {
        let queue = sticky.worker_task_queue.as_ref()?.name.clone();
        let schedule_to_start = nonzero_duration(sticky.schedule_to_start_timeout.as_ref())
            .unwrap_or(DEFAULT_STICKY_SCHEDULE_TO_START);
        (!queue.is_empty()).then_some(Sticky {
            queue,
            schedule_to_start,
        })
    })
}

/// True for the answer to a speculative task that the real server drops: no commands, no new
/// task asked for, and nothing but update rejections.
fn only_rejects_updates(
    task: &WorkflowTask,
    request: &RespondWorkflowTaskCompletedRequest,
) -> bool {
    matches!(
        task,
        WorkflowTask::Started {
            speculative: true,
            transient: Some(_),
            ..
        }
    ) && request.commands.is_empty()
        && !request.force_create_new_workflow_task
        && request.messages.iter().all(|message| {
            message
                .body
                .as_ref()
                .is_some_and(|body| body.type_url.ends_with(".Rejection"))
        })
}

/// Takes the message a `ProtocolMessage` command names.
fn take_message(
    messages: &mut [Option<Message>],
    message_id: &str,
) -> Result<Message, commands::CommandRefused> {
    let cause = WorkflowTaskFailedCause::BadUpdateWorkflowExecutionMessage;
    if message_id.is_empty() {
        return Err(commands::refused(
            cause,
            "MessageID is not set on ProtocolMessageCommand.",
        ));
    }
    messages
        .iter_mut()
        .find(|message| message.as_ref().is_some_and(|m| m.id == message_id))
        .and_then(Option::take)
        .ok_or_else(|| {
            commands::refused(
                cause,
                format!("ProtocolMessageCommand referenced absent message ID {message_id}"),
            )
        })
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
