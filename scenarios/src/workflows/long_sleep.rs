//! `long_sleep`: sleep for days, then run an activity that needs hours of retries. Meant for
//! servers with time skipping (wfkit's engine): on a real server it takes the days it says.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed}, TimerStarted,
//! TimerFired, WorkflowTask{Scheduled,Started,Completed}, ActivityTaskScheduled,
//! ActivityTaskStarted (attempt 3), ActivityTaskCompleted,
//! WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use serde::{Deserialize, Serialize};
use temporalio_common::RetryPolicy;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ActivityOptions, ApplicationFailure, TimerResult, WorkflowContext, WorkflowResult,
};

use crate::activities::{ACTIVITY_START_TO_CLOSE_MS, MAX_ACTIVITY_ATTEMPTS, ScenarioActivities};

/// Workflow type name of [`LongSleepWorkflow`].
pub const WORKFLOW_TYPE: &str = "LongSleepWorkflow";

/// Application failure type for inputs the scenario refuses to run.
pub const INVALID_INPUT_TYPE: &str = "InvalidLongSleepInput";

/// Longest sleep the workflow accepts: a year.
pub const MAX_SLEEP_DAYS: u64 = 366;

/// First retry delay of the activity: an hour.
pub const RETRY_INITIAL_INTERVAL_SECS: u64 = 3_600;

/// Retry backoff coefficient of the activity: 1 h, 2 h, 4 h, …
pub const RETRY_BACKOFF_COEFFICIENT: f64 = 2.0;

/// Upper bound on one retry delay: a day.
pub const RETRY_MAXIMUM_INTERVAL_SECS: u64 = 86_400;

const SECONDS_PER_DAY: u64 = 86_400;

/// Input of [`LongSleepWorkflow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LongSleepInput {
    /// Days to sleep before the activity (at most [`MAX_SLEEP_DAYS`]).
    pub sleep_days: u64,
    /// The attempt on which `flaky` succeeds (at most [`MAX_ACTIVITY_ATTEMPTS`]).
    pub succeed_on_attempt: u32,
}

/// Sleeps `sleep_days`, then runs `flaky` with hour-scale retries.
#[workflow]
#[derive(Default)]
pub struct LongSleepWorkflow;

#[workflow_methods]
impl LongSleepWorkflow {
    /// Result: `"slept {days} days; succeeded on attempt {n}"`.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: LongSleepInput,
    ) -> WorkflowResult<String> {
        if input.sleep_days > MAX_SLEEP_DAYS || input.succeed_on_attempt > MAX_ACTIVITY_ATTEMPTS {
            return Err(invalid(format!(
                "sleep_days {} (at most {MAX_SLEEP_DAYS}) or succeed_on_attempt {} \
                 (at most {MAX_ACTIVITY_ATTEMPTS}) out of range",
                input.sleep_days, input.succeed_on_attempt
            )));
        }
        let slept = ctx
            .timer(Duration::from_secs(input.sleep_days * SECONDS_PER_DAY))
            .await;
        if slept != TimerResult::Fired {
            return Err(invalid(format!("the timer did not fire: {slept:?}")));
        }
        let activity = ctx
            .execute_activity(
                ScenarioActivities::flaky,
                input.succeed_on_attempt,
                ActivityOptions::with_start_to_close_timeout(Duration::from_millis(
                    ACTIVITY_START_TO_CLOSE_MS,
                ))
                .retry_policy(retry_policy())
                .build(),
            )
            .await?;
        Ok(format!("slept {} days; {activity}", input.sleep_days))
    }
}

/// The activity's retry policy: 1 h, then 2 h, 4 h, … capped at a day, at most
/// [`MAX_ACTIVITY_ATTEMPTS`] attempts.
#[must_use]
pub fn retry_policy() -> RetryPolicy {
    RetryPolicy::builder()
        .initial_interval(Duration::from_secs(RETRY_INITIAL_INTERVAL_SECS))
        .backoff_coefficient(RETRY_BACKOFF_COEFFICIENT)
        .maximum_interval(Duration::from_secs(RETRY_MAXIMUM_INTERVAL_SECS))
        .maximum_attempts(MAX_ACTIVITY_ATTEMPTS)
        .build()
}

fn invalid(message: String) -> temporalio_sdk::WorkflowTermination {
    ApplicationFailure::builder(message)
        .type_name(INVALID_INPUT_TYPE.to_owned())
        .non_retryable(true)
        .build()
        .into()
}
