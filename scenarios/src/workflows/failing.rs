//! `failing`: the workflow fails with a non-retryable application error.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionFailed.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{ApplicationFailure, WorkflowContext, WorkflowResult};

/// Workflow type name of [`FailingWorkflow`].
pub const WORKFLOW_TYPE: &str = "FailingWorkflow";

/// Application failure type the workflow fails with.
pub const FAILURE_TYPE: &str = "ScenarioFailure";

/// Fails at once with a non-retryable [`FAILURE_TYPE`] application error whose message is the
/// input.
#[workflow]
#[derive(Default)]
pub struct FailingWorkflow;

#[workflow_methods]
impl FailingWorkflow {
    /// Input: the failure message. Never completes successfully.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(_ctx: &mut WorkflowContext<Self>, message: String) -> WorkflowResult<()> {
        Err(ApplicationFailure::builder(message)
            .type_name(FAILURE_TYPE.to_owned())
            .non_retryable(true)
            .build()
            .into())
    }
}
