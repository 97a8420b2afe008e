//! Schedules as the official Python SDK's schedule client sees them, on the real dev server
//! and on the wfkit engine: `scenarios/python/run_schedules.py` creates a schedule that starts
//! a workflow every 2 s, tries a duplicate create, pauses it with a note, triggers it,
//! backfills three past times, reads a started workflow's search attributes and result, lists,
//! deletes, and describes an unknown schedule; it prints what it observed (times and run ids
//! left out) and the two outputs must be equal. Fails (never skips) when Python or the dev
//! server is missing.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use tokio::process::Command;
use wfkit_devserver::DevServer;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};

use crate::python_conformance::{python, workspace_root};

/// Bounds the whole driver (start-up included); its own waits are bounded at 30 s each.
const DRIVER_TIMEOUT: Duration = Duration::from_secs(180);
const TASK_QUEUE: &str = "python-schedules";
/// The same ids on both servers: they reach what the driver prints.
const PREFIX: &str = "py-schedules";

/// Runs the driver against `address` and returns what it printed, parsed.
async fn observe(address: &str, namespace: &str) -> Result<serde_json::Value> {
    let script = workspace_root()?.join("scenarios/python/run_schedules.py");
    ensure!(script.is_file(), "missing {}", script.display());
    let output = tokio::time::timeout(
        DRIVER_TIMEOUT,
        Command::new(python()?)
            .arg(&script)
            .args(["--address", address, "--namespace", namespace])
            .args(["--task-queue", TASK_QUEUE, "--prefix", PREFIX])
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .with_context(|| {
        format!(
            "{} did not finish within {DRIVER_TIMEOUT:?}",
            script.display()
        )
    })?
    .with_context(|| format!("cannot run {}", script.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "{} against {address}: {}\n--- stdout\n{stdout}--- stderr\n{}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_str(&stdout).with_context(|| format!("the driver printed no JSON: {stdout}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_schedule_client_sees_on_the_engine_what_it_sees_on_the_real_server()
-> Result<()> {
    python()?;
    let server = DevServer::start()
        .await
        .context("the real dev server is needed: run `bash scripts/setup.sh`")?;
    let real = observe(&server.address(), server.namespace()).await;
    server.stop().await?;
    let real =
        real.context("the driver fails against the real dev server (a bug in the driver)")?;

    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Real,
        ..EngineConfig::default()
    })
    .await?;
    let ours = observe(&engine.address().to_string(), "default").await;
    engine.stop().await;
    let ours = ours.context("the driver fails against the wfkit engine")?;
    let pretty =
        |value: &serde_json::Value| serde_json::to_string_pretty(value).unwrap_or_default();
    assert_eq!(
        pretty(&real),
        pretty(&ours),
        "left: the real server, right: the wfkit engine"
    );
    Ok(())
}
