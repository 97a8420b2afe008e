//! `timers`: a few short timers, one after the other.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed}, then per timer
//! TimerStarted, TimerFired, WorkflowTask{Scheduled,Started,Completed}, and
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use serde::{Deserialize, Serialize};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{TimerResult, WorkflowContext, WorkflowResult};

use super::invalid_input;

/// Workflow type name of [`LoadTimersWorkflow`].
pub const WORKFLOW_TYPE: &str = "LoadTimers";

/// The most timers one workflow agrees to start.
pub const MAX_TIMERS: u32 = 100;

/// The longest timer the workflow agrees to start (one minute): load timers are short.
pub const MAX_TIMER_MS: u64 = 60_000;

/// Input of [`LoadTimersWorkflow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimersInput {
    /// How many timers, one after the other (at most [`MAX_TIMERS`]).
    pub count: u32,
    /// How long each lasts, in milliseconds (at most [`MAX_TIMER_MS`]).
    pub timer_ms: u64,
}

/// Sleeps through `count` timers of `timer_ms`.
#[workflow]
#[derive(Default)]
pub struct LoadTimersWorkflow;

#[workflow_methods]
impl LoadTimersWorkflow {
    /// Result: how many timers fired (`count`).
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, input: TimersInput) -> WorkflowResult<u32> {
        if input.count > MAX_TIMERS || input.timer_ms > MAX_TIMER_MS {
            return Err(invalid_input(format!(
                "{} timers of {} ms: at most {MAX_TIMERS} timers of at most {MAX_TIMER_MS} ms",
                input.count, input.timer_ms
            )));
        }
        let mut fired = 0;
        for _ in 0..input.count {
            if ctx.timer(Duration::from_millis(input.timer_ms)).await == TimerResult::Fired {
                fired += 1;
            }
        }
        Ok(fired)
    }
}
