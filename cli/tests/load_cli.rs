//! `wfkit load` end to end: the built-in scenarios on the embedded engine write a report;
//! bad flags and an unreachable server exit 2 naming the culprit; a failed threshold exits 1;
//! Ctrl-C writes a partial report; `wfkit worker` runs the load workflows for
//! `wfkit load --no-worker`.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

fn wfkit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wfkit"))
}

fn load(args: &[&str]) -> Output {
    wfkit()
        .arg("load")
        .args(args)
        .output()
        .expect("wfkit load runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read_report(dir: &Path) -> Value {
    let json = std::fs::read_to_string(dir.join("report.json")).expect("report.json");
    serde_json::from_str(&json).expect("report.json is JSON")
}

/// A child process, killed on drop so a failing test leaves nothing behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits up to `limit` for `child` to exit.
fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "no exit within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn noop_on_the_embedded_engine_writes_a_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("run");
    let output = load(&[
        "--scenario",
        "noop",
        "--rate",
        "10/s",
        "--duration",
        "2s",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    for file in ["report.json", "summary.md", "report.html"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let report = read_report(&out);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["counts"]["issued"], 20);
    assert_eq!(report["counts"]["completed"], 20);
    assert_eq!(report["counts"]["failed"], 0);
    assert_eq!(report["run"]["interrupted"], false);
    assert_eq!(report["history_latency"]["read"], 20);
    assert!(
        report["history_latency"]["workflow_task_schedule_to_start_us"]["count"]
            .as_u64()
            .is_some_and(|count| count >= 20)
    );
    let stderr = text(&output.stderr);
    assert!(stderr.contains("started"), "progress line: {stderr}");

    // The same run against it as a baseline: the comparison lands in the summary, and the
    // exit code follows the verdict.
    let again = dir.path().join("again");
    let output = load(&[
        "--scenario",
        "noop",
        "--rate",
        "10/s",
        "--duration",
        "2s",
        "--baseline",
        out.to_str().expect("utf-8 path"),
        "--out",
        again.to_str().expect("utf-8 path"),
    ]);
    let stdout = text(&output.stdout);
    let failed = stdout.contains("FAIL ");
    assert_eq!(output.status.code(), Some(i32::from(failed)), "{stdout}");
    let summary = std::fs::read_to_string(again.join("summary.md")).expect("summary.md");
    assert!(summary.contains("## Against the baseline"), "{summary}");
}

#[test]
fn a_bad_rate_exits_2_naming_the_flag() {
    let output = load(&["--scenario", "noop", "--rate", "banana", "--duration", "2s"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("--rate") && stderr.contains("banana"),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_address_exits_2_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let output = load(&[
        "--scenario",
        "noop",
        "--rate",
        "10/s",
        "--duration",
        "2s",
        "--address",
        "127.0.0.1:1",
        "--out",
        dir.path().to_str().expect("utf-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");
    assert!(stderr.contains("WFL020"), "{stderr}");
    assert!(
        !dir.path().join("report.json").exists(),
        "no report without a run"
    );
    // Refused at once, not after the run's duration.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_failed_p99_threshold_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = load(&[
        "--scenario",
        "noop",
        "--rate",
        "10/s",
        "--duration",
        "1s",
        "--max-p99",
        "1us",
        "--out",
        dir.path().to_str().expect("utf-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("--max-p99"), "{stdout}");
    let summary = std::fs::read_to_string(dir.path().join("summary.md")).expect("summary.md");
    assert!(summary.contains("Verdict: FAIL"), "{summary}");
}

#[test]
fn ctrl_c_writes_a_partial_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("interrupted");
    let child = wfkit()
        .args([
            "load",
            "--scenario",
            "noop",
            "--rate",
            "10/s",
            "--duration",
            "10m",
            "--out",
            out.to_str().expect("utf-8 path"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wfkit load starts");
    let mut running = Running(child);
    let stderr = running.0.stderr.take().expect("stderr");
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                return;
            }
        }
    });
    // Two progress lines: the run is well under way (and the Ctrl-C handler installed).
    let mut progress = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while progress < 2 {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines_rx
            .recv_timeout(left)
            .expect("progress lines on stderr");
        if line.contains(" started ") {
            progress += 1;
        }
    }
    let killed = Command::new("kill")
        .args(["-INT", &running.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = wait_exit(&mut running.0, Duration::from_secs(60));
    assert_eq!(status.code(), Some(0));
    let report = read_report(&out);
    assert_eq!(report["run"]["interrupted"], true);
    let issued = report["counts"]["issued"].as_u64().expect("issued");
    assert!((10..600).contains(&issued), "issued {issued}");
    assert_eq!(report["counts"]["completed"], issued);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wfkit_worker_runs_the_load_workflows_for_load_no_worker() {
    let engine = wfkit_engine::Engine::start(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        wfkit_engine::EngineConfig::default(),
    )
    .await
    .expect("engine starts");
    let address = engine.address().to_string();
    let worker = wfkit()
        .args([
            "worker",
            "--address",
            &address,
            "--task-queue",
            "q-external",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("wfkit worker starts");
    let mut worker = Running(worker);
    let mut ready = String::new();
    BufReader::new(worker.0.stdout.take().expect("stdout"))
        .read_line(&mut ready)
        .expect("a first line");
    assert!(ready.contains("q-external"), "{ready}");

    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_path_buf();
    let load_address = address.clone();
    let output = tokio::task::spawn_blocking(move || {
        load(&[
            "--scenario",
            "chain",
            "--chain-length",
            "2",
            "--concurrency",
            "2",
            "--iterations",
            "6",
            "--address",
            &load_address,
            "--no-worker",
            "--task-queue",
            "q-external",
            "--out",
            out.to_str().expect("utf-8 path"),
        ])
    })
    .await
    .expect("joins");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let report = read_report(dir.path());
    assert_eq!(report["counts"]["completed"], 6);
    assert_eq!(report["config"]["model"]["kind"], "closed");
    drop(worker);
    engine.stop().await;
}
