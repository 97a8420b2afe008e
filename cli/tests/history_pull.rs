//! `wfkit history pull` against the real Temporal dev server: executions made with the
//! `temporal` CLI are listed, downloaded, and load and validate with wfkit-history.

use crate::common;

use std::process::Command;

use wfkit_devserver::{DevServer, find_temporal_binary};

fn temporal(address: &str, args: &[&str]) {
    common::temporal_cli(address, args);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_downloads_every_matching_history() {
    let server = DevServer::start()
        .await
        .expect("the real dev server starts (run `bash scripts/setup.sh`)");
    let address = server.address();
    for id in ["pull-a", "pull-b", "pull-c"] {
        temporal(
            &address,
            &[
                "workflow",
                "start",
                "--task-queue",
                "pull-q",
                "--type",
                "PullMe",
                "--workflow-id",
                id,
            ],
        );
        temporal(
            &address,
            &[
                "workflow",
                "terminate",
                "--workflow-id",
                id,
                "--reason",
                "test",
            ],
        );
    }
    temporal(
        &address,
        &[
            "workflow",
            "start",
            "--task-queue",
            "pull-q",
            "--type",
            "Other",
            "--workflow-id",
            "other",
        ],
    );

    // What `temporal workflow show -o json` writes loads, validates and round-trips.
    let binary = find_temporal_binary().expect("the temporal CLI");
    let shown = Command::new(binary)
        .args([
            "workflow",
            "show",
            "-o",
            "json",
            "--workflow-id",
            "pull-a",
            "--address",
            &address,
        ])
        .output()
        .expect("temporal runs");
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let loaded =
        wfkit_history::load_bytes("shown.json", &shown.stdout).expect("the CLI's JSON loads");
    assert_eq!(loaded.format, Some(wfkit_history::Format::Json));
    assert!(wfkit_history::validate(&loaded.histories[0]).is_valid());
    let canonical = wfkit_history::to_json_string(&loaded.histories[0]).expect("writes");
    let again = wfkit_history::load_bytes("again.json", canonical.as_bytes()).expect("reloads");
    assert_eq!(again.histories, loaded.histories);

    let out = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args([
            "history",
            "pull",
            "--address",
            &address,
            "--namespace",
            "default",
        ])
        .args(["--query", "WorkflowType = 'PullMe'", "--out"])
        .arg(out.path())
        .output()
        .expect("wfkit runs");
    let text = common::printed(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");

    let mut files: Vec<_> = std::fs::read_dir(out.path())
        .expect("out dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 3, "{files:?}\n{text}");
    for file in &files {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        assert!(name.starts_with("pull-"), "{name}");
        let loaded = wfkit_history::load_file(file).expect("loads");
        let history = &loaded.histories[0];
        assert!(wfkit_history::validate(history).is_valid());
        assert_eq!(
            wfkit_history::event::close_status(&history.events),
            "terminated"
        );
        assert_eq!(
            wfkit_history::event::workflow_type(&history.events),
            Some("PullMe")
        );
    }

    // --limit is honoured.
    let limited = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args([
            "history",
            "pull",
            "--address",
            &address,
            "--limit",
            "2",
            "--out",
        ])
        .arg(limited.path())
        .output()
        .expect("wfkit runs");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(std::fs::read_dir(limited.path()).expect("dir").count(), 2);

    // An unreachable address is a clear error with exit code 2.
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args(["history", "pull", "--address", "127.0.0.1:1", "--out"])
        .arg(limited.path())
        .output()
        .expect("wfkit runs");
    assert_eq!(output.status.code(), Some(2));
    server.stop().await.expect("stops");
}
