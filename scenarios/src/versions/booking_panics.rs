//! `VersionedBooking` `panics`: a version whose code panics once `reserve` has completed, before
//! the timer. Replaying any v1 history runs into the panic in the second workflow task; the
//! SDK turns it into a failed workflow task (`Workflow function panicked: …`), never a pass.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

use crate::versions::booking::{BookingInput, WORKFLOW_TYPE, activity_options};
use crate::versions::booking_activities::BookingActivities;

/// The text the panic carries.
pub const PANIC_MESSAGE: &str = "the hold policy is missing (VersionedBooking panics version)";

/// Reserves, then panics.
#[workflow]
#[derive(Default)]
pub struct BookingPanics;

#[workflow_methods]
impl BookingPanics {
    /// Never returns: panics after `reserve`.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: BookingInput,
    ) -> WorkflowResult<String> {
        ctx.execute_activity(
            BookingActivities::reserve,
            input.booking_id.clone(),
            activity_options(),
        )
        .await?;
        panic!("booking {}: {PANIC_MESSAGE}", input.booking_id);
    }
}
