//! A booking saga: reserve a car, then a hotel; when a reservation fails, cancel what may have
//! been reserved (the failed step included: it may have reserved before it failed, so its
//! compensation is registered before it runs, as Temporal recommends) and fail. The buggy
//! version cancels the car only when the hotel rejected the booking outright (a non-retryable
//! failure) and forgets it when the hotel failed after its retries.

use std::sync::Arc;

use temporalio_common::protos::temporal::api::enums::v1::RetryState;
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{ActivityExecutionError, WorkerOptions, WorkflowContext, WorkflowResult};
use wfkit_fuzz::{SideEffects, WorkerSpawn};

use super::activity_options;

/// Booking attempts of each step (the hotel is retried once).
const BOOKING_ATTEMPTS: u32 = 2;

/// Activities that book and cancel, recording each effect once per trip (they are
/// idempotent, as booking APIs with a request id are).
pub struct BookingActivities {
    pub effects: SideEffects,
}

impl BookingActivities {
    fn once(&self, kind: &str, trip: &str) {
        if !self.effects.contains(kind, trip) {
            self.effects.record(kind, trip);
        }
    }
}

#[activities]
impl BookingActivities {
    #[activity(name = "reserve_car")]
    pub async fn reserve_car(
        self: Arc<Self>,
        _ctx: ActivityContext,
        trip: String,
    ) -> Result<String, ActivityError> {
        self.once("reserve_car", &trip);
        Ok(format!("car-{trip}"))
    }

    #[activity(name = "reserve_hotel")]
    pub async fn reserve_hotel(
        self: Arc<Self>,
        _ctx: ActivityContext,
        trip: String,
    ) -> Result<String, ActivityError> {
        self.once("reserve_hotel", &trip);
        Ok(format!("hotel-{trip}"))
    }

    #[activity(name = "cancel_hotel")]
    pub async fn cancel_hotel(
        self: Arc<Self>,
        _ctx: ActivityContext,
        trip: String,
    ) -> Result<(), ActivityError> {
        self.once("cancel_hotel", &trip);
        Ok(())
    }

    #[activity(name = "cancel_car")]
    pub async fn cancel_car(
        self: Arc<Self>,
        _ctx: ActivityContext,
        trip: String,
    ) -> Result<(), ActivityError> {
        self.once("cancel_car", &trip);
        Ok(())
    }
}

/// True when the activity failed because its own code refused for good (not after retries or
/// timeouts).
fn rejected_outright(error: &ActivityExecutionError) -> bool {
    matches!(
        error.failure().and_then(|failure| failure.failure_info.as_ref()),
        Some(FailureInfo::ActivityFailureInfo(info))
            if info.retry_state == RetryState::NonRetryableFailure as i32
    )
}

/// A step that may have reserved something, and so must be cancelled if the saga fails.
#[derive(Debug, Clone, Copy)]
enum Step {
    Car,
    Hotel,
}

/// Rounds of a compensation: a compensation must eventually succeed, so a failed one (even a
/// non-retryable failure) is tried again after a pause, up to this many times.
const COMPENSATION_ROUNDS: u32 = 10;

/// Cancels `steps` in reverse order. Cancellation is idempotent, so cancelling a step whose
/// reservation never happened is harmless.
async fn compensate<W>(ctx: &WorkflowContext<W>, trip: &str, steps: &[Step]) {
    for step in steps.iter().rev() {
        for _round in 0..COMPENSATION_ROUNDS {
            let cancelled = match step {
                Step::Car => {
                    ctx.execute_activity(
                        BookingActivities::cancel_car,
                        trip.to_string(),
                        activity_options(5),
                    )
                    .await
                }
                Step::Hotel => {
                    ctx.execute_activity(
                        BookingActivities::cancel_hotel,
                        trip.to_string(),
                        activity_options(5),
                    )
                    .await
                }
            };
            if cancelled.is_ok() {
                break;
            }
            ctx.timer(std::time::Duration::from_secs(60)).await;
        }
    }
}

/// Reserves the car, then the hotel; on a failure, cancels what `undo` lists for it.
async fn book<W>(
    ctx: &WorkflowContext<W>,
    trip: String,
    undo_after_hotel_failure: impl Fn(&ActivityExecutionError) -> Vec<Step>,
) -> WorkflowResult<Vec<String>> {
    let car = match ctx
        .execute_activity(
            BookingActivities::reserve_car,
            trip.clone(),
            activity_options(BOOKING_ATTEMPTS),
        )
        .await
    {
        Ok(car) => car,
        Err(error) => {
            compensate(ctx, &trip, &[Step::Car]).await;
            return Err(error.into());
        }
    };
    match ctx
        .execute_activity(
            BookingActivities::reserve_hotel,
            trip.clone(),
            activity_options(BOOKING_ATTEMPTS),
        )
        .await
    {
        Ok(hotel) => Ok(vec![car, hotel]),
        Err(error) => {
            compensate(ctx, &trip, &undo_after_hotel_failure(&error)).await;
            Err(error.into())
        }
    }
}

#[workflow]
#[derive(Default)]
pub struct BuggySaga;

#[workflow_methods]
impl BuggySaga {
    #[run(name = "BuggySaga")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, trip: String) -> WorkflowResult<Vec<String>> {
        book(ctx, trip, |error| {
            if rejected_outright(error) {
                vec![Step::Car, Step::Hotel]
            } else {
                // BUG: a hotel that failed after its retries (or timed out) leaves the car
                // booked.
                vec![Step::Hotel]
            }
        })
        .await
    }
}

#[workflow]
#[derive(Default)]
pub struct FixedSaga;

#[workflow_methods]
impl FixedSaga {
    #[run(name = "FixedSaga")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, trip: String) -> WorkflowResult<Vec<String>> {
        // Whatever made the hotel fail, both reservations are cancelled.
        book(ctx, trip, |_| vec![Step::Car, Step::Hotel]).await
    }
}

/// Worker options for both sagas.
pub fn options(spawn: &WorkerSpawn) -> Result<WorkerOptions, wfkit_scenarios::WorkerError> {
    Ok(WorkerOptions::new(spawn.task_queue.clone())
        .register_workflow::<BuggySaga>()?
        .register_workflow::<FixedSaga>()?
        .register_activities(BookingActivities {
            effects: spawn.effects.clone(),
        })
        .build())
}
