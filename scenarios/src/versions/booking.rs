//! What every version of the `VersionedBooking` workflow shares: its type name, its input, the
//! patch id of v3 and the options its activities are scheduled with.

use serde::{Deserialize, Serialize};
use temporalio_sdk::ActivityOptions;

/// The one workflow type name every version registers: histories recorded with v1 are
/// replayed against the later versions under the same name, as after a deployment.
pub const WORKFLOW_TYPE: &str = "VersionedBooking";

/// The patch id v3 guards the fraud check with.
pub const PATCH_ID: &str = "add-fraud-check";

/// Input of `VersionedBooking`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingInput {
    /// The booking; reservation and receipt ids are derived from it.
    pub booking_id: String,
    /// The amount charged.
    pub amount_cents: u64,
    /// How long the reservation is held (a workflow timer) before the card is charged.
    pub hold_ms: u64,
}

/// Input of the `check_fraud` and `charge` activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeRequest {
    /// The booking being paid.
    pub booking_id: String,
    /// The amount.
    pub amount_cents: u64,
}

impl From<&BookingInput> for ChargeRequest {
    fn from(input: &BookingInput) -> Self {
        ChargeRequest {
            booking_id: input.booking_id.clone(),
            amount_cents: input.amount_cents,
        }
    }
}

/// The options every booking activity is scheduled with: the scenario activities' timeout and
/// retry policy.
#[must_use]
pub fn activity_options() -> ActivityOptions {
    crate::activities::activity_options()
}

/// The result of a booking that went through: `"{reservation}, {receipt}"`.
#[must_use]
pub fn booked(reservation: &str, receipt: &str) -> String {
    format!("{reservation}, {receipt}")
}
