//! `activity_retry`: an activity fails (retryably) until its attempt number reaches the input,
//! and the server retries it with a 100 ms initial interval and 2.0 backoff.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! ActivityTaskScheduled, ActivityTaskStarted (attempt = input, last failure from the attempt
//! before), ActivityTaskCompleted, WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionCompleted. Failed attempts are not events: the server records only the
//! last one.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

use crate::activities::{ScenarioActivities, activity_options};

/// Workflow type name of [`ActivityRetryWorkflow`].
pub const WORKFLOW_TYPE: &str = "ActivityRetryWorkflow";

/// Runs the `flaky` activity, which succeeds on the attempt given as input.
#[workflow]
#[derive(Default)]
pub struct ActivityRetryWorkflow;

#[workflow_methods]
impl ActivityRetryWorkflow {
    /// Input: the attempt on which `flaky` succeeds (at most
    /// [`MAX_ACTIVITY_ATTEMPTS`](crate::activities::MAX_ACTIVITY_ATTEMPTS)). Result:
    /// `"succeeded on attempt {n}"`.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        succeed_on_attempt: u32,
    ) -> WorkflowResult<String> {
        let outcome = ctx
            .execute_activity(
                ScenarioActivities::flaky,
                succeed_on_attempt,
                activity_options(),
            )
            .await?;
        Ok(outcome)
    }
}
