//! `noop`: completes in its first workflow task with its input. Measures the bare cost of a
//! workflow: start, one workflow task, close.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

/// Workflow type name of [`LoadNoopWorkflow`].
pub const WORKFLOW_TYPE: &str = "LoadNoop";

/// Returns its input at once.
#[workflow]
#[derive(Default)]
pub struct LoadNoopWorkflow;

#[workflow_methods]
impl LoadNoopWorkflow {
    /// Input: any number. Result: the same number.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(_ctx: &mut WorkflowContext<Self>, value: u64) -> WorkflowResult<u64> {
        Ok(value)
    }
}
