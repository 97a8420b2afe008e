//! Update round trip next to the real dev server, in one run: the official Rust client sends
//! workflow updates (UpdateWorkflowExecution, waiting for COMPLETED) to the `updates` scenario
//! workflow, run by the official Rust SDK worker, and the same load goes to the wfkit engine and
//! to `temporal server start-dev`. Writes `reports/update-round-trip.md`.
//!
//! One round trip is client → server → worker (a workflow task carrying the update) → server
//! (UpdateAccepted, UpdateCompleted) → client. Each workflow gets its updates one after another;
//! several workflows run at once.
//!
//! `cargo bench -p wfkit-engine --bench update_round_trip` (WFKIT_BENCH_UPDATE_WORKFLOWS,
//! WFKIT_BENCH_UPDATES_PER_WORKFLOW and WFKIT_BENCH_CONCURRENCY change the load).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use temporalio_client::{
    WorkflowExecuteUpdateOptions, WorkflowGetResultOptions, WorkflowStartOptions,
};
use tokio::sync::Semaphore;
use wfkit_devserver::DevServer;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_scenarios::workflows::UpdatesWorkflow;
use wfkit_scenarios::{BackgroundWorker, ServerTarget};

const TASK_QUEUE: &str = "bench-updates";

/// What one backend achieved.
struct Measured {
    updates: u64,
    elapsed: Duration,
    round_trip_us: Histogram<u64>,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.updates as f64 / self.elapsed.as_secs_f64()
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn measure(
    target: &ServerTarget,
    label: &str,
    workflows: usize,
    updates_per_workflow: usize,
    concurrency: usize,
) -> anyhow::Result<Measured> {
    let worker = BackgroundWorker::start(target, TASK_QUEUE).await?;
    let client = Arc::new(target.connect().await?);
    // Warm up: connections, the worker's pollers and caches.
    run_one(&client, &format!("{label}-warmup"), 2).await?;
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut round_trip_us = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..workflows {
        let permit = permits.clone().acquire_owned().await?;
        let client = client.clone();
        let id = format!("{label}-{index}");
        tasks.spawn(async move {
            let result = run_one(&client, &id, updates_per_workflow).await;
            drop(permit);
            result
        });
    }
    let mut updates = 0u64;
    while let Some(joined) = tasks.join_next().await {
        for elapsed in joined?? {
            round_trip_us.record(elapsed.as_micros().max(1) as u64)?;
            updates += 1;
        }
    }
    let elapsed = started.elapsed();
    worker.stop().await?;
    Ok(Measured {
        updates,
        elapsed,
        round_trip_us,
    })
}

/// Starts one workflow, sends it `updates` updates one after another (returning each round
/// trip), then finishes it and checks its result.
async fn run_one(
    client: &temporalio_client::Client,
    workflow_id: &str,
    updates: usize,
) -> anyhow::Result<Vec<Duration>> {
    let handle = client
        .start_workflow(
            UpdatesWorkflow::run,
            "bench".to_string(),
            WorkflowStartOptions::new(TASK_QUEUE, workflow_id).build(),
        )
        .await?;
    let mut round_trips = Vec::with_capacity(updates);
    for index in 0..updates {
        let begin = Instant::now();
        let count = handle
            .execute_update(
                UpdatesWorkflow::add_item,
                format!("item-{index}"),
                WorkflowExecuteUpdateOptions::default(),
            )
            .await?;
        round_trips.push(begin.elapsed());
        anyhow::ensure!(
            count as usize == index + 1,
            "update {index} of {workflow_id} answered {count}"
        );
    }
    handle
        .execute_update(
            UpdatesWorkflow::finish,
            (),
            WorkflowExecuteUpdateOptions::default(),
        )
        .await?;
    let items = handle
        .get_result(WorkflowGetResultOptions::default())
        .await?;
    anyhow::ensure!(
        items.len() == updates,
        "{workflow_id} ended with {} items",
        items.len()
    );
    Ok(round_trips)
}

fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        println!("update_round_trip: bench");
        return Ok(());
    }
    let workflows = env_usize("WFKIT_BENCH_UPDATE_WORKFLOWS", 40);
    let updates_per_workflow = env_usize("WFKIT_BENCH_UPDATES_PER_WORKFLOW", 10);
    let concurrency = env_usize("WFKIT_BENCH_CONCURRENCY", 20);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (ours, real) = runtime.block_on(async {
        let engine = TestEngine::start_with(EngineConfig {
            time_mode: TimeMode::Real,
            ..EngineConfig::default()
        })
        .await?;
        let ours = measure(
            &ServerTarget::new(engine.address().to_string(), "default"),
            "engine",
            workflows,
            updates_per_workflow,
            concurrency,
        )
        .await?;
        engine.stop().await;
        let server = DevServer::start().await?;
        let real = measure(
            &ServerTarget::new(server.address(), server.namespace()),
            "devserver",
            workflows,
            updates_per_workflow,
            concurrency,
        )
        .await?;
        server.stop().await?;
        anyhow::Ok((ours, real))
    })?;
    let ms =
        |m: &Measured, quantile: f64| m.round_trip_us.value_at_quantile(quantile) as f64 / 1000.0;
    let row = |name: &str, m: &Measured| {
        format!(
            "| {name} | {} | {:.1} | {:.1} | {:.2} | {:.2} | {:.2} |",
            m.updates,
            m.elapsed.as_secs_f64(),
            m.per_second(),
            ms(m, 0.50),
            ms(m, 0.99),
            m.round_trip_us.max() as f64 / 1000.0,
        )
    };
    let report = format!(
        "# Update round trip\n\n\
         Written by `cargo bench -p wfkit-engine --bench update_round_trip`: the official Rust client \
         executes updates (UpdateWorkflowExecution, waiting for COMPLETED) on the `updates` scenario \
         workflow, run by the official Rust SDK worker (in-process, 2 tokio worker threads): \
         {workflows} workflows, {updates_per_workflow} updates each, one after another per workflow, \
         {concurrency} workflows at a time, against each backend in turn, on the same 2-core machine \
         in one run. A round trip is client → server → worker → server → client.\n\n\
         | backend | updates | seconds | updates/s | p50 round trip ms | p99 round trip ms | max ms |\n\
         |---|---|---|---|---|---|---|\n{}\n{}\n\n\
         Ratio: a round trip on the wfkit engine takes **{:.2}×** less time at the median than on \
         `temporal server start-dev` ({:.2}× at p99), and the engine completes **{:.2}×** the updates per second.\n",
        row("wfkit engine", &ours),
        row("temporal server start-dev", &real),
        ms(&real, 0.50) / ms(&ours, 0.50).max(1e-9),
        ms(&real, 0.99) / ms(&ours, 0.99).max(1e-9),
        ours.per_second() / real.per_second(),
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/update-round-trip.md");
    std::fs::write(&path, &report)?;
    println!("{report}\nwrote {}", path.display());
    Ok(())
}
