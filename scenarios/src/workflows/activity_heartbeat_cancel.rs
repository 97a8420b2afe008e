//! `activity_heartbeat_cancel`: an activity heartbeats in a loop; after a short timer the
//! workflow cancels it and waits for the worker to confirm the cancellation
//! (`WAIT_CANCELLATION_COMPLETED`), then completes saying so.
//!
//! The activity learns of the cancellation from the server's answer to a heartbeat, so the
//! heartbeat timeout (1 s, which the SDK throttles sending to 800 ms) bounds the wait.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! ActivityTaskScheduled, TimerStarted, TimerFired, WorkflowTask{Scheduled,Started,Completed},
//! ActivityTaskCancelRequested, ActivityTaskStarted, ActivityTaskCanceled,
//! WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ActivityCancellationType, ActivityExecutionError, ActivityOptions, ApplicationFailure,
    CancellableFuture, WorkflowContext, WorkflowResult,
};

use crate::activities::{ScenarioActivities, retry_policy};

/// Workflow type name of [`ActivityHeartbeatCancelWorkflow`].
pub const WORKFLOW_TYPE: &str = "ActivityHeartbeatCancelWorkflow";

/// Application failure type when the activity was not cancelled as expected.
pub const NOT_CANCELLED_TYPE: &str = "ActivityNotCancelled";

/// The result when the activity reported itself cancelled.
pub const CANCELLED_RESULT: &str = "activity heartbeat_until_cancelled was canceled";

/// Heartbeat timeout of the activity. Cancellation reaches the activity with the server's
/// answer to a heartbeat, and the SDK sends heartbeats at most every 80 % of this.
pub const HEARTBEAT_TIMEOUT_MS: u64 = 1_000;

/// Start-to-close timeout of the activity: far beyond the scenario's second, it only bounds a
/// stuck run.
pub const START_TO_CLOSE_MS: u64 = 30_000;

/// Heartbeats after which the activity gives up waiting to be cancelled (20 s at 50 ms).
pub const MAX_HEARTBEATS: u32 = 400;

/// Starts `heartbeat_until_cancelled`, cancels it when a timer fires, and waits for the
/// cancellation to complete.
#[workflow]
#[derive(Default)]
pub struct ActivityHeartbeatCancelWorkflow;

#[workflow_methods]
impl ActivityHeartbeatCancelWorkflow {
    /// Input: the timer's duration in milliseconds. Result: [`CANCELLED_RESULT`]; any other end
    /// of the activity fails the workflow with [`NOT_CANCELLED_TYPE`] or the activity's error.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        cancel_after_ms: u64,
    ) -> WorkflowResult<String> {
        let activity = ctx.execute_activity(
            ScenarioActivities::heartbeat_until_cancelled,
            MAX_HEARTBEATS,
            ActivityOptions::with_start_to_close_timeout(Duration::from_millis(START_TO_CLOSE_MS))
                .heartbeat_timeout(Duration::from_millis(HEARTBEAT_TIMEOUT_MS))
                .cancellation_type(ActivityCancellationType::WaitCancellationCompleted)
                .retry_policy(retry_policy())
                .build(),
        );
        ctx.timer(Duration::from_millis(cancel_after_ms)).await;
        activity.cancel();
        match activity.await {
            Err(ActivityExecutionError::Cancelled(_)) => Ok(CANCELLED_RESULT.to_owned()),
            Ok(result) => Err(ApplicationFailure::builder(format!(
                "the activity completed instead of being cancelled: {result}"
            ))
            .type_name(NOT_CANCELLED_TYPE.to_owned())
            .non_retryable(true)
            .build()
            .into()),
            Err(other) => Err(other.into()),
        }
    }
}
