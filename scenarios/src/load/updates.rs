//! `update`: the load generator sends N `load_update` updates after the start, one after
//! another, each waited for until it completed (UpdateWorkflowExecution). Each update counts
//! itself and answers the count so far, so the k-th update answers k; the workflow waits for
//! all N and returns how many it received, so the load generator can check that none was lost
//! or applied twice.
//!
//! History (each update arriving while no task runs): WorkflowExecutionStarted,
//! WorkflowTask{Scheduled,Started,Completed}, then for each update
//! WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionUpdate{Accepted,Completed};
//! the last update's workflow task also completes the workflow (WorkflowExecutionCompleted).
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{SyncWorkflowContext, WorkflowContext, WorkflowResult};

use super::invalid_input;

/// Workflow type name of [`LoadUpdatesWorkflow`].
pub const WORKFLOW_TYPE: &str = "LoadUpdates";

/// Name of the update the load generator sends.
pub const UPDATE_NAME: &str = "load_update";

/// The most updates one workflow waits for (Temporal's default limit on distinct updates per
/// workflow execution, `history.maxTotalUpdates`, is 2,000).
pub const MAX_UPDATES: u32 = 1_000;

/// Counts `load_update` updates until it has as many as its input asks for.
#[workflow]
#[derive(Default)]
pub struct LoadUpdatesWorkflow {
    received: u32,
}

#[workflow_methods]
impl LoadUpdatesWorkflow {
    /// Input: how many updates to wait for (at most [`MAX_UPDATES`]). Result: how many
    /// arrived by the time it completed (more than asked for means duplicates).
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, expected: u32) -> WorkflowResult<u32> {
        if expected > MAX_UPDATES {
            return Err(invalid_input(format!(
                "{expected} updates is above the limit of {MAX_UPDATES}"
            )));
        }
        ctx.wait_condition(|s| s.received >= expected).await?;
        // The handler is synchronous, so it has returned by now; waiting for every handler
        // keeps the run from completing before an update's answer if that ever changes.
        let handlers = ctx.clone();
        ctx.wait_condition(move |_| handlers.all_handlers_finished())
            .await?;
        Ok(ctx.state(|s| s.received))
    }

    /// Counts one update and answers how many have arrived, this one included. Its argument
    /// (the update's index) is not needed for the count.
    #[update(name = UPDATE_NAME)]
    pub(crate) fn load_update(&mut self, _ctx: &mut SyncWorkflowContext<Self>, _index: u32) -> u32 {
        self.received = self.received.saturating_add(1);
        self.received
    }
}
