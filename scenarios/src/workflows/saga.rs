//! `saga`: book a car, a hotel and a flight; when a booking fails, run the compensations of
//! the bookings that succeeded in reverse order, then fail with the original error.
//!
//! Failing after compensating is the idiomatic Temporal saga (the SDK's own saga example and
//! the Go/Java/TypeScript samples all re-raise): callers see *why* the trip failed, and the
//! history shows which compensations ran and in which order. When every booking succeeds the
//! result is the list of booking ids.
//!
//! History with the flight unavailable: WorkflowExecutionStarted, WorkflowTask×3,
//! ActivityTask{Scheduled,Started,Completed} for book_car, book_hotel, then
//! ActivityTask{Scheduled,Started,Failed} for book_flight, then cancel_hotel and cancel_car
//! (each with its WorkflowTask×3 before), WorkflowTask×3, WorkflowExecutionFailed.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use serde::{Deserialize, Serialize};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{ActivityExecutionError, WorkflowContext, WorkflowResult};

use crate::activities::{FlightRequest, ScenarioActivities, activity_options};

/// Workflow type name of [`SagaWorkflow`].
pub const WORKFLOW_TYPE: &str = "SagaWorkflow";

/// Input of [`SagaWorkflow`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SagaInput {
    /// The trip to book; booking ids are derived from it.
    pub trip_id: String,
    /// When true, `book_flight` fails non-retryably and the saga compensates.
    pub flight_unavailable: bool,
}

/// A booking that succeeded and how to undo it.
enum Compensation {
    Car(String),
    Hotel(String),
}

/// The booking saga.
#[workflow]
#[derive(Default)]
pub struct SagaWorkflow;

#[workflow_methods]
impl SagaWorkflow {
    /// Result: the booking ids `[car, hotel, flight]`; or, after compensating, the failure of
    /// the booking that failed.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: SagaInput,
    ) -> WorkflowResult<Vec<String>> {
        let mut done = Vec::new();
        match book_trip(ctx, &input, &mut done).await {
            Ok(bookings) => Ok(bookings),
            Err(error) => {
                compensate(ctx, done).await;
                Err(error.into())
            }
        }
    }
}

async fn book_trip(
    ctx: &WorkflowContext<SagaWorkflow>,
    input: &SagaInput,
    done: &mut Vec<Compensation>,
) -> Result<Vec<String>, ActivityExecutionError> {
    let car = ctx
        .execute_activity(
            ScenarioActivities::book_car,
            input.trip_id.clone(),
            activity_options(),
        )
        .await?;
    done.push(Compensation::Car(car.clone()));
    let hotel = ctx
        .execute_activity(
            ScenarioActivities::book_hotel,
            input.trip_id.clone(),
            activity_options(),
        )
        .await?;
    done.push(Compensation::Hotel(hotel.clone()));
    let flight = ctx
        .execute_activity(
            ScenarioActivities::book_flight,
            FlightRequest {
                trip_id: input.trip_id.clone(),
                unavailable: input.flight_unavailable,
            },
            activity_options(),
        )
        .await?;
    Ok(vec![car, hotel, flight])
}

/// Undoes the bookings in reverse order. A compensation that still fails after its retries is
/// skipped so the others run; the saga then fails with the original error either way.
async fn compensate(ctx: &WorkflowContext<SagaWorkflow>, done: Vec<Compensation>) {
    for step in done.into_iter().rev() {
        let _ignored = match step {
            Compensation::Hotel(id) => {
                ctx.execute_activity(ScenarioActivities::cancel_hotel, id, activity_options())
                    .await
            }
            Compensation::Car(id) => {
                ctx.execute_activity(ScenarioActivities::cancel_car, id, activity_options())
                    .await
            }
        };
    }
}
