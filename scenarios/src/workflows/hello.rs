//! `hello`: one activity, then complete with its result.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! ActivityTask{Scheduled,Started,Completed}, WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

use crate::activities::{ScenarioActivities, activity_options};

/// Workflow type name of [`HelloWorkflow`].
pub const WORKFLOW_TYPE: &str = "HelloWorkflow";

/// Greets its input through the `greet` activity and completes with the greeting.
#[workflow]
#[derive(Default)]
pub struct HelloWorkflow;

#[workflow_methods]
impl HelloWorkflow {
    /// Input: the name to greet. Result: `"Hello, {name}!"`.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, name: String) -> WorkflowResult<String> {
        let greeting = ctx
            .execute_activity(ScenarioActivities::greet, name, activity_options())
            .await?;
        Ok(greeting)
    }
}
