//! The load workflows: what `wfkit load` starts by default, and the worker that runs them.
//!
//! One file per workflow, each with a fixed type name (`Load…`) and a deterministic result the
//! load generator checks ([`catalog::load_workflow`]). The activities ([`LoadActivities`]) do
//! no real work.
//!
//! | scenario | workflow | what it exercises |
//! |---|---|---|
//! | `noop` | `LoadNoop` | start, one workflow task, close |
//! | `activity` | `LoadActivity` | one activity |
//! | `chain` | `LoadChain` | N activities in sequence |
//! | `saga` | `LoadSaga` | three bookings, compensated when the last fails |
//! | `timers` | `LoadTimers` | a few short timers |
//! | `signals` | `LoadSignals` | N signals, none lost |
//! | `update` | `LoadUpdates` | N updates, one after another, each answered |
//! | `child` | `LoadChild` | a child workflow |
//! | `continue-as-new` | `LoadContinueAsNew` | K continue-as-new hops |

pub mod activities;
pub mod activity;
pub mod catalog;
pub mod chain;
pub mod child;
pub mod continue_as_new;
pub mod noop;
pub mod saga;
pub mod signals;
pub mod timers;
pub mod updates;

use temporalio_common::worker::WorkerDeploymentOptions;
use temporalio_sdk::{ApplicationFailure, WorkerOptions, WorkflowTermination};

pub use activities::LoadActivities;
pub use catalog::{
    ECHO_VALUE, LoadParams, LoadParamsError, LoadScenario, LoadWorkflow, load_workflow,
};

use crate::error::WorkerError;
use crate::worker::{BUILD_ID, WORKER_IDENTITY};

/// Application failure type of a load workflow given an input outside its limits.
pub const INVALID_LOAD_INPUT_TYPE: &str = "InvalidLoadInput";

/// Registers every load workflow and activity on `options` (which may already hold other
/// workflows, such as the scenario workflows: the type names do not collide).
pub fn register_load_workflows(options: &mut WorkerOptions) -> Result<(), WorkerError> {
    options
        .register_workflow::<noop::LoadNoopWorkflow>()?
        .register_workflow::<activity::LoadActivityWorkflow>()?
        .register_workflow::<chain::LoadChainWorkflow>()?
        .register_workflow::<saga::LoadSagaWorkflow>()?
        .register_workflow::<timers::LoadTimersWorkflow>()?
        .register_workflow::<signals::LoadSignalsWorkflow>()?
        .register_workflow::<updates::LoadUpdatesWorkflow>()?
        .register_workflow::<child::LoadChildWorkflow>()?
        .register_workflow::<continue_as_new::LoadContinueAsNewWorkflow>()?
        .register_activities(LoadActivities);
    Ok(())
}

/// Worker options for `task_queue` with every load workflow and activity registered.
pub fn load_worker_options(task_queue: &str) -> Result<WorkerOptions, WorkerError> {
    let mut options = WorkerOptions::new(task_queue)
        .client_identity_override(WORKER_IDENTITY.to_owned())
        .deployment_options(WorkerDeploymentOptions::from_build_id(BUILD_ID.to_owned()))
        .build();
    register_load_workflows(&mut options)?;
    Ok(options)
}

/// A non-retryable failure for an input outside a workflow's limits: retrying the workflow
/// task would fail the same way.
fn invalid_input(message: String) -> WorkflowTermination {
    ApplicationFailure::builder(message)
        .type_name(INVALID_LOAD_INPUT_TYPE.to_owned())
        .non_retryable(true)
        .build()
        .into()
}
