//! `saga`: book three steps; when one fails, compensate the booked ones in reverse order.
//!
//! Unlike the scenario saga (which fails after compensating, as a caller-facing workflow
//! should), the load saga *completes* and reports what it did: a load run that asks for the
//! failure path measures compensation, and a workflow failure would count as an error.
//!
//! History when the last step fails: WorkflowExecutionStarted, WorkflowTask×3, then
//! ActivityTask{Scheduled,Started,Completed} and WorkflowTask×3 for steps 1 and 2,
//! ActivityTask{Scheduled,Started,Failed} for step 3, two compensations, WorkflowTask×3,
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use serde::{Deserialize, Serialize};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

use super::activities::{BookStep, LoadActivities, load_activity_options};

/// Workflow type name of [`LoadSagaWorkflow`].
pub const WORKFLOW_TYPE: &str = "LoadSaga";

/// How many steps the saga books.
pub const SAGA_STEPS: u32 = 3;

/// Input of [`LoadSagaWorkflow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SagaInput {
    /// When true the last step fails and the saga compensates the others.
    pub fail_last: bool,
}

/// Result of [`LoadSagaWorkflow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SagaResult {
    /// Steps booked (and kept, or later compensated).
    pub booked: u32,
    /// Bookings undone.
    pub compensated: u32,
}

impl SagaResult {
    /// What a saga with input `input` returns.
    #[must_use]
    pub fn expected(input: SagaInput) -> SagaResult {
        if input.fail_last {
            SagaResult {
                booked: SAGA_STEPS - 1,
                compensated: SAGA_STEPS - 1,
            }
        } else {
            SagaResult {
                booked: SAGA_STEPS,
                compensated: 0,
            }
        }
    }
}

/// Books [`SAGA_STEPS`] steps, compensating on failure.
#[workflow]
#[derive(Default)]
pub struct LoadSagaWorkflow;

#[workflow_methods]
impl LoadSagaWorkflow {
    /// Result: how many steps were booked and how many compensated.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: SagaInput,
    ) -> WorkflowResult<SagaResult> {
        let mut booked = Vec::new();
        for step in 1..=SAGA_STEPS {
            let request = BookStep {
                step,
                fail: input.fail_last && step == SAGA_STEPS,
            };
            match ctx
                .execute_activity(LoadActivities::book, request, load_activity_options())
                .await
            {
                Ok(booking) => booked.push(booking),
                Err(_) => break,
            }
        }
        let booked_count = u32::try_from(booked.len()).unwrap_or(u32::MAX);
        if booked_count == SAGA_STEPS {
            return Ok(SagaResult {
                booked: booked_count,
                compensated: 0,
            });
        }
        let mut compensated = 0;
        for booking in booked.into_iter().rev() {
            // A compensation that fails after its retries is skipped so the others still run;
            // the count in the result shows it.
            if ctx
                .execute_activity(LoadActivities::compensate, booking, load_activity_options())
                .await
                .is_ok()
            {
                compensated += 1;
            }
        }
        Ok(SagaResult {
            booked: booked_count,
            compensated,
        })
    }
}
