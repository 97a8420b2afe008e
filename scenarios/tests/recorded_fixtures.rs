//! The committed fixture corpus (`fixtures/scenarios/<name>/v1/<name>.json`, plus
//! `<name>.run-<k>.json` for the earlier runs of a continue-as-new chain, recorded from the real
//! server by `record-fixtures`) loads, and each history still shows its scenario's expected
//! outcome and structure. Runs without a server.

use std::path::PathBuf;

use anyhow::{Context, Result, ensure};
use temporalio_protos::temporal::api::history::v1::{History, history_event::Attributes};
use wfkit_scenarios::{outcome_from_history, replay::replay_histories, spec, verify_all};

fn fixture_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/scenarios")
        .join(name)
        .join("v1")
}

fn fixture_path(name: &str) -> PathBuf {
    fixture_dir(name).join(format!("{name}.json"))
}

/// The fixture of run `run` (1-based) of a continue-as-new chain, before its last run.
fn earlier_run_path(name: &str, run: usize) -> PathBuf {
    fixture_dir(name).join(format!("{name}.run-{run}.json"))
}

fn load_fixture(name: &str) -> Result<History> {
    load_history(&fixture_path(name))
}

fn load_history(path: &std::path::Path) -> Result<History> {
    let mut loaded = wfkit_history::load_file(path).with_context(|| {
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
        for (index, checks) in scenario.earlier_runs.iter().enumerate() {
            let path = earlier_run_path(&scenario.name, index + 1);
            let failures = verify_all(&load_history(&path)?, checks);
            ensure!(failures.is_empty(), "{}: {failures:?}", path.display());
        }
        let unexpected = earlier_run_path(&scenario.name, scenario.earlier_runs.len() + 1);
        ensure!(
            !unexpected.exists(),
            "{} exists, but the scenario continues as new only {} times",
            unexpected.display(),
            scenario.earlier_runs.len()
        );
    }
    Ok(())
}

#[tokio::test]
async fn every_recorded_fixture_replays_against_the_current_workflows() -> Result<()> {
    let mut paths = Vec::new();
    for scenario in spec::all() {
        paths.extend(
            (1..=scenario.earlier_runs.len()).map(|run| earlier_run_path(&scenario.name, run)),
        );
        paths.push(fixture_path(&scenario.name));
    }
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let histories = paths
        .iter()
        .map(|path| load_history(path))
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
