//! Shared by the Temporal tests: run a load scenario, with the built-in load worker (official
//! Rust SDK), against a server at an address (the wfkit engine or the real dev server).

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::sync::Arc;

use wfkit_cluster::ConnectOptions;
use wfkit_loadgen::temporal::{InputTemplate, TemporalTarget, WorkflowPlan, connect};
use wfkit_loadgen::{LoadModel, RunOptions, RunResult, StopCondition, run_load};
use wfkit_scenarios::load::{LoadParams, LoadScenario, load_worker_options, load_workflow};
use wfkit_scenarios::{BackgroundWorker, ServerTarget};

/// The plan `wfkit load --scenario …` makes, on task queue `queue`.
pub(crate) fn scenario_plan(
    scenario: LoadScenario,
    params: &LoadParams,
    queue: &str,
    run_name: &str,
) -> anyhow::Result<WorkflowPlan> {
    let load = load_workflow(scenario, params)?;
    let mut plan = WorkflowPlan::new(load.workflow_type, queue, run_name)
        .with_input(InputTemplate::fixed(&load.input))
        .expecting(load.expected_result);
    if let Some(name) = load.signal_name {
        plan = plan.with_signals(name, load.signal_count);
    }
    if let Some(name) = load.update_name {
        plan = plan.with_updates(name, load.update_count);
    }
    Ok(plan)
}

/// A connected target for `plan` against `address`, namespace `default`.
pub(crate) async fn target(
    address: &str,
    plan: WorkflowPlan,
) -> anyhow::Result<Arc<TemporalTarget>> {
    let connection = connect(&ConnectOptions::new(address, "default")).await?;
    Ok(Arc::new(TemporalTarget::new(connection, "default", plan)?))
}

/// The built-in load worker on `queue` against `address`.
pub(crate) async fn load_worker(address: &str, queue: &str) -> anyhow::Result<BackgroundWorker> {
    let owned = queue.to_owned();
    Ok(
        BackgroundWorker::start_with(&ServerTarget::new(address, "default"), queue, move || {
            load_worker_options(&owned)
        })
        .await?,
    )
}

/// Runs `scenario` against `address` with the built-in worker; returns the result and the
/// target (for its history sample).
pub(crate) async fn run_scenario(
    address: &str,
    scenario: LoadScenario,
    params: &LoadParams,
    run_name: &str,
    model: LoadModel,
    stop: StopCondition,
    options: RunOptions,
) -> anyhow::Result<(RunResult, Arc<TemporalTarget>)> {
    let queue = format!("q-{run_name}");
    let worker = load_worker(address, &queue).await?;
    let target = target(address, scenario_plan(scenario, params, &queue, run_name)?).await?;
    let result = run_load(Arc::clone(&target), model, stop, options).await?;
    worker.stop().await?;
    Ok((result, target))
}

/// `"label": count` of every error, for assertion messages.
pub(crate) fn errors(result: &RunResult) -> String {
    result
        .errors
        .iter()
        .map(|error| {
            format!(
                "{} {} × {}",
                error.phase.as_str(),
                error.status,
                error.count
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
