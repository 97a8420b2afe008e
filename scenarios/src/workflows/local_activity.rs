//! `local_activity`: the `greet` activity runs as a local activity, inside the workflow task,
//! and its result is recorded in a marker.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! MarkerRecorded (`core_local_activity`), WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{LocalActivityOptions, WorkflowContext, WorkflowResult};

use crate::activities::{ACTIVITY_START_TO_CLOSE_MS, ScenarioActivities, retry_policy};

/// Workflow type name of [`LocalActivityWorkflow`].
pub const WORKFLOW_TYPE: &str = "LocalActivityWorkflow";

/// Greets its input through `greet` run as a local activity.
#[workflow]
#[derive(Default)]
pub struct LocalActivityWorkflow;

#[workflow_methods]
impl LocalActivityWorkflow {
    /// Input: the name to greet. Result: `"Hello, {name}!"`.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, name: String) -> WorkflowResult<String> {
        let greeting = ctx
            .execute_local_activity(
                ScenarioActivities::greet,
                name,
                LocalActivityOptions::builder()
                    .start_to_close_timeout(Duration::from_millis(ACTIVITY_START_TO_CLOSE_MS))
                    .retry_policy(retry_policy())
                    .build(),
            )
            .await?;
        Ok(greeting)
    }
}
