//! `activity`: one activity, then complete with its result.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! ActivityTask{Scheduled,Started,Completed}, WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

use super::activities::{LoadActivities, load_activity_options};

/// Workflow type name of [`LoadActivityWorkflow`].
pub const WORKFLOW_TYPE: &str = "LoadActivity";

/// Runs the `load_echo` activity once.
#[workflow]
#[derive(Default)]
pub struct LoadActivityWorkflow;

#[workflow_methods]
impl LoadActivityWorkflow {
    /// Input: any number. Result: the same number, as the activity echoed it.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, value: u64) -> WorkflowResult<u64> {
        Ok(ctx
            .execute_activity(LoadActivities::echo, value, load_activity_options())
            .await?)
    }
}
