//! `VersionedBooking` v3, v2's change done right: the `check_fraud` activity runs only behind
//! `ctx.patched("add-fraud-check")`.
//!
//! Replaying a v1 history, `patched` answers false (the history has no `core_patch` marker
//! there), so the code schedules `charge` as v1 did. New runs take the patched branch and
//! record the marker.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

use crate::versions::booking::{
    BookingInput, ChargeRequest, PATCH_ID, WORKFLOW_TYPE, activity_options, booked,
};
use crate::versions::booking_activities::BookingActivities;

/// Reserves, holds, checks for fraud on new runs only, charges.
#[workflow]
#[derive(Default)]
pub struct BookingV3;

#[workflow_methods]
impl BookingV3 {
    /// Result: as v1.
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
        if ctx.patched(PATCH_ID) {
            ctx.execute_activity(
                BookingActivities::check_fraud,
                ChargeRequest::from(&input),
                activity_options(),
            )
            .await?;
        }
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
