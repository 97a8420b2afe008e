//! Shadowing: `wfkit replay --from-cluster` pulls recent histories from a real Temporal dev
//! server and replays them against a Python SDK worker.

use crate::common;
use common::python;

use std::path::Path;
use std::process::Command;

use wfkit_devserver::DevServer;

/// The Python scenarios recorded on the dev server: four complete, one fails.
const SCENARIOS: &[&str] = &[
    "py_hello",
    "py_signals_query",
    "py_timer_retry",
    "py_failing",
    "py_updates",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_from_cluster_judges_recent_histories() {
    let server = DevServer::start()
        .await
        .expect("the real dev server (run `bash scripts/setup.sh`)");
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/python");
    let recorded = tempfile::tempdir().expect("temp dir");
    let output = tokio::process::Command::new(python())
        .arg(scripts.join("run_scenarios.py"))
        .args([
            "--address",
            &server.address(),
            "--namespace",
            server.namespace(),
            "--task-queue",
            "shadow",
        ])
        // The scenarios this test counts on (retries and cron add runs of their own).
        .args(SCENARIOS.iter().flat_map(|scenario| ["--only", scenario]))
        .arg("--out")
        .arg(recorded.path())
        .output()
        .await
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Visibility may trail the histories by a moment: wait (bounded) until the query sees all.
    let temporal = wfkit_devserver::find_temporal_binary().expect("the temporal CLI");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let counted = Command::new(&temporal)
            .args([
                "workflow",
                "count",
                "--address",
                &server.address(),
                "--query",
                "ExecutionStatus = 'Completed'",
            ])
            .output()
            .expect("temporal runs");
        if String::from_utf8_lossy(&counted.stdout).contains('3')
            || std::time::Instant::now() > deadline
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    let worker_cmd = format!(
        "{} {}",
        python().display(),
        scripts.join("replay_worker.py").display()
    );
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args([
            "replay",
            "--from-cluster",
            "--address",
            &server.address(),
            "--namespace",
            server.namespace(),
        ])
        .args([
            "--query",
            "ExecutionStatus = 'Completed'",
            "--limit",
            "10",
            "--format",
            "json",
            "--worker-cmd",
            &worker_cmd,
        ])
        .output()
        .expect("wfkit runs");
    let text = common::printed(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let results = report["results"].as_array().expect("results");
    // py_hello, py_signals_query, py_timer_retry and py_updates completed; py_failing failed,
    // so the query leaves it out.
    assert_eq!(results.len(), 4, "{text}");
    assert!(results.iter().all(|r| r["verdict"] == "ok"), "{text}");
    server.stop().await.expect("stops");
}
