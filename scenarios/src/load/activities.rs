//! The activities the load workflows call. They do no real work: a load test measures the
//! server and the worker's round trips, not the activity bodies.
//!
//! Activity type names are fixed strings with a `load_` prefix, so they never collide with the
//! scenario activities when both are registered on one worker (`wfkit worker`).
// The `#[activities]` macro generates `pub` marker types inside this private module.
#![allow(unreachable_pub)]

use std::time::Duration;

use serde::{Deserialize, Serialize};
use temporalio_common::RetryPolicy;
use temporalio_macros::activities;
use temporalio_sdk::{
    ActivityOptions, ApplicationFailure,
    activities::{ActivityContext, ActivityError},
};

/// Application failure type of the booking step the `saga` scenario fails on purpose.
pub const STEP_UNAVAILABLE_TYPE: &str = "LoadStepUnavailable";

/// Start-to-close timeout of every load activity. The activities return at once; the timeout
/// only bounds a stuck worker.
pub const LOAD_ACTIVITY_START_TO_CLOSE_MS: u64 = 10_000;

/// Retry budget of every load activity: a transient worker problem is retried a few times, a
/// broken setup fails within seconds instead of retrying for the default (unlimited) budget.
pub const LOAD_ACTIVITY_MAX_ATTEMPTS: u32 = 3;

/// The options every load activity is scheduled with.
#[must_use]
pub fn load_activity_options() -> ActivityOptions {
    ActivityOptions::with_start_to_close_timeout(Duration::from_millis(
        LOAD_ACTIVITY_START_TO_CLOSE_MS,
    ))
    .retry_policy(
        RetryPolicy::builder()
            .initial_interval(Duration::from_millis(100))
            .maximum_attempts(LOAD_ACTIVITY_MAX_ATTEMPTS)
            .build(),
    )
    .build()
}

/// Input of `load_book`: which step of the saga, and whether it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookStep {
    /// The step, from 1.
    pub step: u32,
    /// When true the step fails non-retryably with [`STEP_UNAVAILABLE_TYPE`].
    pub fail: bool,
}

/// Every activity the load workflows use. Register with
/// `WorkerOptions::register_activities(LoadActivities)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadActivities;

#[activities]
impl LoadActivities {
    /// Returns its input unchanged.
    #[activity(name = "load_echo")]
    pub(crate) async fn echo(_ctx: ActivityContext, value: u64) -> Result<u64, ActivityError> {
        Ok(value)
    }

    /// Books one saga step: returns `step-{n}`, or fails non-retryably when asked to.
    #[activity(name = "load_book")]
    pub(crate) async fn book(
        _ctx: ActivityContext,
        request: BookStep,
    ) -> Result<String, ActivityError> {
        if request.fail {
            return Err(ActivityError::application(
                ApplicationFailure::builder(format!(
                    "step {} is unavailable (on purpose)",
                    request.step
                ))
                .type_name(STEP_UNAVAILABLE_TYPE.to_owned())
                .non_retryable(true)
                .build(),
            ));
        }
        Ok(format!("step-{}", request.step))
    }

    /// Undoes one booking (saga compensation): returns `cancelled {booking}`.
    #[activity(name = "load_compensate")]
    pub(crate) async fn compensate(
        _ctx: ActivityContext,
        booking: String,
    ) -> Result<String, ActivityError> {
        Ok(format!("cancelled {booking}"))
    }
}
