//! Temporary (helper session): earlier runs of continue_as_new, engine vs real server.
#![allow(missing_docs)]
use anyhow::{Context, Result};
use wfkit_devserver::DevServer;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_history::{diff, normalize};
use wfkit_scenarios::{BackgroundWorker, ScenarioOutcome, ServerTarget, run_scenario, spec};

async fn run(target: &ServerTarget) -> Result<Vec<ScenarioOutcome>> {
    let worker = BackgroundWorker::start(target, "tmp").await?;
    let client = target.connect().await?;
    let mut out = Vec::new();
    for s in spec::all() {
        let r = run_scenario(&client, "tmp", &s, &format!("tmp-{}", s.name)).await.with_context(|| s.name.clone())?;
        for p in r.problems(&s) { println!("PROBLEM {p}"); }
        out.push(r);
    }
    worker.stop().await?;
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tmp() -> Result<()> {
    let server = DevServer::start().await?;
    let real = run(&ServerTarget::new(server.address(), server.namespace())).await?;
    server.stop().await?;
    let engine = TestEngine::start_with(EngineConfig { time_mode: TimeMode::Real, ..EngineConfig::default() }).await?;
    let ours = run(&ServerTarget::new(engine.address().to_string(), "default")).await?;
    engine.stop().await;
    for (a, b) in real.iter().zip(&ours) {
        println!("{}: earlier runs {} vs {}; queries {:?} vs {:?}", a.scenario, a.earlier_runs.len(), b.earlier_runs.len(), a.queries, b.queries);
        for (i, (x, y)) in a.earlier_runs.iter().zip(&b.earlier_runs).enumerate() {
            let d = diff(&normalize(x), &normalize(y));
            println!("  run {}: equal {}\n{}", i + 1, d.is_equal(), if d.is_equal() { String::new() } else { d.to_string() });
        }
    }
    Ok(())
}
