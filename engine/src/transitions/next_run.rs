//! What follows a run that closes on its own: a retry by the workflow's retry policy, or the next
//! run of its cron schedule. (Continue-as-new is a command: `commands/continue_as_new.rs`.)
//!
//! As on the server, the decision is made before the close event is written, because the close
//! event names the next run (`new_execution_run_id`) and, for failures and timeouts, says
//! whether a retry follows (`retry_state`). A retry comes first; a run that is not retried
//! follows its cron schedule if it has one. A canceled or terminated run is never followed.

use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::common::v1::{Payloads, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::{
    ContinueAsNewInitiator, RetryState, TimeoutType,
};
use temporalio_protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_protos::temporal::api::failure::v1::{Failure, TimeoutFailureInfo};
use temporalio_protos::temporal::api::history::v1::WorkflowExecutionStartedEventAttributes;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::workflowservice::v1::StartWorkflowExecutionRequest;
use wfkit_calendar::CronSchedule;

use crate::execution::Execution;
use crate::execution::retry_policy;
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::transitions::start::{ChainLink, RunOrigin};

/// Runs of one workflow start at least this far apart (the server's
/// `WorkflowIdReuseMinimalInterval`), so a chain whose runs close at once cannot spin.
const MINIMUM_RUN_SPACING: Duration = Duration::from_secs(1);

/// How a run is closing, as far as retries and cron care.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ending<'a> {
    Completed { result: Option<&'a Payloads> },
    Failed { failure: Option<&'a Failure> },
    TimedOut,
}

/// The run that follows a closing one; its id goes into the close event.
#[derive(Debug, Clone)]
pub(crate) struct FollowUp {
    pub(crate) run_id: String,
    initiator: ContinueAsNewInitiator,
    backoff: Duration,
    last_completion_result: Option<Payloads>,
    continued_failure: Option<Failure>,
}

/// Whether a workflow's cron string may be used, in the server's words.
pub(crate) fn validate_cron(cron: &str, now: SystemTime) -> Result<(), &'static str> {
    if cron.is_empty() {
        return Ok(());
    }
    let schedule = CronSchedule::parse(cron).map_err(|_| "invalid CronSchedule.")?;
    schedule
        .next_after(now)
        .ok_or("invalid CronSchedule, no time can be found to satisfy the schedule")?;
    Ok(())
}

/// The server's `ContinueAsNewMinBackoff`: the wait before a following run, stretched so that
/// the two runs start at least [`MINIMUM_RUN_SPACING`] apart (counted from when the closing run
/// could first run). A requested wait that already spaces them is kept as it is, `None`
/// included.
pub(crate) fn spaced_backoff(
    closing: &Execution,
    now: SystemTime,
    requested: Option<Duration>,
) -> Option<Duration> {
    let lifetime = now
        .duration_since(closing.execution_time)
        .unwrap_or_default();
    if lifetime + requested.unwrap_or_default() < MINIMUM_RUN_SPACING {
        Some(MINIMUM_RUN_SPACING - lifetime)
    } else {
        requested
    }
}

/// The failure a run that timed out hands to its retry: the server's "workflow timeout".
fn timeout_failure() -> Failure {
    Failure {
        message: "workflow timeout".to_string(),
        source: "Server".to_string(),
        failure_info: Some(FailureInfo::TimeoutFailureInfo(TimeoutFailureInfo {
            timeout_type: TimeoutType::StartToClose as i32,
            last_heartbeat_details: None,
        })),
        ..Failure::default()
    }
}

/// The WorkflowExecutionStarted attributes of a run (its first event).
fn started_attributes(execution: &Execution) -> Option<&WorkflowExecutionStartedEventAttributes> {
    match execution.history.get(0)?.attributes.as_ref()? {
        Attributes::WorkflowExecutionStartedEventAttributes(started) => Some(started),
        _ => None,
    }
}

impl State {
    /// Before `key`'s run closes this way: the retry state its close event carries, and the
    /// run that follows it, if any.
    pub(crate) fn plan_follow_up(
        &mut self,
        key: &ExecutionKey,
        ending: Ending<'_>,
    ) -> (RetryState, Option<FollowUp>) {
        let (retry_state, follow_up) = self.decide_follow_up(key, ending);
        let follow_up = follow_up.map(|mut follow_up| {
            follow_up.run_id = self.ids.uuid();
            follow_up
        });
        (retry_state, follow_up)
    }

    /// [`State::plan_follow_up`] without the new run's id.
    fn decide_follow_up(
        &self,
        key: &ExecutionKey,
        ending: Ending<'_>,
    ) -> (RetryState, Option<FollowUp>) {
        let now = self.now();
        let Some(execution) = self.executions.get(key) else {
            return (RetryState::RetryPolicyNotSet, None);
        };
        let Some(started) = started_attributes(execution) else {
            return (RetryState::RetryPolicyNotSet, None);
        };
        let timed_out = timeout_failure();
        let failure = match ending {
            Ending::Completed { .. } => None,
            Ending::Failed { failure } => failure,
            Ending::TimedOut => Some(&timed_out),
        };
        // A run that timed out at the execution's deadline is never followed.
        if matches!(ending, Ending::TimedOut) && execution.expiration.is_some_and(|e| e <= now) {
            return (RetryState::Timeout, None);
        }
        let mut retry_state = RetryState::RetryPolicyNotSet;
        if !matches!(ending, Ending::Completed { .. })
            && let Some(policy) = &started.retry_policy
        {
            match retry_policy::next_attempt(
                policy,
                execution.attempt,
                failure,
                now,
                execution.expiration,
            ) {
                Ok(backoff) => {
                    let follow_up = FollowUp {
                        run_id: String::new(),
                        initiator: ContinueAsNewInitiator::Retry,
                        backoff: spaced_backoff(execution, now, Some(backoff)).unwrap_or(backoff),
                        // A timed-out run hands on the last completion result it was given.
                        last_completion_result: match ending {
                            Ending::TimedOut => started.last_completion_result.clone(),
                            _ => None,
                        },
                        continued_failure: failure.cloned(),
                    };
                    return (RetryState::InProgress, Some(follow_up));
                }
                Err(state) => retry_state = state,
            }
        }
        let cron_backoff = (!started.cron_schedule.is_empty())
            .then(|| CronSchedule::parse(&started.cron_schedule).ok())
            .flatten()
            .and_then(|schedule| schedule.backoff(execution.execution_time, now));
        let Some(backoff) = cron_backoff else {
            return (retry_state, None);
        };
        let follow_up = FollowUp {
            run_id: String::new(),
            initiator: ContinueAsNewInitiator::CronSchedule,
            backoff: spaced_backoff(execution, now, Some(backoff)).unwrap_or(backoff),
            // A completed run's result is the next run's last completion result; a failed run
            // hands on the one it was given.
            last_completion_result: match ending {
                Ending::Completed { result } => result.cloned(),
                _ => started.last_completion_result.clone(),
            },
            continued_failure: failure.cloned(),
        };
        (retry_state, Some(follow_up))
    }

    /// Starts the run that follows `key`'s (closed) run, with the options its first run started
    /// with, as the server's `SetupNewWorkflowForRetryOrCron` does.
    pub(crate) fn start_follow_up(&mut self, key: &ExecutionKey, follow_up: FollowUp) {
        let Some(execution) = self.executions.get(key) else {
            return;
        };
        let Some(started) = started_attributes(execution) else {
            return;
        };
        let request = StartWorkflowExecutionRequest {
            namespace: key.namespace.clone(),
            workflow_id: key.workflow_id.clone(),
            workflow_type: Some(WorkflowType {
                name: execution.workflow_type.clone(),
            }),
            task_queue: started.task_queue.clone(),
            input: started.input.clone(),
            workflow_execution_timeout: started.workflow_execution_timeout,
            workflow_run_timeout: started.workflow_run_timeout,
            workflow_task_timeout: started.workflow_task_timeout,
            header: started.header.clone(),
            retry_policy: started.retry_policy.clone(),
            cron_schedule: started.cron_schedule.clone(),
            memo: started.memo.clone(),
            search_attributes: started.search_attributes.clone(),
            priority: started.priority.clone(),
            ..StartWorkflowExecutionRequest::default()
        };
        let attempt = if follow_up.initiator == ContinueAsNewInitiator::Retry {
            execution.attempt + 1
        } else {
            1
        };
        let link = ChainLink {
            previous_run_id: key.run_id.clone(),
            first_execution_run_id: execution.first_execution_run_id.clone(),
            parent: execution.parent.clone(),
            initiator: follow_up.initiator,
            backoff: Some(follow_up.backoff),
            attempt,
            last_completion_result: follow_up.last_completion_result,
            continued_failure: follow_up.continued_failure,
            expiration: execution.expiration,
        };
        self.start_run(
            request,
            follow_up.run_id,
            RunOrigin::Chained(Box::new(link)),
        );
    }
}
