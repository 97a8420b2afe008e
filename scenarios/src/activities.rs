//! The activities the scenario workflows call, and the options they are scheduled with.
//!
//! Activity type names are fixed strings (not the SDK default `Type::method`) so recorded
//! histories stay valid when the Rust code is reorganised.
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

/// Application failure type of the retryable errors `flaky` raises before it succeeds.
pub const FLAKY_FAILURE_TYPE: &str = "FlakyFailure";

/// Application failure type of the non-retryable error `book_flight` raises.
pub const FLIGHT_UNAVAILABLE_TYPE: &str = "FlightUnavailable";

/// Pause between two heartbeats of `heartbeat_until_cancelled`. The SDK throttles what it sends
/// to the server (to 80 % of the heartbeat timeout), so this only bounds how soon the activity
/// notices a cancellation the SDK already delivered.
pub const HEARTBEAT_INTERVAL_MS: u64 = 50;

/// Retry budget for every scenario activity: enough for `activity_retry`'s three attempts, small
/// enough that a broken scenario fails in seconds.
pub const MAX_ACTIVITY_ATTEMPTS: u32 = 5;

/// First retry delay. Temporal's default (1 s) would make the retry scenario slow.
pub const RETRY_INITIAL_INTERVAL_MS: u64 = 100;

/// Retry backoff coefficient.
pub const RETRY_BACKOFF_COEFFICIENT: f64 = 2.0;

/// Upper bound on any single retry delay.
pub const RETRY_MAXIMUM_INTERVAL_MS: u64 = 1_000;

/// Start-to-close timeout of every scenario activity. The activities return at once; the
/// timeout only bounds a stuck worker.
pub const ACTIVITY_START_TO_CLOSE_MS: u64 = 10_000;

/// The retry policy every scenario activity uses: 100 ms, 200 ms, 400 ms, … capped at 1 s, at
/// most [`MAX_ACTIVITY_ATTEMPTS`] attempts.
#[must_use]
pub fn retry_policy() -> RetryPolicy {
    RetryPolicy::builder()
        .initial_interval(Duration::from_millis(RETRY_INITIAL_INTERVAL_MS))
        .backoff_coefficient(RETRY_BACKOFF_COEFFICIENT)
        .maximum_interval(Duration::from_millis(RETRY_MAXIMUM_INTERVAL_MS))
        .maximum_attempts(MAX_ACTIVITY_ATTEMPTS)
        .build()
}

/// The options every scenario activity is scheduled with.
#[must_use]
pub fn activity_options() -> ActivityOptions {
    ActivityOptions::with_start_to_close_timeout(Duration::from_millis(ACTIVITY_START_TO_CLOSE_MS))
        .retry_policy(retry_policy())
        .build()
}

/// Input of `book_flight`: which trip, and whether the airline has no seat left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlightRequest {
    /// The trip being booked.
    pub trip_id: String,
    /// When true the booking fails with a non-retryable [`FLIGHT_UNAVAILABLE_TYPE`] error.
    pub unavailable: bool,
}

/// Every activity used by the scenario workflows. Register with
/// `WorkerOptions::register_activities(ScenarioActivities)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScenarioActivities;

#[activities]
impl ScenarioActivities {
    /// Greets `name`: `"Hello, {name}!"`.
    #[activity(name = "greet")]
    pub(crate) async fn greet(
        _ctx: ActivityContext,
        name: String,
    ) -> Result<String, ActivityError> {
        Ok(format!("Hello, {name}!"))
    }

    /// Fails with a retryable error until the server's attempt counter reaches
    /// `succeed_on_attempt`, then reports the attempt it succeeded on. The attempt comes from
    /// the activity context, not from process state, so it behaves the same on any worker.
    #[activity(name = "flaky")]
    pub(crate) async fn flaky(
        ctx: ActivityContext,
        succeed_on_attempt: u32,
    ) -> Result<String, ActivityError> {
        let attempt = ctx.info().attempt;
        if attempt < succeed_on_attempt {
            return Err(ActivityError::application(
                ApplicationFailure::builder(format!(
                    "attempt {attempt} failed on purpose (succeeds on attempt {succeed_on_attempt})"
                ))
                .type_name(FLAKY_FAILURE_TYPE.to_owned())
                .build(),
            ));
        }
        Ok(format!("succeeded on attempt {attempt}"))
    }

    /// Books a car: returns the booking id `car-{trip_id}`.
    #[activity(name = "book_car")]
    pub(crate) async fn book_car(
        _ctx: ActivityContext,
        trip_id: String,
    ) -> Result<String, ActivityError> {
        Ok(format!("car-{trip_id}"))
    }

    /// Books a hotel: returns the booking id `hotel-{trip_id}`.
    #[activity(name = "book_hotel")]
    pub(crate) async fn book_hotel(
        _ctx: ActivityContext,
        trip_id: String,
    ) -> Result<String, ActivityError> {
        Ok(format!("hotel-{trip_id}"))
    }

    /// Books a flight: returns `flight-{trip_id}`, or fails non-retryably when the request says
    /// the flight is unavailable.
    #[activity(name = "book_flight")]
    pub(crate) async fn book_flight(
        _ctx: ActivityContext,
        request: FlightRequest,
    ) -> Result<String, ActivityError> {
        if request.unavailable {
            return Err(ActivityError::application(
                ApplicationFailure::builder(format!(
                    "no flight available for trip {}",
                    request.trip_id
                ))
                .type_name(FLIGHT_UNAVAILABLE_TYPE.to_owned())
                .non_retryable(true)
                .build(),
            ));
        }
        Ok(format!("flight-{}", request.trip_id))
    }

    /// Cancels a car booking (saga compensation): returns `cancelled {booking_id}`.
    #[activity(name = "cancel_car")]
    pub(crate) async fn cancel_car(
        _ctx: ActivityContext,
        booking_id: String,
    ) -> Result<String, ActivityError> {
        Ok(format!("cancelled {booking_id}"))
    }

    /// Cancels a hotel booking (saga compensation): returns `cancelled {booking_id}`.
    #[activity(name = "cancel_hotel")]
    pub(crate) async fn cancel_hotel(
        _ctx: ActivityContext,
        booking_id: String,
    ) -> Result<String, ActivityError> {
        Ok(format!("cancelled {booking_id}"))
    }

    /// Heartbeats every [`HEARTBEAT_INTERVAL_MS`] until the activity is cancelled, then reports
    /// itself cancelled. Gives up after `max_heartbeats` heartbeats and completes with
    /// `"heartbeated {n} times without being cancelled"`, so a cancellation that never arrives
    /// shows up as a wrong result instead of a hang.
    #[activity(name = "heartbeat_until_cancelled")]
    pub(crate) async fn heartbeat_until_cancelled(
        ctx: ActivityContext,
        max_heartbeats: u32,
    ) -> Result<String, ActivityError> {
        for beat in 0..max_heartbeats {
            if ctx.is_cancelled() {
                return Err(ActivityError::cancelled());
            }
            ctx.record_heartbeat(beat).await?;
            tokio::select! {
                () = ctx.cancelled() => return Err(ActivityError::cancelled()),
                () = tokio::time::sleep(Duration::from_millis(HEARTBEAT_INTERVAL_MS)) => {}
            }
        }
        Ok(format!(
            "heartbeated {max_heartbeats} times without being cancelled"
        ))
    }

    /// Sleeps `duration_ms`, then returns `"slept {duration_ms} ms"`. Stops early, reporting
    /// itself cancelled, when the SDK cancels it (a timeout the worker noticed, or shutdown), so
    /// an attempt the server already timed out does not hold a slot for its whole sleep.
    #[activity(name = "sleep")]
    pub(crate) async fn sleep(
        ctx: ActivityContext,
        duration_ms: u64,
    ) -> Result<String, ActivityError> {
        tokio::select! {
            () = ctx.cancelled() => Err(ActivityError::cancelled()),
            () = tokio::time::sleep(Duration::from_millis(duration_ms)) => {
                Ok(format!("slept {duration_ms} ms"))
            }
        }
    }
}
