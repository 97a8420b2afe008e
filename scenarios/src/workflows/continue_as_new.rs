//! `continue_as_new`: the workflow continues as new a given number of times, counting its runs
//! in its input, and completes on the last run.
//!
//! Each run that continues as new first waits [`MIN_RUN_MS`]: the real server delays the first
//! workflow task of a run that continues one younger than a second
//! (`history.workflowIdReuseMinimalInterval`) by a random backoff, recorded as
//! `firstWorkflowTaskBackoff`, which would make the histories differ from one recording to the
//! next.
//!
//! History of each run before the last: WorkflowExecutionStarted,
//! WorkflowTask{Scheduled,Started,Completed}, TimerStarted, TimerFired,
//! WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionContinuedAsNew. The last run:
//! WorkflowExecutionStarted (initiator CONTINUE_AS_NEW), WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use serde::{Deserialize, Serialize};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{ApplicationFailure, ContinueAsNewOptions, WorkflowContext, WorkflowResult};

/// Workflow type name of [`ContinueAsNewWorkflow`].
pub const WORKFLOW_TYPE: &str = "ContinueAsNewWorkflow";

/// Application failure type for inputs the scenario refuses to run.
pub const INVALID_INPUT_TYPE: &str = "InvalidContinueAsNewInput";

/// Most continue-as-new hops the workflow agrees to make: a chain is a test of the mechanism,
/// not a loop that may run away.
pub const MAX_CONTINUE_AS_NEW: u32 = 10;

/// How long a run waits before it continues as new: the real server's default minimal interval
/// between two runs of one workflow id, below which it delays the next run at random.
pub const MIN_RUN_MS: u64 = 1_000;

/// Input of one run of [`ContinueAsNewWorkflow`]. Fields in alphabetical order, so the payload
/// the SDK writes for the next run reads the same as the one the driver wrote for the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContinueAsNewInput {
    /// How many times the chain continues as new in total (at most [`MAX_CONTINUE_AS_NEW`]).
    pub continue_as_new_times: u32,
    /// How many runs came before this one (0 for the first run).
    pub run: u32,
}

/// Continues as new with `run + 1` (after [`MIN_RUN_MS`]) until `run` reaches
/// `continue_as_new_times`, then completes.
#[workflow]
#[derive(Default)]
pub struct ContinueAsNewWorkflow;

#[workflow_methods]
impl ContinueAsNewWorkflow {
    /// Result of the last run: `"completed on run {n} after {n - 1} continue-as-new"`, where
    /// runs count from 1.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: ContinueAsNewInput,
    ) -> WorkflowResult<String> {
        if input.continue_as_new_times > MAX_CONTINUE_AS_NEW
            || input.run > input.continue_as_new_times
        {
            return Err(ApplicationFailure::builder(format!(
                "run {} of {} continue-as-new is out of range (at most {MAX_CONTINUE_AS_NEW})",
                input.run, input.continue_as_new_times
            ))
            .type_name(INVALID_INPUT_TYPE.to_owned())
            .non_retryable(true)
            .build()
            .into());
        }
        if input.run < input.continue_as_new_times {
            ctx.timer(Duration::from_millis(MIN_RUN_MS)).await;
            ctx.continue_as_new(
                ContinueAsNewInput {
                    run: input.run + 1,
                    ..input
                },
                ContinueAsNewOptions::default(),
            )?;
        }
        Ok(completion_message(input.continue_as_new_times))
    }
}

/// The result of the last run of a chain that continued as new `times` times.
#[must_use]
pub fn completion_message(times: u32) -> String {
    format!(
        "completed on run {} after {times} continue-as-new",
        u64::from(times) + 1
    )
}
