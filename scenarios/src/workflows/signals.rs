//! `signals`: wait for N `add_item` signals, then complete with their payloads in arrival order.
//!
//! History (with the driver waiting for each workflow task to finish before it signals):
//! WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed}, then N times
//! (WorkflowExecutionSignaled, WorkflowTask{Scheduled,Started,Completed}), and
//! WorkflowExecutionCompleted in the last workflow task.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{SyncWorkflowContext, WorkflowContext, WorkflowResult};

/// Workflow type name of [`SignalsWorkflow`].
pub const WORKFLOW_TYPE: &str = "SignalsWorkflow";

/// Name of the signal that adds one item.
pub const SIGNAL_NAME: &str = "add_item";

/// Items kept at most; later signals are ignored so a runaway sender cannot grow the state
/// without bound.
pub const MAX_ITEMS: usize = 1_000;

/// Collects `add_item` signals until it has as many as its input asks for.
#[workflow]
#[derive(Default)]
pub struct SignalsWorkflow {
    items: Vec<String>,
}

#[workflow_methods]
impl SignalsWorkflow {
    /// Input: how many signals to wait for (at most [`MAX_ITEMS`]). Result: the first that
    /// many payloads, in the order they arrived.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        expected: u32,
    ) -> WorkflowResult<Vec<String>> {
        let wanted = usize::try_from(expected)
            .unwrap_or(MAX_ITEMS)
            .min(MAX_ITEMS);
        ctx.wait_condition(|s| s.items.len() >= wanted).await?;
        Ok(ctx.state(|s| s.items.iter().take(wanted).cloned().collect()))
    }

    /// Appends one item.
    #[signal(name = SIGNAL_NAME)]
    pub(crate) fn add_item(&mut self, _ctx: &mut SyncWorkflowContext<Self>, item: String) {
        if self.items.len() < MAX_ITEMS {
            self.items.push(item);
        }
    }
}
