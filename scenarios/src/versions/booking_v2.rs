//! `VersionedBooking` v2, a breaking change: a `check_fraud` activity inserted before `charge`,
//! without a patch.
//!
//! A v1 history that got past the timer recorded `charge` where v2 now schedules
//! `check_fraud` (same activity id, `2`): replaying it is nondeterministic at the `charge`
//! `ActivityTaskScheduled`. A v1 history still waiting on the timer replays fine: the change
//! lies after the point it reached, and the run would go on as v2.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

use crate::versions::booking::{
    BookingInput, ChargeRequest, WORKFLOW_TYPE, activity_options, booked,
};
use crate::versions::booking_activities::BookingActivities;

/// Reserves, holds, checks for fraud, charges.
#[workflow]
#[derive(Default)]
pub struct BookingV2;

#[workflow_methods]
impl BookingV2 {
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
        ctx.execute_activity(
            BookingActivities::check_fraud,
            ChargeRequest::from(&input),
            activity_options(),
        )
        .await?;
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
