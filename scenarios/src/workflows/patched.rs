//! `patched`: the workflow asks `ctx.patched("my-patch")` and takes the patched branch, as new
//! executions do.
//!
//! The Rust SDK records the patch twice: a `core_patch` marker (what replay checks) and an
//! upsert of the `TemporalChangeVersion` search attribute listing the patches (for
//! visibility).
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! MarkerRecorded (`core_patch`), UpsertWorkflowSearchAttributes (`TemporalChangeVersion`),
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

/// Workflow type name of [`PatchedWorkflow`].
pub const WORKFLOW_TYPE: &str = "PatchedWorkflow";

/// The patch id the workflow checks.
pub const PATCH_ID: &str = "my-patch";

/// Takes the patched branch on new executions, the original one when replaying a history
/// recorded before the patch.
#[workflow]
#[derive(Default)]
pub struct PatchedWorkflow;

#[workflow_methods]
impl PatchedWorkflow {
    /// Input: a name. Result: `"patched: {name}"`, or `"original: {name}"` when replaying a
    /// history without the patch marker.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, name: String) -> WorkflowResult<String> {
        if ctx.patched(PATCH_ID) {
            Ok(format!("patched: {name}"))
        } else {
            Ok(format!("original: {name}"))
        }
    }
}
