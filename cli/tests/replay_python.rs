//! `wfkit replay` with a Python SDK worker: histories the Python scenarios recorded replay ok,
//! a changed one is nondeterministic with the SDK's message, the event and a hint; the exit
//! code says so.

use crate::common;
use common::python;

use std::path::{Path, PathBuf};
use std::process::Command;

use wfkit_engine::{EngineConfig, TestEngine, TimeMode};

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/python")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_histories_replay_and_a_change_is_flagged() {
    // Record the Python scenarios on the engine.
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Real,
        ..EngineConfig::default()
    })
    .await
    .expect("engine");
    let dir = tempfile::tempdir().expect("temp dir");
    let recorded = dir.path().join("recorded");
    let output = tokio::process::Command::new(python())
        .arg(scripts().join("run_scenarios.py"))
        .args([
            "--address",
            &engine.address().to_string(),
            "--namespace",
            "default",
            "--task-queue",
            "record",
            "--out",
        ])
        .arg(&recorded)
        .output()
        .await
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    engine.stop().await;

    // A copy whose activity type changed.
    let text = std::fs::read_to_string(recorded.join("py_timer_retry.json")).expect("recorded");
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    for event in value["events"].as_array_mut().expect("events") {
        if let Some(attributes) = event.get_mut("activityTaskScheduledEventAttributes") {
            attributes["activityType"]["name"] = serde_json::Value::from("renamed_activity");
        }
    }
    // Every scenario recorded (py_updates among them, whose last task runs update handlers
    // from protocol messages), plus the changed copy.
    let recorded_count = std::fs::read_dir(&recorded)
        .expect("recorded folder")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .count();
    assert!(
        recorded.join("py_updates.json").is_file(),
        "the update scenario was recorded"
    );
    let histories = recorded_count + 1;
    let changed = dir.path().join("changed.json");
    std::fs::write(&changed, value.to_string()).expect("write");

    let worker_cmd = format!(
        "{} {}",
        python().display(),
        scripts().join("replay_worker.py").display()
    );
    let report_path = dir.path().join("report.json");
    let junit_path = dir.path().join("junit.xml");
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args([
            "replay",
            "--worker-cmd",
            &worker_cmd,
            "--format",
            "github",
            "--out",
        ])
        .arg(&report_path)
        .arg("--junit")
        .arg(&junit_path)
        .arg("--histories")
        .arg(&recorded)
        .arg(&changed)
        .output()
        .expect("wfkit runs");
    let text = common::printed(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "one annotation: {stdout}");
    assert!(
        stdout.starts_with("::error file=") && stdout.contains("changed.json"),
        "{stdout}"
    );
    let junit = std::fs::read_to_string(&junit_path).expect("junit");
    assert!(
        junit.contains(&format!(
            "tests=\"{histories}\" failures=\"1\" errors=\"0\""
        )),
        "{junit}"
    );

    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).expect("report"))
            .expect("JSON");
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), histories, "{text}");
    let ok = results.iter().filter(|r| r["verdict"] == "ok").count();
    assert_eq!(ok, histories - 1, "{text}");
    let flagged = results
        .iter()
        .find(|r| r["verdict"] == "nondeterministic")
        .expect("one nondeterministic");
    assert!(
        flagged["source"]
            .as_str()
            .unwrap_or("")
            .ends_with("changed.json"),
        "{flagged}"
    );
    assert_eq!(
        flagged["hint"]["code"], "activity-type-changed",
        "{flagged}"
    );
    assert_eq!(
        flagged["divergence"]["event_type"], "ActivityTaskScheduled",
        "{flagged}"
    );
    assert!(
        flagged["divergence"]["sdk_message"]
            .as_str()
            .unwrap_or("")
            .contains("TMPRL1100"),
        "{flagged}"
    );

    // A copy whose accepted update names a handler the code does not have (renamed): flagged
    // at the UpdateAccepted event with its own hint.
    let text = std::fs::read_to_string(recorded.join("py_updates.json")).expect("recorded");
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut renamed = 0;
    for event in value["events"].as_array_mut().expect("events") {
        if let Some(accepted) = event.get_mut("workflowExecutionUpdateAcceptedEventAttributes")
            && accepted["acceptedRequest"]["input"]["name"] == "py_update_add_later"
        {
            accepted["acceptedRequest"]["input"]["name"] =
                serde_json::Value::from("py_update_renamed");
            renamed += 1;
        }
    }
    assert_eq!(renamed, 1, "py_updates accepts py_update_add_later once");
    let renamed_path = dir.path().join("renamed-update.json");
    std::fs::write(&renamed_path, value.to_string()).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args([
            "replay",
            "--worker-cmd",
            &worker_cmd,
            "--format",
            "json",
            "--histories",
        ])
        .arg(&renamed_path)
        .output()
        .expect("wfkit runs");
    let text = common::printed(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let flagged = &report["results"][0];
    assert_eq!(flagged["verdict"], "nondeterministic", "{text}");
    assert_eq!(flagged["hint"]["code"], "update-handler-removed", "{text}");
    assert_eq!(
        flagged["divergence"]["event_type"], "WorkflowExecutionUpdateAccepted",
        "{text}"
    );
    assert!(
        flagged["hint"]["text"]
            .as_str()
            .unwrap_or("")
            .contains("py_update_renamed"),
        "{text}"
    );
}
