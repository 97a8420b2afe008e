//! Issue #4's acceptance example with the Python SDK, through `wfkit replay --worker-cmd`:
//! `py_versioned_booking` histories recorded with v1 on the real server
//! (`fixtures/py_versioned_booking/v1/`, by `scenarios/python/record_versions.py`), replayed
//! against each version (`scenarios/python/replay_worker.py --version vN`):
//!
//! - v1 and v3 (the new step behind `workflow.patched`): every history ok, exit 0;
//! - v2 (the new step without a patch): nondeterministic at the recorded `py_charge`
//!   `ActivityTaskScheduled` for the completed histories, ok for the one still waiting on its
//!   timer (the change lies after it), exit 1;
//! - `panics` (raises after `py_reserve`): every history failed, exit 1.

use crate::common;
use common::python;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Completed histories.
const COMPLETED: [&str; 2] = ["completed-1.json", "completed-2.json"];
/// Recorded while the workflow waited on its timer.
const WAITING: &str = "waiting-on-timer.json";
/// The text `booking_panics.py` raises with.
const PANIC_MESSAGE: &str = "the hold policy is missing (py_versioned_booking panics version)";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/py_versioned_booking")
}

/// What one `wfkit replay` run gave: exit code, the `--out` report, and the output for messages.
struct Run {
    code: Option<i32>,
    report: Value,
    text: String,
}

impl Run {
    /// The result for fixture file `name`.
    fn result(&self, name: &str) -> &Value {
        self.report["results"]
            .as_array()
            .and_then(|results| {
                results.iter().find(|r| {
                    r["source"]
                        .as_str()
                        .is_some_and(|s| s.ends_with(&format!("/{name}")))
                })
            })
            .unwrap_or_else(|| panic!("no result for {name}:\n{}", self.text))
    }

    fn results(&self) -> &[Value] {
        self.report["results"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_else(|| panic!("no results:\n{}", self.text))
    }
}

/// `wfkit replay --histories fixtures/py_versioned_booking --worker-cmd "<python>
/// replay_worker.py --version VERSION" --format json --out FILE`.
fn replay(version: &str) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/python/replay_worker.py");
    let worker_cmd = format!(
        "'{}' '{}' --version {version}",
        python().display(),
        script.display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args(["replay", "--worker-cmd", &worker_cmd, "--format", "json"])
        .arg("--out")
        .arg(&out)
        .arg("--histories")
        .arg(fixtures())
        .output()
        .expect("wfkit runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let text = format!(
        "--- {version}\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("no report ({e}):\n{text}")),
    )
    .expect("the report is JSON");
    // --format json prints the same report.
    let printed: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    assert_eq!(printed, report, "{text}");
    let run = Run {
        code: output.status.code(),
        report,
        text,
    };
    assert_eq!(run.results().len(), COMPLETED.len() + 1, "{}", run.text);
    for result in run.results() {
        assert_eq!(result["workflow_type"], "py_versioned_booking", "{result}");
        assert_eq!(result["group"], "py_versioned_booking/v1", "{result}");
    }
    run
}

/// The id of the `ActivityTaskScheduled` event of `activity_type` in fixture `name`.
fn scheduled_event_id(name: &str, activity_type: &str) -> i64 {
    let text = std::fs::read_to_string(fixtures().join("v1").join(name)).expect("fixture");
    let value: Value = serde_json::from_str(&text).expect("JSON");
    value["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| {
            e["activityTaskScheduledEventAttributes"]["activityType"]["name"] == activity_type
        })
        .and_then(|e| e["eventId"].as_str()?.parse().ok())
        .unwrap_or_else(|| panic!("{name}: no {activity_type} scheduled"))
}

fn assert_all_ok(run: &Run) {
    assert_eq!(run.code, Some(0), "{}", run.text);
    for result in run.results() {
        assert_eq!(result["verdict"], "ok", "{result}\n{}", run.text);
        assert_eq!(result["notes"], serde_json::json!([]), "{result}");
    }
}

#[test]
fn v1_replays_the_histories_it_recorded() {
    assert_all_ok(&replay("v1"));
}

#[test]
fn v3_patched_change_replays_the_v1_histories() {
    assert_all_ok(&replay("v3"));
}

#[test]
fn v2_unpatched_change_is_nondeterministic_at_the_recorded_charge() {
    let run = replay("v2");
    assert_eq!(run.code, Some(1), "{}", run.text);
    for name in COMPLETED {
        let charge = scheduled_event_id(name, "py_charge");
        // The recording: ... TimerFired 12, WorkflowTask 13-15, ActivityTaskScheduled 16.
        assert_eq!(charge, 16, "{name}");
        let result = run.result(name);
        assert_eq!(result["verdict"], "nondeterministic", "{result}");
        let divergence = &result["divergence"];
        assert_eq!(divergence["event_id"], charge, "{result}");
        assert_eq!(
            divergence["event_type"], "ActivityTaskScheduled",
            "{result}"
        );
        assert_eq!(divergence["expected"], "activity py_charge", "{result}");
        assert_eq!(divergence["actual"], "activity py_check_fraud", "{result}");
        let sdk_message = divergence["sdk_message"].as_str().unwrap_or("");
        assert!(
            sdk_message.contains("[TMPRL1100]")
                && sdk_message.contains("'py_charge'")
                && sdk_message.contains("'py_check_fraud'"),
            "{result}"
        );
        assert_eq!(result["hint"]["code"], "activity-type-changed", "{result}");
        let text = result["hint"]["text"].as_str().unwrap_or("");
        assert!(!text.contains('{'), "API names are filled in: {result}");
    }
    // Still waiting on the timer: the change comes after it, so this history replays.
    assert_eq!(run.result(WAITING)["verdict"], "ok", "{}", run.text);
}

#[test]
fn panics_version_fails_every_history() {
    let run = replay("panics");
    assert_eq!(run.code, Some(1), "{}", run.text);
    for result in run.results() {
        assert_eq!(result["verdict"], "failed", "{result}\n{}", run.text);
        assert!(
            result["message"]
                .as_str()
                .is_some_and(|m| m.contains(PANIC_MESSAGE)),
            "{result}"
        );
        assert_eq!(
            result["cause"], "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE",
            "{result}"
        );
        assert_eq!(result["hint"]["code"], "panic", "{result}");
    }
}
