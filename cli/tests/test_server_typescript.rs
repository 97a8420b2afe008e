//! `wfkit-test-server` as the TypeScript SDK's time-skipping test server: the official
//! `TestWorkflowEnvironment.createTimeSkipping()` with an `existing-path` executable starts it, a
//! workflow that sleeps 30 days returns at once and sees 30 days pass, `env.sleep` and
//! `env.currentTimeMs` work, and through a plain `Client` (no auto skipping) a timer takes its
//! real time (`scenarios/typescript/time_skipping_env.js`). Wall times are printed, never bounded
//! above.
//!
//! Needs Node.js (`WFKIT_NODE`, else `node` on PATH) and the SDK in
//! `scenarios/typescript/node_modules`, both from `bash scripts/setup.sh`; either missing fails
//! the test with that command, it never skips.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs of the script when the SDK's own start-up wait for the server runs out.
const SERVER_START_ATTEMPTS: u32 = 3;

/// The workspace root: the script resolves `@temporalio/*` from `scenarios/typescript/`.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A measured duration in seconds; 0 when missing, so the bound it is checked against fails.
fn seconds(measured: &serde_json::Value, key: &str) -> f64 {
    measured[key].as_f64().unwrap_or(0.0)
}

/// Node.js: `WFKIT_NODE`, else `node` on PATH.
fn node() -> OsString {
    std::env::var_os("WFKIT_NODE").unwrap_or_else(|| OsString::from("node"))
}

#[test]
fn the_typescript_sdks_time_skipping_environment_runs_on_wfkit_test_server() {
    let root = workspace_root();
    let sdk = root.join("scenarios/typescript/node_modules/@temporalio/testing");
    assert!(
        sdk.is_dir(),
        "the TypeScript SDK is not installed (no {}): run `bash scripts/setup.sh`",
        sdk.display()
    );
    // The SDK gives the server it spawns 5 s to accept connections, a bound of its own that a
    // loaded machine can miss; only that failure is tried again, a bounded number of times.
    let mut attempt = 1;
    let output = loop {
        let output = Command::new(node())
            .arg("scenarios/typescript/time_skipping_env.js")
            .arg(env!("CARGO_BIN_EXE_wfkit-test-server"))
            .current_dir(&root)
            .output()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot run node ({error}): install Node.js 20.3 or newer, \
                     then run `bash scripts/setup.sh`"
                )
            });
        let slow_start = String::from_utf8_lossy(&output.stderr).contains("did not start within")
            || String::from_utf8_lossy(&output.stdout).contains("did not start within");
        if output.status.success() || !slow_start || attempt == SERVER_START_ATTEMPTS {
            break output;
        }
        eprintln!("attempt {attempt}: the SDK gave up waiting for the server to start; again");
        attempt += 1;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the TypeScript environment failed on wfkit-test-server ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // The server inherits stdout and prints its banner first, then one line per check; the
    // script's JSON is the last line.
    let last = stdout.lines().last().unwrap_or_default();
    let measured: serde_json::Value = serde_json::from_str(last)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {stdout}\n{stderr}"));
    println!("measured: {measured}");
    assert_eq!(measured["month_result"], "woke up");
    let month_s = 30.0 * 86_400.0;
    // The workflow's own clock (its `Date.now()`) and the server's both moved a month.
    assert!(
        seconds(&measured, "month_workflow_elapsed_s") >= month_s,
        "{measured}"
    );
    assert!(
        seconds(&measured, "month_skipped_s") >= month_s,
        "{measured}"
    );
    assert!(
        seconds(&measured, "env_sleep_skipped_s") >= 2.0 * 86_400.0,
        "{measured}"
    );
    assert_eq!(measured["no_skip_result"], "timer fired");
    assert!(
        seconds(&measured, "no_skip_workflow_elapsed_s") >= 2.0,
        "{measured}"
    );
    // No auto skipping: the 2 s timer ran in real time (a lower bound holds on any machine).
    assert!(seconds(&measured, "no_skip_wall_s") >= 1.8, "{measured}");
}
