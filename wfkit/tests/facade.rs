//! The facade reaches every library: an engine started through it serves, a history read
//! through it validates, a plan parsed through it prints back.

use anyhow::ensure;

#[tokio::test]
async fn every_library_is_reachable_through_the_facade() -> anyhow::Result<()> {
    let engine = wfkit::engine::TestEngine::start().await?;
    ensure!(engine.url().starts_with("http://127.0.0.1:"));
    engine.stop().await;

    let plan = wfkit::fuzz::FaultPlan::parse("worker-crash after-workflow-task=2")?;
    ensure!(plan.to_string() == "worker-crash after-workflow-task=2");

    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scenarios/hello/v1");
    let file = std::fs::read_dir(&fixture)?
        .next()
        .ok_or_else(|| anyhow::anyhow!("no fixture in {}", fixture.display()))??;
    let loaded = wfkit::history::load_file(file.path())?;
    for history in &loaded.histories {
        ensure!(wfkit::history::validate(history).is_valid());
    }
    Ok(())
}
