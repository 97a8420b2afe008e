//! Conformance with the official Python SDK: the scenarios of `scenarios/python/` (a Python
//! worker and client, `temporalio` from the project's `.venv`) run on the real Temporal dev
//! server and on the wfkit engine, and the normalised histories must be equal event for event.
//!
//! The Python side is `scenarios/python/run_scenarios.py`, which checks every result itself and
//! writes one history per scenario. Fails (never skips) when Python or the dev server is missing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use tokio::process::Command;
use wfkit_devserver::{DevServer, find_workspace_root};
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_history::{History, diff, load_file, normalize};

/// Overrides the interpreter; default `<workspace>/.venv/bin/python`.
const PYTHON_ENV: &str = "WFKIT_PYTHON";
const TASK_QUEUE: &str = "python-conformance";
/// Scenarios `run_scenarios.py` must record; it may record more, and all are compared.
const REQUIRED_SCENARIOS: &[&str] = &[
    "py_hello",
    "py_signals_query",
    "py_timer_retry",
    "py_failing",
    "py_updates",
    // Runs the server starts again: a retry policy, a run timeout retried, a cron schedule.
    "py_workflow_retry",
    "py_workflow_retry.run2",
    "py_workflow_retry.run3",
    "py_run_timeout_retry",
    "py_run_timeout_retry.run2",
    "py_cron",
    "py_cron.run2",
    "py_cron.run3",
];
/// The runner limits each scenario itself; this bounds the whole process (start-up included).
const RUNNER_TIMEOUT: Duration = Duration::from_secs(180);
const SCENARIO_TIMEOUT_S: u32 = 20;

pub(crate) fn workspace_root() -> Result<PathBuf> {
    find_workspace_root(Path::new(env!("CARGO_MANIFEST_DIR")))
        .context("no workspace Cargo.toml above the engine crate")
}

pub(crate) fn python() -> Result<PathBuf> {
    let path = match std::env::var_os(PYTHON_ENV) {
        Some(path) => PathBuf::from(path),
        None => workspace_root()?.join(".venv/bin/python"),
    };
    ensure!(
        path.is_file(),
        "no Python at {} ({PYTHON_ENV} or <workspace>/.venv/bin/python): run `bash scripts/setup.sh`",
        path.display()
    );
    Ok(path)
}

/// What one run of `run_scenarios.py` did.
struct RunnerReport {
    success: bool,
    /// Exit status, stdout and stderr, for messages.
    transcript: String,
}

async fn run_scenarios(address: &str, namespace: &str, out: &Path) -> Result<RunnerReport> {
    let python = python()?;
    let script = workspace_root()?.join("scenarios/python/run_scenarios.py");
    ensure!(script.is_file(), "missing {}", script.display());
    let timeout_s = SCENARIO_TIMEOUT_S.to_string();
    let mut command = Command::new(&python);
    command
        .arg(&script)
        .args(["--address", address, "--namespace", namespace])
        .args(["--task-queue", TASK_QUEUE, "--timeout-s", &timeout_s])
        .arg("--out")
        .arg(out)
        // Keep the source tree free of __pycache__, and the output in order.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
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
        .with_context(|| format!("cannot run {}", python.display()))?;
    let transcript = format!(
        "{} {} against {address}: {}\n--- stdout\n{}--- stderr\n{}",
        python.display(),
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
async fn python_sdk_histories_match_the_real_server() -> Result<()> {
    // Fail before starting anything when Python is missing.
    python()?;

    let real_dir = tempfile::tempdir()?;
    let server = DevServer::start()
        .await
        .context("the real dev server is needed: run `bash scripts/setup.sh`")?;
    let real_run = run_scenarios(&server.address(), server.namespace(), real_dir.path()).await?;
    server.stop().await?;
    if !real_run.success {
        bail!(
            "the Python scenarios fail against the real dev server (a bug in the scenarios, not \
             in the engine):\n{}",
            real_run.transcript
        );
    }
    let real = load_histories(real_dir.path())?;
    for required in REQUIRED_SCENARIOS {
        ensure!(
            real.iter().any(|(name, _)| name == required),
            "run_scenarios.py recorded no history for {required} in {}",
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
            "== the Python scenarios fail against the wfkit engine\n{}",
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
