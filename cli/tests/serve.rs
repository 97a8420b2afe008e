//! `wfkit serve` with the official `temporal` CLI as the client, and the official Rust SDK
//! worker: start, query, signal, result, describe, list and `show -o json` all work.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use wfkit_devserver::find_temporal_binary;
use wfkit_scenarios::{BackgroundWorker, DriverStep, ServerTarget, UpdateOutcome, spec};

/// The `wfkit serve` process, killed on drop.
struct Served {
    child: Child,
    address: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Served {
    serve_with(&[], Stdio::inherit())
}

fn serve_with(extra: &[&str], stderr: Stdio) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("wfkit serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a first line");
    let address = line
        .split_whitespace()
        .find(|word| word.starts_with("127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Served { child, address }
}

fn temporal(address: &str, args: &[&str]) -> String {
    common::temporal_cli(address, args)
}

/// Runs `temporal` where failing is an answer: whether it succeeded, and what it printed.
fn temporal_may_fail(address: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(find_temporal_binary().expect("the temporal CLI"))
        .args(args)
        .args(["--address", address])
        .output()
        .expect("temporal runs");
    (output.status.success(), common::printed(&output))
}

/// The `temporal workflow update` commands against `wfkit serve` and the Rust SDK worker: the
/// `updates` scenario's steps, sent with `update execute` (the first with `update start`, then
/// `update result` and `update describe`), each answering as the scenario expects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_temporal_cli_sends_updates_to_wfkit_serve() {
    let served = serve();
    let address = served.address.clone();
    let scenario = spec::by_name("updates").expect("the updates scenario");
    let worker = BackgroundWorker::start(&ServerTarget::new(address.clone(), "default"), "cli-u")
        .await
        .expect("worker");
    let input = scenario.input.to_string();
    temporal(
        &address,
        &[
            "workflow",
            "start",
            "--task-queue",
            "cli-u",
            "--type",
            &scenario.workflow_type,
            "--workflow-id",
            "cli-u1",
            "--input",
            &input,
        ],
    );
    for (index, step) in scenario.steps.iter().enumerate() {
        let DriverStep::Update {
            name,
            payload,
            expected,
        } = step
        else {
            panic!("the updates scenario only sends updates: {step:?}");
        };
        let update_id = format!("cli-u1-{index}");
        let payload = payload.as_ref().map(ToString::to_string);
        let mut args = vec![
            "--workflow-id",
            "cli-u1",
            "--update-id",
            &update_id,
            "-o",
            "json",
        ];
        if let Some(payload) = &payload {
            args.extend(["--input", payload]);
        }
        let with = |command: &[&'static str]| -> Vec<&str> {
            command
                .iter()
                .copied()
                .chain(args.iter().copied())
                .collect()
        };
        match expected {
            UpdateOutcome::Completed { result } if index == 0 => {
                // Asynchronously: start (wait for ACCEPTED), then the result, then describe.
                let mut start = with(&["workflow", "update", "start", "--name"]);
                start.insert(4, name);
                start.extend(["--wait-for-stage", "accepted"]);
                let started = temporal(&address, &start);
                assert!(started.contains(&update_id), "{started}");
                let lookup = [
                    "--workflow-id",
                    "cli-u1",
                    "--update-id",
                    &update_id,
                    "-o",
                    "json",
                ];
                let out = temporal(
                    &address,
                    &[&["workflow", "update", "result"][..], &lookup[..]].concat(),
                );
                let answer: serde_json::Value =
                    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
                assert_eq!(answer["result"], *result, "{out}");
                let out = temporal(
                    &address,
                    &[&["workflow", "update", "describe"][..], &lookup[..]].concat(),
                );
                let described: serde_json::Value =
                    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
                assert_eq!(described["stage"], "Completed", "{out}");
            }
            UpdateOutcome::Completed { result } => {
                let mut execute = with(&["workflow", "update", "execute", "--name"]);
                execute.insert(4, name);
                let out = temporal(&address, &execute);
                let answer: serde_json::Value =
                    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
                assert_eq!(answer["result"], *result, "{out}");
            }
            UpdateOutcome::Failed { failure } => {
                let mut execute = with(&["workflow", "update", "execute", "--name"]);
                execute.insert(4, name);
                let (succeeded, out) = temporal_may_fail(&address, &execute);
                assert!(!succeeded, "a failed update fails the command: {out}");
                assert!(out.contains(&failure.message), "{out}");
            }
        }
    }
    let result = temporal(
        &address,
        &[
            "workflow",
            "result",
            "--workflow-id",
            "cli-u1",
            "-o",
            "json",
        ],
    );
    assert!(
        result.contains("COMPLETED") || result.contains("Completed"),
        "{result}"
    );
    worker.stop().await.expect("worker stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_temporal_cli_drives_wfkit_serve() {
    let served = serve();
    let address = served.address.clone();
    let scenario = spec::by_name("query").expect("the query scenario");
    let worker = BackgroundWorker::start(&ServerTarget::new(address.clone(), "default"), "cli-q")
        .await
        .expect("worker");

    let input = scenario.input.to_string();
    temporal(
        &address,
        &[
            "workflow",
            "start",
            "--task-queue",
            "cli-q",
            "--type",
            &scenario.workflow_type,
            "--workflow-id",
            "cli-1",
            "--input",
            &input,
        ],
    );
    for step in &scenario.steps {
        match step {
            DriverStep::Query { name, expected } => {
                let out = temporal(
                    &address,
                    &[
                        "workflow",
                        "query",
                        "--workflow-id",
                        "cli-1",
                        "--name",
                        name,
                        "-o",
                        "json",
                    ],
                );
                let answer: serde_json::Value =
                    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
                assert_eq!(answer["queryResult"][0], *expected, "{out}");
            }
            DriverStep::Signal { name, payload } => {
                temporal(
                    &address,
                    &[
                        "workflow",
                        "signal",
                        "--workflow-id",
                        "cli-1",
                        "--name",
                        name,
                        "--input",
                        &payload.to_string(),
                    ],
                );
            }
            DriverStep::Update { .. } => panic!("the query scenario sends no updates"),
        }
    }
    let result = temporal(
        &address,
        &["workflow", "result", "--workflow-id", "cli-1", "-o", "json"],
    );
    assert!(
        result.contains("COMPLETED") || result.contains("Completed"),
        "{result}"
    );

    let described = temporal(
        &address,
        &["workflow", "describe", "--workflow-id", "cli-1"],
    );
    assert!(described.contains(&scenario.workflow_type), "{described}");
    let listed = temporal(
        &address,
        &["workflow", "list", "--query", "WorkflowId = 'cli-1'"],
    );
    assert!(
        listed.contains("cli-1") && listed.contains("Completed"),
        "{listed}"
    );

    let shown = temporal(
        &address,
        &["workflow", "show", "--workflow-id", "cli-1", "-o", "json"],
    );
    let loaded = wfkit_history::load_bytes("shown.json", shown.as_bytes()).expect("loads");
    let history = &loaded.histories[0];
    assert!(wfkit_history::validate(history).is_valid());
    assert_eq!(
        wfkit_history::event::close_status(&history.events),
        "completed"
    );
    assert!(
        scenario
            .checks
            .iter()
            .all(|check| check.verify(history).is_ok()),
        "the checks of the scenario hold"
    );

    // A second workflow, terminated from the CLI.
    temporal(
        &address,
        &[
            "workflow",
            "start",
            "--task-queue",
            "nobody",
            "--type",
            "Idle",
            "--workflow-id",
            "cli-2",
        ],
    );
    temporal(
        &address,
        &[
            "workflow",
            "terminate",
            "--workflow-id",
            "cli-2",
            "--reason",
            "test",
        ],
    );
    let listed = temporal(&address, &["workflow", "list"]);
    assert!(
        listed.contains("cli-2") && listed.contains("Terminated"),
        "{listed}"
    );
    worker.stop().await.expect("worker stops");
}

/// `--log-level debug --log-format json`: one JSON object per RPC, naming the RPC and, for a
/// failed one, its stable code; the log is what a failing test's requests looked like.
#[test]
fn the_request_log_is_json_lines_with_rpc_names_and_codes() {
    let mut served = serve_with(
        &["--log-level", "wfkit_engine=debug", "--log-format", "json"],
        Stdio::piped(),
    );
    let address = served.address.clone();
    // One RPC that succeeds and one that fails with a code (no such workflow).
    temporal(&address, &["workflow", "list"]);
    // Regression: the CLI crashed on the engine's DescribeNamespace (no replication config).
    let described = temporal(
        &address,
        &[
            "operator",
            "namespace",
            "describe",
            "--namespace",
            "default",
        ],
    );
    assert!(described.contains("default"), "{described}");
    let binary = find_temporal_binary().expect("the temporal CLI");
    let missing = Command::new(binary)
        .args(["workflow", "describe", "--workflow-id", "no-such-workflow"])
        .args(["--address", &address])
        .output()
        .expect("temporal runs");
    assert!(
        !missing.status.success(),
        "describing a missing workflow fails"
    );
    let stderr = served.child.stderr.take().expect("stderr");
    let _ = served.child.kill();
    let mut ok_seen = false;
    let mut not_found_seen = false;
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("a log line");
        let event: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|error| panic!("not a JSON log line ({error}): {line}"));
        let fields = &event["fields"];
        match fields["rpc"].as_str() {
            Some("list_workflow_executions") if fields["message"] == "ok" => ok_seen = true,
            Some("describe_workflow_execution") if fields["code"] == "WFE003" => {
                not_found_seen = true
            }
            _ => {}
        }
    }
    assert!(ok_seen, "the log has list_workflow_executions ok");
    assert!(
        not_found_seen,
        "the log has describe_workflow_execution failing with WFE003"
    );
}

#[test]
fn a_bad_log_level_is_refused_with_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args(["serve", "--port", "0", "--log-level", "loud=="])
        .output()
        .expect("wfkit runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--log-level"), "names the flag: {stderr}");
}

/// The `temporal schedule` commands against `wfkit serve`: create (a cron string), describe
/// (the cron string echoed as a structured calendar), list, trigger, backfill, toggle and
/// delete, each seen in what describe says next. No worker: the started workflows just wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_temporal_cli_manages_schedules_on_wfkit_serve() {
    let served = serve();
    let address = served.address.clone();
    let id = ["--schedule-id", "cli-s"];
    let describe = |address: &str| -> serde_json::Value {
        let out = temporal(
            address,
            &[&["schedule", "describe", "-o", "json"][..], &id[..]].concat(),
        );
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    };
    let actions = |described: &serde_json::Value| -> i64 {
        let count = &described["info"]["actionCount"];
        count
            .as_i64()
            .or_else(|| count.as_str().and_then(|text| text.parse().ok()))
            .unwrap_or(0)
    };
    temporal(
        &address,
        &[
            &[
                "schedule",
                "create",
                "--cron",
                "0 12 * * *",
                "--workflow-id",
                "cli-s-wf",
            ][..],
            &["--task-queue", "cli-s", "--type", "Anything"][..],
            &id[..],
        ]
        .concat(),
    );
    let described = describe(&address);
    let spec = &described["schedule"]["spec"];
    assert!(
        spec["cronString"].is_null() && spec["structuredCalendar"][0]["hour"][0]["start"] == 12,
        "the cron string comes back as a structured calendar: {described}"
    );
    assert_eq!(actions(&described), 0, "{described}");
    let listed = temporal(&address, &["schedule", "list"]);
    assert!(listed.contains("cli-s"), "{listed}");

    temporal(&address, &[&["schedule", "trigger"][..], &id[..]].concat());
    temporal(
        &address,
        &[
            &["schedule", "backfill", "--overlap-policy", "AllowAll"][..],
            &[
                "--start-time",
                "2026-01-01T00:00:00Z",
                "--end-time",
                "2026-01-03T23:59:59Z",
            ][..],
            &id[..],
        ]
        .concat(),
    );
    let described = describe(&address);
    // One trigger, and the 12:00 of three days.
    assert_eq!(actions(&described), 4, "{described}");
    let recent = described["info"]["recentActions"].to_string();
    assert!(
        recent.contains("cli-s-wf-2026-01-02T12:00:00Z"),
        "a backfilled workflow is named by its time: {recent}"
    );

    temporal(
        &address,
        &[
            &["schedule", "toggle", "--pause", "--reason", "from the CLI"][..],
            &id[..],
        ]
        .concat(),
    );
    let described = describe(&address);
    assert_eq!(
        described["schedule"]["state"]["paused"], true,
        "{described}"
    );
    assert_eq!(
        described["schedule"]["state"]["notes"], "from the CLI",
        "{described}"
    );

    temporal(&address, &[&["schedule", "delete"][..], &id[..]].concat());
    let (ok, out) = temporal_may_fail(&address, &[&["schedule", "describe"][..], &id[..]].concat());
    assert!(
        !ok && out.contains("not found"),
        "a deleted schedule is gone: {out}"
    );
}
