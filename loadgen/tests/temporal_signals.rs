//! The `signals` scenario on wfkit's engine: the load generator sends N signals after each
//! start and checks that the workflow received exactly N. A plan that sends one signal too few
//! (a lost signal) is caught: the workflow never completes and the iteration times out.
#![cfg(feature = "temporal")]

use crate::temporal_common;

use std::sync::Arc;
use std::time::Duration;

use temporalio_protos::temporal::api::enums::v1::EventType;
use wfkit_engine::{EngineConfig, TestEngine};
use wfkit_loadgen::executor::STATUS_TIMEOUT;
use wfkit_loadgen::temporal::{InputTemplate, WorkflowPlan};
use wfkit_loadgen::{ArrivalModel, LoadModel, RunOptions, StopCondition, run_load};
use wfkit_scenarios::load::signals::{SIGNAL_NAME, WORKFLOW_TYPE};
use wfkit_scenarios::load::{LoadParams, LoadScenario};

use temporal_common::{errors, load_worker, run_scenario, target};

const SIGNALS: u32 = 10;

/// The engine in real time (the default configuration), with access to histories.
async fn engine() -> anyhow::Result<TestEngine> {
    Ok(TestEngine::start_with(EngineConfig::default()).await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_signal_is_lost() -> anyhow::Result<()> {
    let engine = engine().await?;
    let params = LoadParams {
        signals: SIGNALS,
        ..LoadParams::default()
    };
    let (result, target) = run_scenario(
        &engine.address().to_string(),
        LoadScenario::Signals,
        &params,
        "signals",
        LoadModel::Open(ArrivalModel::Constant { rate_per_s: 10.0 }),
        StopCondition::duration(Duration::from_secs(2)),
        RunOptions::default().with_drain_timeout(Duration::from_secs(20)),
    )
    .await?;
    assert_eq!(result.counts.issued, 20);
    assert_eq!(result.counts.failed, 0, "{}", errors(&result));
    assert_eq!(result.counts.completed, 20);
    // The sample holds every workflow (20 < 200), and each history records N signals.
    let sampled = target.sampled();
    assert_eq!(sampled.len(), 20);
    for execution in sampled {
        let history = engine.history("default", &execution.workflow_id)?;
        let signals = history
            .events
            .iter()
            .filter(|event| event.event_type == EventType::WorkflowExecutionSignaled as i32)
            .count();
        assert_eq!(signals, SIGNALS as usize, "{}", execution.workflow_id);
    }
    engine.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_signal_is_caught() -> anyhow::Result<()> {
    let engine = engine().await?;
    let address = engine.address().to_string();
    let queue = "q-lost-signal";
    let worker = load_worker(&address, queue).await?;
    // The workflow waits for SIGNALS signals; the plan sends one fewer.
    let plan = WorkflowPlan::new(WORKFLOW_TYPE, queue, "lost-signal")
        .with_input(InputTemplate::fixed(&serde_json::json!(SIGNALS)))
        .with_signals(SIGNAL_NAME, SIGNALS - 1)
        .expecting(serde_json::json!(SIGNALS));
    let result = run_load(
        Arc::clone(&target(&address, plan).await?),
        LoadModel::Closed { in_flight: 2 },
        StopCondition::iterations(2),
        RunOptions::default().with_iteration_timeout(Duration::from_secs(3)),
    )
    .await?;
    worker.stop().await?;
    engine.stop().await;
    assert_eq!(result.counts.completed, 0);
    assert_eq!(result.counts.failed, 2);
    assert_eq!(result.errors.len(), 1, "{}", errors(&result));
    assert_eq!(result.errors[0].status, STATUS_TIMEOUT);
    Ok(())
}
