//! The `VersionedBooking` v1 histories (`fixtures/versioned_booking/v1/`, recorded from the real
//! server by `record-versions`) as the SDK's own replayer judges them against each version in
//! `wfkit_scenarios::versions`: the reference that wfkit's replayer
//! (`replay/tests/versions.rs`) is held to. Runs without a server.

use std::path::PathBuf;

use anyhow::{Context, Result, ensure};
use temporalio_client::WorkflowHistory;
use temporalio_protos::temporal::api::history::v1::History;
use temporalio_sdk::workflow_replayer::WorkflowReplayFailure;
use wfkit_scenarios::versions;

/// Fixture files, in the order the replayer gets them; the last one waits on its timer.
const FILES: [&str; 3] = [
    "completed-1.json",
    "completed-2.json",
    "waiting-on-timer.json",
];

fn load(name: &str) -> Result<History> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/versioned_booking/v1")
        .join(name);
    let mut loaded = wfkit_history::load_file(&path).with_context(|| {
        format!(
            "loading {} (record it with `cargo run -p wfkit-scenarios --bin record-versions`)",
            path.display()
        )
    })?;
    ensure!(loaded.histories.len() == 1, "{}", path.display());
    loaded.histories.pop().context("no history")
}

/// The SDK replayer's failure (or `None`) for each of [`FILES`], with `version` registered.
async fn sdk_verdicts(version: &str) -> Result<Vec<Option<WorkflowReplayFailure>>> {
    let histories = FILES
        .iter()
        .map(|name| load(name).map(WorkflowHistory::from))
        .collect::<Result<Vec<_>>>()?;
    let results = versions::sdk_replayer(version)?
        .replay_workflows(histories)
        .await?;
    Ok(results.into_iter().map(|r| r.replay_failure).collect())
}

#[test]
fn fixtures_show_v1_shapes() -> Result<()> {
    for name in FILES {
        let history = load(name)?;
        let events = history.events.len();
        let expected = if name.starts_with("completed") {
            22
        } else {
            11
        };
        ensure!(events == expected, "{name}: {events} events");
    }
    Ok(())
}

#[tokio::test]
async fn sdk_replayer_accepts_v1_and_v3() -> Result<()> {
    for version in ["v1", "v3"] {
        let verdicts = sdk_verdicts(version).await?;
        ensure!(
            verdicts.iter().all(Option::is_none),
            "{version}: {verdicts:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn sdk_replayer_flags_v2_on_completed_histories_only() -> Result<()> {
    let verdicts = sdk_verdicts("v2").await?;
    for (name, verdict) in FILES.iter().zip(&verdicts) {
        match verdict {
            Some(WorkflowReplayFailure::Nondeterminism { message })
                if name.starts_with("completed") =>
            {
                ensure!(
                    message.contains("Activity type of scheduled event 'charge' does not match activity type of activity command 'check_fraud'"),
                    "{name}: {message}"
                );
            }
            None if *name == "waiting-on-timer.json" => {}
            other => anyhow::bail!("{name}: {other:?}"),
        }
    }
    Ok(())
}

#[tokio::test]
async fn sdk_replayer_reports_the_panic() -> Result<()> {
    let verdicts = sdk_verdicts("panics").await?;
    for (name, verdict) in FILES.iter().zip(&verdicts) {
        ensure!(
            matches!(
                verdict,
                Some(WorkflowReplayFailure::WorkflowTaskFailure { message })
                    if message.contains(versions::booking_panics::PANIC_MESSAGE)
            ),
            "{name}: {verdict:?}"
        );
    }
    Ok(())
}
