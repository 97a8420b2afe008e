//! `child_workflow`: the parent runs [`HelloWorkflow`] as a child and completes with the child's
//! result.
//!
//! The child's workflow id is the parent's with `-child` appended (not the SDK's default, a
//! UUID), so it is the same on every server and in every recording.
//!
//! History of the parent: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! StartChildWorkflowExecutionInitiated, ChildWorkflowExecutionStarted,
//! WorkflowTask{Scheduled,Started,Completed}, ChildWorkflowExecutionCompleted,
//! WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{ChildWorkflowOptions, WorkflowContext, WorkflowResult};

use super::HelloWorkflow;

/// Workflow type name of [`ChildWorkflowParent`].
pub const WORKFLOW_TYPE: &str = "ChildWorkflowParent";

/// Suffix that turns the parent's workflow id into the child's.
pub const CHILD_ID_SUFFIX: &str = "-child";

/// Greets its input through a `HelloWorkflow` child.
#[workflow]
#[derive(Default)]
pub struct ChildWorkflowParent;

#[workflow_methods]
impl ChildWorkflowParent {
    /// Input: the name to greet. Result: the child's result, `"Hello, {name}!"`.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, name: String) -> WorkflowResult<String> {
        let child_id = format!("{}{CHILD_ID_SUFFIX}", ctx.workflow_id());
        let child = ctx
            .start_child_workflow(
                HelloWorkflow::run,
                name,
                ChildWorkflowOptions::workflow_id(child_id),
            )
            .await?;
        Ok(child.result().await?)
    }
}
