//! `child`: starts a [`LoadNoopWorkflow`] child and completes with its result.
//!
//! The child's workflow id is the parent's with `-child` appended, so it is unique per
//! iteration like the parent's.
//!
//! History of the parent: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! StartChildWorkflowExecutionInitiated, ChildWorkflowExecutionStarted,
//! WorkflowTask{Scheduled,Started,Completed}, ChildWorkflowExecutionCompleted,
//! WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{ChildWorkflowOptions, WorkflowContext, WorkflowResult};

use super::noop::LoadNoopWorkflow;

/// Workflow type name of [`LoadChildWorkflow`].
pub const WORKFLOW_TYPE: &str = "LoadChild";

/// Suffix that turns the parent's workflow id into the child's.
pub const CHILD_ID_SUFFIX: &str = "-child";

/// Runs a `LoadNoop` child and returns its result.
#[workflow]
#[derive(Default)]
pub struct LoadChildWorkflow;

#[workflow_methods]
impl LoadChildWorkflow {
    /// Input: any number. Result: the same number, returned by the child.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, value: u64) -> WorkflowResult<u64> {
        let child_id = format!("{}{CHILD_ID_SUFFIX}", ctx.workflow_id());
        let child = ctx
            .start_child_workflow(
                LoadNoopWorkflow::run,
                value,
                ChildWorkflowOptions::workflow_id(child_id),
            )
            .await?;
        Ok(child.result().await?)
    }
}
