//! `VersionedBooking` v1, the recorded version: reserve, hold the reservation on a timer,
//! charge, complete.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! ActivityTask{Scheduled,Started,Completed} (`reserve`), WorkflowTask{Scheduled,Started,
//! Completed}, TimerStarted, TimerFired, WorkflowTask{Scheduled,Started,Completed},
//! ActivityTask{Scheduled,Started,Completed} (`charge`), WorkflowTask{Scheduled,Started,
//! Completed}, WorkflowExecutionCompleted: 22 events.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

use crate::versions::booking::{
    BookingInput, ChargeRequest, WORKFLOW_TYPE, activity_options, booked,
};
use crate::versions::booking_activities::BookingActivities;

/// Reserves, holds, charges.
#[workflow]
#[derive(Default)]
pub struct BookingV1;

#[workflow_methods]
impl BookingV1 {
    /// Result: `"reservation-{id}, charged {amount} cents for {id}"`.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: BookingInput,
    ) -> WorkflowResult<String> {
        let reservation = ctx
            .execute_activity(
                BookingActivities::reserve,
                input.booking_id.clone(),
                activity_options(),
            )
            .await?;
        ctx.timer(Duration::from_millis(input.hold_ms)).await;
        let receipt = ctx
            .execute_activity(
                BookingActivities::charge,
                ChargeRequest::from(&input),
                activity_options(),
            )
            .await?;
        Ok(booked(&reservation, &receipt))
    }
}
