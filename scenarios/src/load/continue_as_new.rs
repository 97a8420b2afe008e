//! `continue-as-new`: continues as new K times, then completes.
//!
//! Servers space the runs of one workflow id (Temporal's `workflowIdReuseMinimalInterval`,
//! one second): a run that continues as new sooner gets its first workflow task delayed, so a
//! chain of K takes about K seconds. That is part of what this scenario measures.
//!
//! History of each run but the last: WorkflowExecutionStarted,
//! WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionContinuedAsNew. The last run:
//! WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use serde::{Deserialize, Serialize};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{ContinueAsNewOptions, WorkflowContext, WorkflowResult};

use super::invalid_input;

/// Workflow type name of [`LoadContinueAsNewWorkflow`].
pub const WORKFLOW_TYPE: &str = "LoadContinueAsNew";

/// The most continue-as-new hops one chain agrees to make.
pub const MAX_CONTINUE_AS_NEW: u32 = 100;

/// Input of one run of [`LoadContinueAsNewWorkflow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContinueAsNewInput {
    /// How many times the chain continues as new in total (at most [`MAX_CONTINUE_AS_NEW`]).
    pub times: u32,
    /// How many runs came before this one (0 for the first run).
    pub run: u32,
}

/// Continues as new with `run + 1` until `run` reaches `times`, then completes.
#[workflow]
#[derive(Default)]
pub struct LoadContinueAsNewWorkflow;

#[workflow_methods]
impl LoadContinueAsNewWorkflow {
    /// Result of the last run: `times`, the number of continue-as-new hops made.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: ContinueAsNewInput,
    ) -> WorkflowResult<u32> {
        if input.times > MAX_CONTINUE_AS_NEW || input.run > input.times {
            return Err(invalid_input(format!(
                "run {} of {} continue-as-new is out of range (at most {MAX_CONTINUE_AS_NEW})",
                input.run, input.times
            )));
        }
        if input.run < input.times {
            ctx.continue_as_new(
                ContinueAsNewInput {
                    run: input.run + 1,
                    ..input
                },
                ContinueAsNewOptions::default(),
            )?;
        }
        Ok(input.run)
    }
}
