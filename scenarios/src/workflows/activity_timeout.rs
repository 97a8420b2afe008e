//! `activity_timeout`: an activity sleeps longer than its start-to-close timeout on each of its
//! attempts; the workflow catches the final timeout and completes with a description of it.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! ActivityTaskScheduled, ActivityTaskStarted (last attempt), ActivityTaskTimedOut
//! (START_TO_CLOSE, retry state MAXIMUM_ATTEMPTS_REACHED), WorkflowTask{Scheduled,Started,
//! Completed}, WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use serde::{Deserialize, Serialize};
use temporalio_common::RetryPolicy;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ActivityExecutionError, ActivityOptions, ApplicationFailure, RetryState, TimeoutType,
    WorkflowContext, WorkflowResult,
};

use crate::activities::{RETRY_BACKOFF_COEFFICIENT, RETRY_INITIAL_INTERVAL_MS, ScenarioActivities};

/// Workflow type name of [`ActivityTimeoutWorkflow`].
pub const WORKFLOW_TYPE: &str = "ActivityTimeoutWorkflow";

/// Application failure type when the activity did not time out.
pub const NOT_TIMED_OUT_TYPE: &str = "ActivityDidNotTimeOut";

/// Input of [`ActivityTimeoutWorkflow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityTimeoutInput {
    /// Attempts the retry policy allows.
    pub maximum_attempts: u32,
    /// How long the `sleep` activity sleeps on every attempt.
    pub sleep_ms: u64,
    /// The activity's start-to-close timeout; shorter than `sleep_ms`.
    pub start_to_close_ms: u64,
}

/// Runs `sleep` with a start-to-close timeout shorter than the sleep, and reports how it
/// timed out.
#[workflow]
#[derive(Default)]
pub struct ActivityTimeoutWorkflow;

#[workflow_methods]
impl ActivityTimeoutWorkflow {
    /// Result: `"activity sleep timed out: {TIMEOUT_TYPE}, retry state {RETRY_STATE}"` with the
    /// proto enum names (`START_TO_CLOSE`, `MAXIMUM_ATTEMPTS_REACHED`). Fails with
    /// [`NOT_TIMED_OUT_TYPE`] when the activity completes, and with the activity's error when
    /// it fails some other way.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: ActivityTimeoutInput,
    ) -> WorkflowResult<String> {
        let retry = RetryPolicy::builder()
            .initial_interval(Duration::from_millis(RETRY_INITIAL_INTERVAL_MS))
            .backoff_coefficient(RETRY_BACKOFF_COEFFICIENT)
            .maximum_attempts(input.maximum_attempts)
            .build();
        let result = ctx
            .execute_activity(
                ScenarioActivities::sleep,
                input.sleep_ms,
                ActivityOptions::with_start_to_close_timeout(Duration::from_millis(
                    input.start_to_close_ms,
                ))
                .retry_policy(retry)
                .build(),
            )
            .await;
        match result {
            Err(ActivityExecutionError::Failed(failure)) => match failure.as_timeout() {
                Some(timeout) => Ok(format!(
                    "activity {} timed out: {}, retry state {}",
                    failure.activity_type().unwrap_or("?"),
                    timeout_type_name(timeout.timeout_type()),
                    retry_state_name(failure.retry_state()),
                )),
                None => Err(ActivityExecutionError::Failed(failure).into()),
            },
            Ok(result) => Err(ApplicationFailure::builder(format!(
                "the activity completed instead of timing out: {result}"
            ))
            .type_name(NOT_TIMED_OUT_TYPE.to_owned())
            .non_retryable(true)
            .build()
            .into()),
            Err(other) => Err(other.into()),
        }
    }
}

/// The proto name (without prefix) of a timeout type: fixed strings, not `Debug`, so the
/// recorded result does not depend on how the SDK formats its enums.
fn timeout_type_name(timeout_type: TimeoutType) -> &'static str {
    match timeout_type {
        TimeoutType::StartToClose => "START_TO_CLOSE",
        TimeoutType::ScheduleToStart => "SCHEDULE_TO_START",
        TimeoutType::ScheduleToClose => "SCHEDULE_TO_CLOSE",
        TimeoutType::Heartbeat => "HEARTBEAT",
        TimeoutType::Unspecified => "UNSPECIFIED",
        _ => "UNKNOWN",
    }
}

/// The proto name (without prefix) of a retry state; see [`timeout_type_name`].
fn retry_state_name(retry_state: RetryState) -> &'static str {
    match retry_state {
        RetryState::InProgress => "IN_PROGRESS",
        RetryState::NonRetryableFailure => "NON_RETRYABLE_FAILURE",
        RetryState::Timeout => "TIMEOUT",
        RetryState::MaximumAttemptsReached => "MAXIMUM_ATTEMPTS_REACHED",
        RetryState::RetryPolicyNotSet => "RETRY_POLICY_NOT_SET",
        RetryState::InternalServerError => "INTERNAL_SERVER_ERROR",
        RetryState::CancelRequested => "CANCEL_REQUESTED",
        RetryState::Unspecified => "UNSPECIFIED",
        _ => "UNKNOWN",
    }
}
