//! The `update` scenario on wfkit's engine: the load generator sends N updates after each
//! start, one after another, each waited for until it completed; every answer is checked and
//! every round trip lands in `update_latency_us`. An update the workflow fails is counted
//! under `UPDATE_FAILED`, and its iteration's updates are not recorded. The same scenario runs
//! on the real dev server.
#![cfg(feature = "temporal")]

use crate::temporal_common;

use std::sync::Arc;
use std::time::Duration;

use temporalio_protos::temporal::api::enums::v1::EventType;
use wfkit_devserver::DevServer;
use wfkit_engine::{EngineConfig, TestEngine};
use wfkit_loadgen::temporal::status_label::UPDATE_FAILED;
use wfkit_loadgen::temporal::{InputTemplate, TemporalTarget, WorkflowPlan};
use wfkit_loadgen::{LoadModel, RunOptions, RunResult, StopCondition, run_load};
use wfkit_scenarios::load::updates::WORKFLOW_TYPE;
use wfkit_scenarios::load::{LoadParams, LoadScenario};

use temporal_common::{errors, load_worker, run_scenario, target};

const UPDATES: u32 = 4;
const ITERATIONS: u64 = 12;

/// Runs the `update` scenario ([`ITERATIONS`] workflows of [`UPDATES`] updates, 3 in flight)
/// against `address` and checks that every iteration and every update completed.
async fn check_updates(
    address: &str,
    run_name: &str,
) -> anyhow::Result<(RunResult, Arc<TemporalTarget>)> {
    let params = LoadParams {
        updates: UPDATES,
        ..LoadParams::default()
    };
    let (result, target) = run_scenario(
        address,
        LoadScenario::Updates,
        &params,
        run_name,
        LoadModel::Closed { in_flight: 3 },
        StopCondition::iterations(ITERATIONS),
        RunOptions::default()
            .with_iteration_timeout(Duration::from_secs(60))
            .with_drain_timeout(Duration::from_secs(60)),
    )
    .await?;
    assert_eq!(result.counts.failed, 0, "{run_name}: {}", errors(&result));
    assert_eq!(result.counts.completed, ITERATIONS, "{run_name}");
    let updates = &result.histograms.update_latency_us;
    assert_eq!(updates.len(), ITERATIONS * u64::from(UPDATES), "{run_name}");
    assert!(updates.min() > 0, "{run_name}");
    Ok((result, target))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_update_completes_and_is_timed() -> anyhow::Result<()> {
    let engine = TestEngine::start_with(EngineConfig::default()).await?;
    let (_, target) = check_updates(&engine.address().to_string(), "updates").await?;
    // Each history records N accepted and N completed updates.
    let sampled = target.sampled();
    assert_eq!(sampled.len() as u64, ITERATIONS);
    for execution in sampled {
        let history = engine.history("default", &execution.workflow_id)?;
        let count = |kind: EventType| {
            history
                .events
                .iter()
                .filter(|event| event.event_type == kind as i32)
                .count()
        };
        assert_eq!(
            count(EventType::WorkflowExecutionUpdateAccepted),
            UPDATES as usize
        );
        assert_eq!(
            count(EventType::WorkflowExecutionUpdateCompleted),
            UPDATES as usize,
            "{}",
            execution.workflow_id
        );
    }
    engine.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_update_is_counted_under_its_label() -> anyhow::Result<()> {
    let engine = TestEngine::start_with(EngineConfig::default()).await?;
    let address = engine.address().to_string();
    let queue = "q-unknown-update";
    let worker = load_worker(&address, queue).await?;
    // The workflow has no handler for this update: the worker rejects it.
    let plan = WorkflowPlan::new(WORKFLOW_TYPE, queue, "unknown-update")
        .with_input(InputTemplate::fixed(&serde_json::json!(1)))
        .with_updates("no_such_update", 1)
        .expecting(serde_json::json!(1));
    let target = target(&address, plan).await?;
    let result = run_load(
        Arc::clone(&target),
        LoadModel::Closed { in_flight: 2 },
        StopCondition::iterations(2),
        RunOptions::default().with_iteration_timeout(Duration::from_secs(30)),
    )
    .await?;
    worker.stop().await?;
    engine.stop().await;
    assert_eq!(result.counts.completed, 0);
    assert_eq!(result.counts.failed, 2);
    assert_eq!(result.errors.len(), 1, "{}", errors(&result));
    assert_eq!(result.errors[0].status, UPDATE_FAILED);
    assert!(result.histograms.update_latency_us.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_update_completes_on_the_real_dev_server() -> anyhow::Result<()> {
    let server = DevServer::start()
        .await
        .expect("the real dev server starts (run `bash scripts/setup.sh`)");
    check_updates(&server.address(), "updates-devserver").await?;
    Ok(())
}
