//! Conformance: every scenario runs on the wfkit engine and on the real Temporal dev server
//! (`temporal server start-dev`), with the same official Rust SDK worker, and the normalised
//! histories must be equal event for event. Fails (never skips) when the dev server is missing.

use anyhow::{Context, Result};
use wfkit_devserver::DevServer;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_history::{History, diff, normalize};
use wfkit_scenarios::{BackgroundWorker, ServerTarget, run_scenario, spec};

async fn run_all(target: &ServerTarget, task_queue: &str) -> Result<Vec<(String, History)>> {
    let worker = BackgroundWorker::start(target, task_queue).await?;
    let client = target.connect().await?;
    let mut histories = Vec::new();
    for scenario in spec::all() {
        let workflow_id = format!("conformance-{}", scenario.name);
        let run = run_scenario(&client, task_queue, &scenario, &workflow_id)
            .await
            .with_context(|| format!("scenario {}", scenario.name))?;
        anyhow::ensure!(
            run.outcome == scenario.expected,
            "{}: outcome {:?}",
            scenario.name,
            run.outcome
        );
        // Every run of a continue-as-new chain, oldest first, then the last one.
        for (index, history) in run.earlier_runs.iter().enumerate() {
            histories.push((
                format!("{} run {}", scenario.name, index + 1),
                history.clone(),
            ));
        }
        histories.push((scenario.name.to_string(), run.history));
    }
    worker.stop().await?;
    Ok(histories)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_histories_match_the_real_server() -> Result<()> {
    let task_queue = "conformance";
    let server = DevServer::start()
        .await
        .context("the real dev server is needed: run `bash scripts/setup.sh`")?;
    let real = run_all(
        &ServerTarget::new(server.address(), server.namespace()),
        task_queue,
    )
    .await?;
    server.stop().await?;

    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Real,
        ..EngineConfig::default()
    })
    .await?;
    let ours = run_all(
        &ServerTarget::new(engine.address().to_string(), "default"),
        task_queue,
    )
    .await?;
    engine.stop().await;

    let mut problems = Vec::new();
    for ((name, real), (_, ours)) in real.iter().zip(&ours) {
        let result = diff(&normalize(real), &normalize(ours));
        if !result.is_equal() {
            problems.push(format!(
                "== {name} (a = real server, b = wfkit engine)\n{result}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    Ok(())
}
