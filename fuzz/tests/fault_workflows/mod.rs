//! Small workflows, written with the official Rust SDK, that make each fault of a plan easy to
//! see in a history:
//!
//! - `two_steps`: two activities in sequence, each recording a side effect every time it runs,
//!   with a retry policy of as many attempts as the input says (and a heartbeat timeout when
//!   it asks for one).
//! - `sleep`: one timer of as many seconds as the input says.
//! - `collect_signals`: waits for as many `item` signals as the input says and returns their
//!   payloads in the order they arrived.
// The SDK macros generate `pub` items inside these modules.
#![allow(unreachable_pub, dead_code, missing_docs)]

pub mod collect_signals;
pub mod sleep;
pub mod two_steps;

use std::time::Duration;

use temporalio_common::RetryPolicy;
use temporalio_sdk::{ActivityOptions, WorkerOptions};
use wfkit_fuzz::WorkerSpawn;

/// How long an activity attempt may run before it times out.
pub const START_TO_CLOSE: Duration = Duration::from_secs(10);
/// The pause before an activity's second attempt.
pub const FIRST_RETRY_INTERVAL: Duration = Duration::from_secs(1);

/// Activity options: [`START_TO_CLOSE`] to run, `heartbeat` between heartbeats (if any),
/// retried after [`FIRST_RETRY_INTERVAL`] (doubling), at most `attempts` attempts.
pub fn activity_options(attempts: u32, heartbeat: Option<Duration>) -> ActivityOptions {
    ActivityOptions::with_start_to_close_timeout(START_TO_CLOSE)
        .maybe_heartbeat_timeout(heartbeat)
        .retry_policy(
            RetryPolicy::builder()
                .initial_interval(FIRST_RETRY_INTERVAL)
                .backoff_coefficient(2.0)
                .maximum_interval(Duration::from_secs(10))
                .maximum_attempts(attempts)
                .build(),
        )
        .build()
}

/// Worker options with every fault workflow and their activities.
pub fn options(spawn: &WorkerSpawn) -> Result<WorkerOptions, wfkit_scenarios::WorkerError> {
    Ok(WorkerOptions::new(spawn.task_queue.clone())
        .register_workflow::<two_steps::TwoSteps>()?
        .register_workflow::<sleep::Sleep>()?
        .register_workflow::<collect_signals::CollectSignals>()?
        .register_activities(two_steps::StepActivities {
            effects: spawn.effects.clone(),
        })
        .build())
}
