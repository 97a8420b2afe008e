//! The activities of the `VersionedBooking` workflow: `reserve` and `charge` (every version)
//! and `check_fraud` (v2 and v3). Fixed type names, as for the scenario activities.
// The `#[activities]` macro generates `pub` marker types inside this module.
#![allow(unreachable_pub)]

use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

use crate::versions::booking::ChargeRequest;

/// Activity type name of [`BookingActivities::reserve`].
pub const RESERVE: &str = "reserve";
/// Activity type name of [`BookingActivities::check_fraud`].
pub const CHECK_FRAUD: &str = "check_fraud";
/// Activity type name of [`BookingActivities::charge`].
pub const CHARGE: &str = "charge";

/// Every activity of the booking workflow. Register with
/// `WorkerOptions::register_activities(BookingActivities)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BookingActivities;

#[activities]
impl BookingActivities {
    /// Reserves the booking: returns `reservation-{booking_id}`.
    #[activity(name = RESERVE)]
    pub(crate) async fn reserve(
        _ctx: ActivityContext,
        booking_id: String,
    ) -> Result<String, ActivityError> {
        Ok(format!("reservation-{booking_id}"))
    }

    /// Clears the payment: returns `cleared {booking_id}`. Never refuses; the example is about
    /// the extra step, not about fraud.
    #[activity(name = CHECK_FRAUD)]
    pub(crate) async fn check_fraud(
        _ctx: ActivityContext,
        request: ChargeRequest,
    ) -> Result<String, ActivityError> {
        Ok(format!("cleared {}", request.booking_id))
    }

    /// Charges the card: returns `charged {amount_cents} cents for {booking_id}`.
    #[activity(name = CHARGE)]
    pub(crate) async fn charge(
        _ctx: ActivityContext,
        request: ChargeRequest,
    ) -> Result<String, ActivityError> {
        Ok(format!(
            "charged {} cents for {}",
            request.amount_cents, request.booking_id
        ))
    }
}
