//! Engine throughput next to the real dev server, in one run: the same official Rust SDK worker
//! runs the one-activity `hello` workflow, with the same load, against the wfkit engine and
//! against `temporal server start-dev`. Writes `reports/engine-throughput.md`.
//!
//! `cargo bench -p wfkit-engine --bench throughput` (WFKIT_BENCH_WORKFLOWS and
//! WFKIT_BENCH_CONCURRENCY change the load).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use temporalio_client::{WorkflowGetResultOptions, WorkflowStartOptions};
use tokio::sync::Semaphore;
use wfkit_devserver::DevServer;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_scenarios::workflows::HelloWorkflow;
use wfkit_scenarios::{BackgroundWorker, ServerTarget};

const TASK_QUEUE: &str = "bench-throughput";

/// What one backend achieved.
struct Measured {
    workflows: usize,
    elapsed: Duration,
    latency_us: Histogram<u64>,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.workflows as f64 / self.elapsed.as_secs_f64()
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
    concurrency: usize,
) -> anyhow::Result<Measured> {
    let worker = BackgroundWorker::start(target, TASK_QUEUE).await?;
    let client = Arc::new(target.connect().await?);
    // Warm up: connections, the worker's pollers and caches.
    run_one(&client, &format!("{label}-warmup")).await?;
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut latency_us = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..workflows {
        let permit = permits.clone().acquire_owned().await?;
        let client = client.clone();
        let id = format!("{label}-{index}");
        tasks.spawn(async move {
            let begin = Instant::now();
            let result = run_one(&client, &id).await;
            drop(permit);
            result.map(|()| begin.elapsed())
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let elapsed = joined??;
        latency_us.record(elapsed.as_micros().max(1) as u64)?;
    }
    let elapsed = started.elapsed();
    worker.stop().await?;
    Ok(Measured {
        workflows,
        elapsed,
        latency_us,
    })
}

async fn run_one(client: &temporalio_client::Client, workflow_id: &str) -> anyhow::Result<()> {
    let handle = client
        .start_workflow(
            HelloWorkflow::run,
            "bench".to_string(),
            WorkflowStartOptions::new(TASK_QUEUE, workflow_id).build(),
        )
        .await?;
    let result = handle
        .get_result(WorkflowGetResultOptions::default())
        .await?;
    anyhow::ensure!(result == "Hello, bench!", "unexpected result {result:?}");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        println!("throughput: bench");
        return Ok(());
    }
    let workflows = env_usize("WFKIT_BENCH_WORKFLOWS", 500);
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
            concurrency,
        )
        .await?;
        engine.stop().await;
        let server = DevServer::start().await?;
        let real = measure(
            &ServerTarget::new(server.address(), server.namespace()),
            "devserver",
            workflows,
            concurrency,
        )
        .await?;
        server.stop().await?;
        anyhow::Ok((ours, real))
    })?;
    let row = |name: &str, m: &Measured| {
        format!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            m.workflows,
            m.elapsed.as_secs_f64(),
            m.per_second(),
            m.latency_us.value_at_quantile(0.50) as f64 / 1000.0,
            m.latency_us.value_at_quantile(0.99) as f64 / 1000.0,
        )
    };
    let report = format!(
        "# Engine throughput\n\n\
         Written by `cargo bench -p wfkit-engine --bench throughput`: the one-activity `hello` scenario \
         workflow, started and awaited with the official Rust client, executed by the official Rust SDK \
         worker (in-process, 2 tokio worker threads), {workflows} workflows with {concurrency} in flight, \
         against each backend in turn, on the same 2-core machine in one run.\n\n\
         | backend | workflows | seconds | completed workflows/s | p50 end-to-end ms | p99 end-to-end ms |\n\
         |---|---|---|---|---|---|\n{}\n{}\n\n\
         Ratio: the wfkit engine completes **{:.2}×** the workflows per second of `temporal server start-dev` \
         (target at this stage: 5×).\n",
        row("wfkit engine", &ours),
        row("temporal server start-dev 1.32.0", &real),
        ours.per_second() / real.per_second(),
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/engine-throughput.md");
    std::fs::write(&path, &report)?;
    println!("{report}\nwrote {}", path.display());
    Ok(())
}
