//! `signals`: the load generator sends N `load_signal` signals after the start; the workflow
//! waits for all N and returns how many it received, so the load generator can check that none
//! was lost (a lost signal leaves the workflow waiting until the iteration times out).
//!
//! History (signals arriving while no task runs): WorkflowExecutionStarted,
//! WorkflowTask{Scheduled,Started,Completed}, then WorkflowExecutionSignaled events (several
//! may share one workflow task), WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{SyncWorkflowContext, WorkflowContext, WorkflowResult};

use super::invalid_input;

/// Workflow type name of [`LoadSignalsWorkflow`].
pub const WORKFLOW_TYPE: &str = "LoadSignals";

/// Name of the signal the load generator sends.
pub const SIGNAL_NAME: &str = "load_signal";

/// The most signals one workflow waits for.
pub const MAX_SIGNALS: u32 = 1_000;

/// Counts `load_signal` signals until it has as many as its input asks for.
#[workflow]
#[derive(Default)]
pub struct LoadSignalsWorkflow {
    received: u32,
}

#[workflow_methods]
impl LoadSignalsWorkflow {
    /// Input: how many signals to wait for (at most [`MAX_SIGNALS`]). Result: how many
    /// arrived by the time it completed (more than asked for means duplicates).
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, expected: u32) -> WorkflowResult<u32> {
        if expected > MAX_SIGNALS {
            return Err(invalid_input(format!(
                "{expected} signals is above the limit of {MAX_SIGNALS}"
            )));
        }
        ctx.wait_condition(|s| s.received >= expected).await?;
        Ok(ctx.state(|s| s.received))
    }

    /// Counts one signal. Its payload (the signal's index) is not needed for the count.
    #[signal(name = SIGNAL_NAME)]
    pub(crate) fn receive(&mut self, _ctx: &mut SyncWorkflowContext<Self>, _index: u32) {
        self.received = self.received.saturating_add(1);
    }
}
