//! A shipping workflow that picks one of four carriers, charges, then ships with that
//! carrier. The buggy version draws the carrier from the worker's random number generator (a
//! stand-in for `rand::rng()`: state that lives in the worker process, not in the history), so
//! a workflow replayed on another worker, or after its cache entry is evicted, picks another
//! carrier than the history recorded. The corrected version uses the workflow's deterministic
//! `ctx.random()`.
//!
//! Why not the wall clock: a case runs in virtual time and takes milliseconds of real time, so
//! `SystemTime::now()` read on first execution and again on replay is the same to the second,
//! and a branch on it would diverge only by chance, not reproducibly from a seed. The
//! generator here is seeded per worker incarnation (`WorkerSpawn::seed`), so the bug shows
//! exactly when a run is re-executed on another worker or after its cache entry is dropped, as
//! a wall-clock read shows it when a crash makes a worker replay hours later.

use std::sync::{Arc, Mutex, PoisonError};

use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{WorkerOptions, WorkflowContext, WorkflowResult};
use wfkit_fuzz::WorkerSpawn;

use super::activity_options;

/// A worker's random number generator (xorshift64*), shared by every workflow it runs.
#[derive(Debug, Clone, Default)]
pub struct WorkerRng {
    state: Arc<Mutex<u64>>,
}

impl WorkerRng {
    pub fn new(seed: u64) -> Self {
        WorkerRng {
            state: Arc::new(Mutex::new(seed | 1)),
        }
    }

    pub fn next(&self) -> u64 {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

pub struct ShippingActivities;

#[activities]
impl ShippingActivities {
    #[activity(name = "charge")]
    pub async fn charge(_ctx: ActivityContext, order: String) -> Result<String, ActivityError> {
        Ok(format!("charged-{order}"))
    }

    #[activity(name = "ship_dhl")]
    pub async fn ship_dhl(_ctx: ActivityContext, order: String) -> Result<String, ActivityError> {
        Ok(format!("dhl-{order}"))
    }

    #[activity(name = "ship_ups")]
    pub async fn ship_ups(_ctx: ActivityContext, order: String) -> Result<String, ActivityError> {
        Ok(format!("ups-{order}"))
    }

    #[activity(name = "ship_fedex")]
    pub async fn ship_fedex(_ctx: ActivityContext, order: String) -> Result<String, ActivityError> {
        Ok(format!("fedex-{order}"))
    }

    #[activity(name = "ship_post")]
    pub async fn ship_post(_ctx: ActivityContext, order: String) -> Result<String, ActivityError> {
        Ok(format!("post-{order}"))
    }
}

async fn ship<W>(ctx: &WorkflowContext<W>, carrier: u64, order: String) -> WorkflowResult<String> {
    let options = activity_options(3);
    let shipped = match carrier % 4 {
        0 => {
            ctx.execute_activity(ShippingActivities::ship_dhl, order, options)
                .await?
        }
        1 => {
            ctx.execute_activity(ShippingActivities::ship_ups, order, options)
                .await?
        }
        2 => {
            ctx.execute_activity(ShippingActivities::ship_fedex, order, options)
                .await?
        }
        _ => {
            ctx.execute_activity(ShippingActivities::ship_post, order, options)
                .await?
        }
    };
    Ok(shipped)
}

#[workflow]
#[derive(Default)]
pub struct BuggyShipping {
    rng: WorkerRng,
}

#[workflow_methods]
impl BuggyShipping {
    #[run(name = "BuggyShipping")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, order: String) -> WorkflowResult<String> {
        // BUG: randomness from outside the workflow: replay draws another number.
        let carrier = ctx.state(|workflow| workflow.rng.next());
        ctx.execute_activity(
            ShippingActivities::charge,
            order.clone(),
            activity_options(3),
        )
        .await?;
        ship(ctx, carrier, order).await
    }
}

#[workflow]
#[derive(Default)]
pub struct FixedShipping;

#[workflow_methods]
impl FixedShipping {
    #[run(name = "FixedShipping")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, order: String) -> WorkflowResult<String> {
        // The workflow's own random numbers come from its history: replay draws the same.
        let carrier: u64 = ctx.random();
        ctx.execute_activity(
            ShippingActivities::charge,
            order.clone(),
            activity_options(3),
        )
        .await?;
        ship(ctx, carrier, order).await
    }
}

/// Worker options for both versions; the worker's generator is seeded from the spawn.
pub fn options(spawn: &WorkerSpawn) -> Result<WorkerOptions, wfkit_scenarios::WorkerError> {
    let rng = WorkerRng::new(spawn.seed);
    Ok(WorkerOptions::new(spawn.task_queue.clone())
        .register_workflow_with_factory::<BuggyShipping, _>(move || BuggyShipping {
            rng: rng.clone(),
        })?
        .register_workflow::<FixedShipping>()?
        .register_activities(ShippingActivities)
        .build())
}
