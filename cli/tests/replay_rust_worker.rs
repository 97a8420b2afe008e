//! `wfkit replay --worker-cmd` with a Rust SDK worker (`wfkit worker`): the versioned booking
//! histories recorded from v1 replay ok on v1 and v3, nondeterministically on v2, and fail on
//! the version that panics.

use crate::common;

use std::path::Path;
use std::process::Command;

fn replay(version: &str) -> (i32, serde_json::Value) {
    let histories = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/versioned_booking/v1");
    let worker_cmd = format!(
        "{} worker --booking-version {version}",
        env!("CARGO_BIN_EXE_wfkit")
    );
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args([
            "replay",
            "--format",
            "json",
            "--worker-cmd",
            &worker_cmd,
            "--histories",
        ])
        .arg(&histories)
        .output()
        .expect("wfkit runs");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::printed(&output)));
    (output.status.code().unwrap_or(-1), report)
}

fn verdicts(report: &serde_json::Value) -> Vec<String> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["verdict"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn versions_through_the_cli_with_the_rust_worker() {
    let (code, report) = replay("v1");
    assert_eq!(code, 0, "{report}");
    assert!(verdicts(&report).iter().all(|v| v == "ok"), "{report}");

    let (code, report) = replay("v3");
    assert_eq!(code, 0, "{report}");

    let (code, report) = replay("v2");
    assert_eq!(code, 1, "{report}");
    let flagged: Vec<_> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["verdict"] == "nondeterministic")
        .collect();
    assert!(!flagged.is_empty(), "{report}");
    for result in flagged {
        assert_eq!(
            result["divergence"]["event_type"], "ActivityTaskScheduled",
            "{result}"
        );
        assert_eq!(result["hint"]["code"], "activity-type-changed", "{result}");
    }

    let (code, report) = replay("panics");
    assert_eq!(code, 1, "{report}");
    assert!(verdicts(&report).iter().all(|v| v == "failed"), "{report}");
}

#[test]
fn the_version_matrix_shows_which_code_replays_which_recordings() {
    let histories = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/versioned_booking");
    let worker_cmd = format!(
        "{} worker --booking-version {{version}}",
        env!("CARGO_BIN_EXE_wfkit")
    );
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args([
            "replay",
            "--code-versions",
            "v1,v2,v3,panics",
            "--worker-cmd",
            &worker_cmd,
            "--histories",
        ])
        .arg(&histories)
        .output()
        .expect("wfkit runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let row = stdout.lines().last().unwrap_or_default();
    let cells: Vec<&str> = row.split_whitespace().collect();
    // The v1 recordings: all replay on v1 and v3; on v2 only the one still waiting on its
    // timer (v2's new step comes after it); none on the version that panics.
    assert_eq!(
        cells,
        ["versioned_booking/v1", "3/3", "1/3", "3/3", "0/3"],
        "{stdout}"
    );
}
