//! `chain`: N activities one after the other, each adding one to a counter.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed}, then N times
//! (ActivityTask{Scheduled,Started,Completed}, WorkflowTask{Scheduled,Started,Completed}),
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

use super::activities::{LoadActivities, load_activity_options};
use super::invalid_input;

/// Workflow type name of [`LoadChainWorkflow`].
pub const WORKFLOW_TYPE: &str = "LoadChain";

/// The longest chain the workflow agrees to run, so a typo cannot make a history of a million
/// events.
pub const MAX_CHAIN_LENGTH: u32 = 1_000;

/// Runs `load_echo` N times in sequence.
#[workflow]
#[derive(Default)]
pub struct LoadChainWorkflow;

#[workflow_methods]
impl LoadChainWorkflow {
    /// Input: the chain length N (at most [`MAX_CHAIN_LENGTH`]). Result: N, counted by the
    /// activities.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, length: u32) -> WorkflowResult<u64> {
        if length > MAX_CHAIN_LENGTH {
            return Err(invalid_input(format!(
                "chain length {length} is above the limit of {MAX_CHAIN_LENGTH}"
            )));
        }
        let mut count = 0u64;
        for _ in 0..length {
            count = ctx
                .execute_activity(LoadActivities::echo, count + 1, load_activity_options())
                .await?;
        }
        Ok(count)
    }
}
