//! Conformance with the official TypeScript SDK: the scenarios of `scenarios/typescript/` (a
//! TypeScript worker and client, `@temporalio/*` from `scenarios/typescript/node_modules`) run on
//! the real Temporal dev server and on the wfkit engine, and the normalised histories must be
//! equal event for event.
//!
//! The TypeScript side is `scenarios/typescript/run_scenarios.js` (workflows in
//! `conformance_workflows.js`, activities in `conformance_activities.js`), which checks every
//! result itself, including that a query sent right after three signals sees all three
//! (`ts_signals_then_query`), and writes one history per scenario. Needs Node.js (`WFKIT_NODE`,
//! else `node` on PATH), the SDK and the dev server, all from `bash scripts/setup.sh`; fails
//! (never skips) when any is missing.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use tokio::process::Command;
use wfkit_devserver::{DevServer, find_workspace_root};
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_history::{History, diff, load_file, normalize};

/// Overrides the Node.js executable; default `node` on PATH.
const NODE_ENV: &str = "WFKIT_NODE";
const TASK_QUEUE: &str = "typescript-conformance";
/// Scenarios `run_scenarios.js` must record; it may record more, and all are compared.
const REQUIRED_SCENARIOS: &[&str] = &[
    "ts_hello",
    "ts_signals_query",
    "ts_signals_then_query",
    "ts_updates",
];
/// The runner limits each scenario and itself (170 s); this bounds the whole process (start-up
/// and bundling the workflows included) in case the runner's own bound fails.
const RUNNER_TIMEOUT: Duration = Duration::from_secs(180);
const SCENARIO_TIMEOUT_S: u32 = 20;

fn workspace_root() -> Result<PathBuf> {
    find_workspace_root(Path::new(env!("CARGO_MANIFEST_DIR")))
        .context("no workspace Cargo.toml above the engine crate")
}

/// Node.js: `WFKIT_NODE`, else `node` on PATH.
fn node() -> OsString {
    std::env::var_os(NODE_ENV).unwrap_or_else(|| OsString::from("node"))
}

/// Fails, naming the command that fixes it, unless Node.js runs and the SDK is installed.
async fn check_prerequisites() -> Result<()> {
    let node = node();
    let version = Command::new(&node)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .await
        .with_context(|| {
            format!(
                "cannot run {} ({NODE_ENV} or `node` on PATH): install Node.js 20.3 or newer, \
                 then run `bash scripts/setup.sh`",
                node.to_string_lossy()
            )
        })?;
    ensure!(
        version.status.success(),
        "{} --version failed ({}): install Node.js 20.3 or newer, then run `bash scripts/setup.sh`",
        node.to_string_lossy(),
        version.status
    );
    let sdk = workspace_root()?.join("scenarios/typescript/node_modules/@temporalio/worker");
    ensure!(
        sdk.is_dir(),
        "the TypeScript SDK is not installed (no {}): run `bash scripts/setup.sh`",
        sdk.display()
    );
    Ok(())
}

/// What one run of `run_scenarios.js` did.
struct RunnerReport {
    success: bool,
    /// Exit status, stdout and stderr, for messages.
    transcript: String,
}

async fn run_scenarios(address: &str, namespace: &str, out: &Path) -> Result<RunnerReport> {
    let node = node();
    let script = workspace_root()?.join("scenarios/typescript/run_scenarios.js");
    ensure!(script.is_file(), "missing {}", script.display());
    let timeout_s = SCENARIO_TIMEOUT_S.to_string();
    let mut command = Command::new(&node);
    command
        .arg(&script)
        .args(["--address", address, "--namespace", namespace])
        .args(["--task-queue", TASK_QUEUE, "--timeout-s", &timeout_s])
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // On timeout the future is dropped: the runner and its worker must not outlive it.
        .kill_on_drop(true);
    let output = tokio::time::timeout(RUNNER_TIMEOUT, command.output())
        .await
        .with_context(|| {
            format!(
                "{} did not finish within {} s against {address}",
                script.display(),
                RUNNER_TIMEOUT.as_secs()
            )
        })?
        .with_context(|| format!("cannot run {}", node.to_string_lossy()))?;
    let transcript = format!(
        "{} {} against {address}: {}\n--- stdout\n{}--- stderr\n{}",
        node.to_string_lossy(),
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    // Shown by the test harness when the test fails.
    eprintln!("{transcript}");
    Ok(RunnerReport {
        success: output.status.success(),
        transcript,
    })
}

/// Every `<scenario>.json` in `dir`, by scenario name, in name order.
fn load_histories(dir: &Path) -> Result<Vec<(String, History)>> {
    let mut histories = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let Some(name) = path.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        let history = load_file(&path)
            .with_context(|| format!("loading {}", path.display()))?
            .into_single(&path.display().to_string())?;
        histories.push((name.to_owned(), history));
    }
    histories.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(histories)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_sdk_histories_match_the_real_server() -> Result<()> {
    // Fail before starting anything when Node.js or the SDK is missing.
    check_prerequisites().await?;

    let real_dir = tempfile::tempdir()?;
    let server = DevServer::start()
        .await
        .context("the real dev server is needed: run `bash scripts/setup.sh`")?;
    let real_run = run_scenarios(&server.address(), server.namespace(), real_dir.path()).await?;
    server.stop().await?;
    if !real_run.success {
        bail!(
            "the TypeScript scenarios fail against the real dev server (a bug in the scenarios, \
             not in the engine):\n{}",
            real_run.transcript
        );
    }
    let real = load_histories(real_dir.path())?;
    for required in REQUIRED_SCENARIOS {
        ensure!(
            real.iter().any(|(name, _)| name == required),
            "run_scenarios.js recorded no history for {required} in {}",
            real_dir.path().display()
        );
    }

    let ours_dir = tempfile::tempdir()?;
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Real,
        ..EngineConfig::default()
    })
    .await?;
    let ours_run = run_scenarios(&engine.address().to_string(), "default", ours_dir.path()).await?;
    engine.stop().await;
    let ours = load_histories(ours_dir.path())?;

    // Everything that differs, in one report: the runner's failures on the engine, then every
    // scenario's history diff (or its absence).
    let mut problems = String::new();
    if !ours_run.success {
        let _ = writeln!(
            problems,
            "== the TypeScript scenarios fail against the wfkit engine\n{}",
            ours_run.transcript
        );
    }
    for (name, real_history) in &real {
        match ours.iter().find(|(other, _)| other == name) {
            None => {
                let _ = writeln!(
                    problems,
                    "== {name}: no history recorded on the wfkit engine\n"
                );
            }
            Some((_, our_history)) => {
                let result = diff(&normalize(real_history), &normalize(our_history));
                if !result.is_equal() {
                    let _ = writeln!(
                        problems,
                        "== {name} (a = real server, b = wfkit engine)\n{result}\n"
                    );
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems}");
    Ok(())
}
