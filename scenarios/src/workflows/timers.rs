//! `timers`: start two timers, let the shorter one fire, cancel the longer one.
//!
//! Both timers are started in the first workflow task, so the server sees both and the
//! cancellation is a real `CancelTimer` command rather than one the SDK drops before sending.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! TimerStarted (long), TimerStarted (short), TimerFired (short),
//! WorkflowTask{Scheduled,Started,Completed}, TimerCanceled (long),
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use serde::{Deserialize, Serialize};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ApplicationFailure, CancellableFuture, TimerResult, WorkflowContext, WorkflowResult,
};

/// Workflow type name of [`TimersWorkflow`].
pub const WORKFLOW_TYPE: &str = "TimersWorkflow";

/// Application failure type for inputs the scenario cannot run (and for timers that resolve
/// the wrong way, which would be an engine bug).
pub const INVALID_TIMERS_TYPE: &str = "InvalidTimers";

/// Input (and, echoed back, result) of [`TimersWorkflow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimersInput {
    /// Duration of the timer that fires.
    pub fired_timer_ms: u64,
    /// Duration of the timer that is cancelled; must be longer than `fired_timer_ms`.
    pub cancelled_timer_ms: u64,
}

/// Starts a long and a short timer, waits for the short one, then cancels the long one.
#[workflow]
#[derive(Default)]
pub struct TimersWorkflow;

#[workflow_methods]
impl TimersWorkflow {
    /// Result: the input, once the short timer fired and the long one was cancelled.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: TimersInput,
    ) -> WorkflowResult<TimersInput> {
        if input.cancelled_timer_ms <= input.fired_timer_ms {
            return Err(invalid(format!(
                "cancelled_timer_ms ({}) must be longer than fired_timer_ms ({})",
                input.cancelled_timer_ms, input.fired_timer_ms
            )));
        }
        let long = ctx.timer(Duration::from_millis(input.cancelled_timer_ms));
        let short = ctx.timer(Duration::from_millis(input.fired_timer_ms));
        let fired = short.await;
        long.cancel();
        let cancelled = long.await;
        if fired != TimerResult::Fired || cancelled != TimerResult::Cancelled {
            return Err(invalid(format!(
                "expected the short timer to fire and the long one to be cancelled, \
                 got {fired:?} and {cancelled:?}"
            )));
        }
        Ok(input)
    }
}

fn invalid(message: String) -> temporalio_sdk::WorkflowTermination {
    ApplicationFailure::builder(message)
        .type_name(INVALID_TIMERS_TYPE.to_owned())
        .non_retryable(true)
        .build()
        .into()
}
