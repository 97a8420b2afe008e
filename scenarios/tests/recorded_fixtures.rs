//! The committed fixture corpus (`fixtures/scenarios/<name>/v1/<name>.json`, recorded from the
//! real server by `record-fixtures`) loads, and each history still shows its scenario's
//! expected outcome and structure. Runs without a server.

use std::path::PathBuf;

use anyhow::{Context, Result, ensure};
use temporalio_protos::temporal::api::history::v1::{History, history_event::Attributes};
use wfkit_scenarios::{outcome_from_history, replay::replay_histories, spec, verify_all};

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/scenarios")
        .join(name)
        .join("v1")
        .join(format!("{name}.json"))
}

fn load_fixture(name: &str) -> Result<History> {
    let path = fixture_path(name);
    let mut loaded = wfkit_history::load_file(&path).with_context(|| {
        format!(
            "loading {} (record it with `cargo run -p wfkit-scenarios --bin record-fixtures`)",
            path.display()
        )
    })?;
    ensure!(
        loaded.histories.len() == 1,
        "{}: {} histories, expected 1",
        path.display(),
        loaded.histories.len()
    );
    loaded
        .histories
        .pop()
        .with_context(|| format!("{}: no history", path.display()))
}

#[test]
fn every_scenario_has_a_recorded_fixture_that_matches_its_spec() -> Result<()> {
    for scenario in spec::all() {
        let path = fixture_path(&scenario.name);
        let history = &load_fixture(&scenario.name)?;
        let outcome = outcome_from_history(history)
            .with_context(|| format!("reading the outcome of {}", path.display()))?;
        ensure!(
            outcome == scenario.expected,
            "{}: outcome {outcome:?}, expected {:?}",
            path.display(),
            scenario.expected
        );
        let failures = verify_all(history, &scenario.checks);
        ensure!(failures.is_empty(), "{}: {failures:?}", path.display());
    }
    Ok(())
}

#[tokio::test]
async fn every_recorded_fixture_replays_against_the_current_workflows() -> Result<()> {
    let names: Vec<String> = spec::all().into_iter().map(|s| s.name).collect();
    let histories = names
        .iter()
        .map(|name| load_fixture(name))
        .collect::<Result<Vec<_>>>()?;
    let failures = replay_histories(&histories).await?;
    ensure!(
        failures.len() == names.len(),
        "one replay result per history"
    );
    let broken: Vec<String> = names
        .iter()
        .zip(&failures)
        .filter_map(|(name, failure)| failure.as_ref().map(|f| format!("{name}: {f}")))
        .collect();
    ensure!(
        broken.is_empty(),
        "fixtures no longer replay:\n{}",
        broken.join("\n")
    );
    Ok(())
}

/// The replay check is only worth having if it notices a history the code would not produce.
#[tokio::test]
async fn replay_flags_a_history_whose_activity_type_was_changed() -> Result<()> {
    let mut history = load_fixture("hello")?;
    let scheduled = history
        .events
        .iter_mut()
        .find_map(|e| match &mut e.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => a.activity_type.as_mut(),
            _ => None,
        })
        .context("hello fixture has an ActivityTaskScheduled event")?;
    scheduled.name = "greet_renamed".to_owned();
    let failures = replay_histories(&[history]).await?;
    ensure!(
        matches!(failures.as_slice(), [Some(_)]),
        "tampered history replayed cleanly: {failures:?}"
    );
    Ok(())
}
