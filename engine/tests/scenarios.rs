//! Every scenario workflow, written with the official Rust SDK, runs on the wfkit engine with
//! the SDK's own worker and client, and ends as its spec says.

use anyhow::{Context, Result};
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_scenarios::{BackgroundWorker, ServerTarget, run_scenario, spec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_on_the_engine() -> Result<()> {
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Real,
        ..EngineConfig::default()
    })
    .await?;
    let target = ServerTarget::new(engine.address().to_string(), "default");
    let task_queue = "engine-scenarios";
    let worker = BackgroundWorker::start(&target, task_queue).await?;
    let client = target.connect().await?;
    let mut problems = Vec::new();
    for scenario in spec::all() {
        let workflow_id = format!("engine-{}", scenario.name);
        let run = run_scenario(&client, task_queue, &scenario, &workflow_id)
            .await
            .with_context(|| format!("scenario {}", scenario.name))?;
        // The outcome, the checks of the last run, and of every run before it.
        for problem in run.problems(&scenario) {
            problems.push(problem);
        }
        let report = wfkit_history::validate(&run.history);
        if !report.is_valid() {
            problems.push(format!("{}: invalid history: {report}", scenario.name));
        }
    }
    worker.stop().await?;
    engine.stop().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}
