//! `wfkit fuzz --worker-cmd`: fault plans against workers in other processes (the built-in Rust
//! worker, and the Python SDK's), with the built-in invariants; failures exit 1 with the
//! minimal plan, bad input exits 2.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use anyhow::ensure;

fn wfkit(args: &[&str]) -> anyhow::Result<Output> {
    Ok(Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .env_remove("WFKIT_FUZZ_CASES")
        .env_remove("WFKIT_FUZZ_SEED")
        .output()?)
}

fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The built-in Rust worker (`wfkit worker`) as the worker command.
fn rust_worker() -> String {
    format!("{} worker", env!("CARGO_BIN_EXE_wfkit"))
}

#[test]
fn the_saga_scenario_survives_generated_faults() -> anyhow::Result<()> {
    let output = wfkit(&[
        "fuzz",
        "--worker-cmd",
        &rust_worker(),
        "--workflow",
        "SagaWorkflow",
        "--input",
        r#"{"trip_id":"trip-1","flight_unavailable":true}"#,
        "--cases",
        "12",
        "--seed",
        "7",
    ])?;
    let shown = text(&output);
    ensure!(output.status.code() == Some(0), "{shown}");
    ensure!(
        shown.contains("cases of SagaWorkflow passed (seed 7"),
        "{shown}"
    );
    Ok(())
}

/// Updates sent during generated fault plans (crashes, lost replies, restarts): every update
/// the workflow accepts completes exactly once, and the workflow finishes.
#[test]
fn updates_complete_exactly_once_under_generated_faults() -> anyhow::Result<()> {
    let output = wfkit(&[
        "fuzz",
        "--worker-cmd",
        &rust_worker(),
        "--workflow",
        "UpdatesWorkflow",
        "--input",
        r#""fuzz""#,
        "--update",
        r#"add_item="a""#,
        "--update",
        r#"add_item_later="b""#,
        "--update",
        "finish",
        "--cases",
        "10",
        "--seed",
        "11",
    ])?;
    let shown = text(&output);
    ensure!(output.status.code() == Some(0), "{shown}");
    ensure!(
        shown.contains("cases of UpdatesWorkflow passed (seed 11"),
        "{shown}"
    );
    let bad = wfkit(&[
        "fuzz",
        "--worker-cmd",
        &rust_worker(),
        "--workflow",
        "UpdatesWorkflow",
        "--update",
        "add_item={not json",
    ])?;
    ensure!(bad.status.code() == Some(2), "{}", text(&bad));
    ensure!(text(&bad).contains("--update"), "{}", text(&bad));
    Ok(())
}

#[test]
fn a_python_worker_survives_a_crash_and_a_restart() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let plan = dir.path().join("plan.txt");
    std::fs::write(
        &plan,
        "worker-crash after-workflow-task=1\nengine-restart after-workflow-task=2\n",
    )?;
    let out = dir.path().join("histories");
    let worker = format!(
        "{} scenarios/python/replay_worker.py",
        common::python().display()
    );
    let output = wfkit(&[
        "fuzz",
        "--worker-cmd",
        &worker,
        "--workflow",
        "py_hello",
        "--input",
        r#""fuzz""#,
        "--plan",
        &plan.display().to_string(),
        "--out",
        &out.display().to_string(),
    ])?;
    let shown = text(&output);
    ensure!(output.status.code() == Some(0), "{shown}");
    ensure!(
        shown.contains("Closed(\"WorkflowExecutionCompleted\"), 2 worker incarnation(s)"),
        "{shown}"
    );
    let history = std::fs::read_to_string(out.join("run-0.json"))?;
    ensure!(
        history.contains("wfkit-fuzz-worker-1"),
        "the second worker did not finish it"
    );
    Ok(())
}

#[test]
fn a_workflow_that_always_fails_its_task_is_reported_with_exit_1() -> anyhow::Result<()> {
    let output = wfkit(&[
        "fuzz",
        "--worker-cmd",
        &format!("{} --booking-version panics", rust_worker()),
        "--workflow",
        "VersionedBooking",
        "--input",
        r#"{"booking_id":"b-1","amount_cents":100,"hold_ms":10}"#,
        "--cases",
        "3",
        "--seed",
        "1",
    ])?;
    let shown = text(&output);
    ensure!(output.status.code() == Some(1), "{shown}");
    ensure!(shown.contains("invariant broken (baseline"), "{shown}");
    ensure!(
        shown.contains("terminates: workflow tasks failed"),
        "{shown}"
    );
    ensure!(shown.contains("rerun: WFKIT_FUZZ_SEED=1"), "{shown}");
    Ok(())
}

#[test]
fn bad_input_exits_2_and_names_it() -> anyhow::Result<()> {
    let bad_json = wfkit(&[
        "fuzz",
        "--worker-cmd",
        "true",
        "--workflow",
        "X",
        "--input",
        "{bad",
    ])?;
    ensure!(bad_json.status.code() == Some(2), "{}", text(&bad_json));
    ensure!(text(&bad_json).contains("--input"), "{}", text(&bad_json));

    let dir = tempfile::tempdir()?;
    let plan = dir.path().join("plan.txt");
    std::fs::write(&plan, "worker-crash after-workflow-task=0\n")?;
    let bad_plan = wfkit(&[
        "fuzz",
        "--worker-cmd",
        "true",
        "--workflow",
        "X",
        "--plan",
        &plan.display().to_string(),
    ])?;
    let shown = text(&bad_plan);
    ensure!(bad_plan.status.code() == Some(2), "{shown}");
    ensure!(
        shown.contains("[WFZ001]") && shown.contains("line 1"),
        "{shown}"
    );

    let bad_signal = wfkit(&[
        "fuzz",
        "--worker-cmd",
        "true",
        "--workflow",
        "X",
        "--signal",
        "nojson",
    ])?;
    ensure!(bad_signal.status.code() == Some(2), "{}", text(&bad_signal));
    ensure!(
        text(&bad_signal).contains("--signal"),
        "{}",
        text(&bad_signal)
    );
    Ok(())
}
