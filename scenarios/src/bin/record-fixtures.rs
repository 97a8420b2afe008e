//! Records every scenario's history from the real Temporal server into the fixture corpus.
//!
//! Starts `temporal server start-dev` (via `wfkit-devserver`) unless `--address` names a
//! running server, runs the scenario worker in-process, runs every scenario, checks each
//! outcome against its spec, and writes `<out>/<scenario>/v1/<scenario>.json` in canonical
//! proto3 JSON. For a scenario that continues as new, that file holds the last run, and the runs
//! before it go to `<scenario>.run-<k>.json` (k = 1, 2, … in chain order). Nothing is written
//! unless every scenario behaves as specified.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use temporalio_protos::temporal::api::history::v1::History;
use wfkit_devserver::DevServer;
use wfkit_scenarios::{
    BackgroundWorker, ScenarioOutcome, ScenarioSpec, ServerTarget, run_scenario, spec,
};

/// Task queue the recorder's worker polls.
const TASK_QUEUE: &str = "wfkit-scenarios";

/// Fixture format version: the `v1` folder. Bump when a scenario's workflow code changes so old
/// histories stay available for replay tests.
const FIXTURE_VERSION: &str = "v1";

const USAGE: &str = "\
record-fixtures: record every wfkit scenario from the real Temporal server

USAGE:
    cargo run -p wfkit-scenarios --bin record-fixtures -- [OPTIONS]

OPTIONS:
    --out DIR           where to write <scenario>/v1/<scenario>.json
                        [default: fixtures/scenarios in the workspace]
    --address HOST:PORT use a running server instead of starting `temporal server start-dev`
    --namespace NAME    namespace on that server [default: default]
    --scenario NAME     record only this scenario (repeatable) and leave the other fixtures
                        as they are [default: every scenario in spec::all()]
    -h, --help          print this help
";

struct Args {
    out: PathBuf,
    address: Option<String>,
    namespace: String,
    scenarios: Vec<String>,
}

/// `fixtures/scenarios` at the workspace root (this crate's parent folder).
fn default_out_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(|root| root.join("fixtures").join("scenarios"))
        .unwrap_or_else(|| manifest.join("../fixtures/scenarios"))
}

fn parse_args() -> Result<Option<Args>> {
    let mut args = Args {
        out: default_out_dir(),
        address: None,
        namespace: "default".to_owned(),
        scenarios: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .with_context(|| format!("{name} needs a value\n\n{USAGE}"))
        };
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--address" => args.address = Some(value("--address")?),
            "--namespace" => args.namespace = value("--namespace")?,
            "--scenario" => {
                let name = value("--scenario")?;
                if !spec::NAMES.contains(&name.as_str()) {
                    bail!(
                        "unknown scenario {name:?}; the recordable scenarios are {}",
                        spec::NAMES.join(", ")
                    );
                }
                args.scenarios.push(name);
            }
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    Ok(Some(args))
}

#[tokio::main]
async fn main() -> Result<()> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    let (server, target) = match &args.address {
        Some(address) => (None, ServerTarget::new(address, &args.namespace)),
        None => {
            let server = DevServer::start()
                .await
                .context("starting the real Temporal dev server")?;
            let target = ServerTarget::new(server.address(), server.namespace());
            eprintln!("started temporal server start-dev at {}", target.address);
            (Some(server), target)
        }
    };

    let scenarios: Vec<ScenarioSpec> = spec::all()
        .into_iter()
        .filter(|s| args.scenarios.is_empty() || args.scenarios.contains(&s.name))
        .collect();
    let runs = run_all(&target, &scenarios).await;
    if let Some(server) = server {
        server.stop().await.context("stopping the dev server")?;
    }
    let runs = runs?;

    for run in &runs {
        let dir = args.out.join(&run.scenario).join(FIXTURE_VERSION);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        for (index, history) in run.earlier_runs.iter().enumerate() {
            let path = dir.join(format!("{}.run-{}.json", run.scenario, index + 1));
            write_history(&path, history)?;
        }
        write_history(&dir.join(format!("{}.json", run.scenario)), &run.history)?;
    }
    Ok(())
}

/// Writes one history as a fixture (see [`wfkit_scenarios::fixture_file::write_fixture`]).
fn write_history(path: &Path, history: &History) -> Result<()> {
    wfkit_scenarios::fixture_file::write_fixture(path, history)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("{}: {} events", path.display(), history.events.len());
    Ok(())
}

/// Runs `scenarios` with an in-process worker; fails unless each matches its spec.
async fn run_all(
    target: &ServerTarget,
    scenarios: &[ScenarioSpec],
) -> Result<Vec<ScenarioOutcome>> {
    let worker = BackgroundWorker::start(target, TASK_QUEUE)
        .await
        .context("starting the scenario worker")?;
    let client = target.connect().await?;
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for scenario in scenarios {
        let workflow_id = format!("wfkit-fixture-{}", scenario.name);
        let run = run_scenario(&client, TASK_QUEUE, scenario, &workflow_id)
            .await
            .with_context(|| format!("running scenario {}", scenario.name))?;
        problems.extend(run.problems(scenario));
        runs.push(run);
    }
    worker
        .stop()
        .await
        .context("stopping the scenario worker")?;
    if !problems.is_empty() {
        bail!(
            "scenarios did not behave as specified:\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(runs)
}
