//! `wfkit-test-server` as the Python SDK's time-skipping test server: the official
//! `WorkflowEnvironment.start_time_skipping(test_server_existing_path=...)` starts it, a
//! workflow that sleeps 30 days returns at once, `env.sleep` and `get_current_time` work, and
//! with auto time skipping disabled a timer takes its real time, and an update whose handler
//! sleeps 7 days returns at once while the workflow sees the week pass
//! (`scenarios/python/time_skipping_env.py`). Wall times are printed, never bounded above.

use crate::common;

use std::path::Path;
use std::process::Command;

#[test]
fn the_python_sdks_time_skipping_environment_runs_on_wfkit_test_server() {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/python/time_skipping_env.py");
    let output = Command::new(common::python())
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_wfkit-test-server"))
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Python environment failed on wfkit-test-server ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // The server inherits stdout and prints its banner first; the script's JSON is the last line.
    let last = stdout.lines().last().unwrap_or_default();
    let measured: serde_json::Value = serde_json::from_str(last)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {stdout}\n{stderr}"));
    println!("measured: {measured}");
    assert_eq!(measured["month_result"], "woke up");
    let month_s = 30.0 * 86_400.0;
    assert!(
        measured["month_skipped_s"].as_f64().unwrap_or(0.0) >= month_s,
        "{measured}"
    );
    assert!(
        measured["env_sleep_skipped_s"].as_f64().unwrap_or(0.0) >= 2.0 * 86_400.0,
        "{measured}"
    );
    assert_eq!(measured["no_skip_result"], "timer fired");
    // Disabled skipping: the 2 s timer ran in real time (a lower bound holds on any machine).
    assert!(
        measured["no_skip_wall_s"].as_f64().unwrap_or(0.0) >= 1.8,
        "{measured}"
    );
    // Waiting on an update's outcome let time skip: the handler's week passed for the workflow.
    assert_eq!(measured["update_result"], "update finished");
    assert!(
        measured["update_workflow_elapsed_s"]
            .as_f64()
            .unwrap_or(0.0)
            >= 7.0 * 86_400.0,
        "{measured}"
    );
}

#[test]
fn wfkit_test_server_refuses_a_missing_port_with_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit-test-server"))
        .output()
        .expect("wfkit-test-server runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}
