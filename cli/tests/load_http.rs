//! `wfkit load-http` against the real Temporal dev server's HTTP API: workflow starts through
//! goose, the report in wfkit-loadgen's format, every successful request a workflow the server
//! lists, a paced run that issues exactly its schedule, and a wrong URL counted as HTTP errors.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use wfkit_devserver::{DevServer, find_temporal_binary};
use wfkit_loadgen::report::{self, ModelConfig, Report};

/// The longest one `wfkit load-http` may take here: a few seconds of load plus goose's
/// start-up and shut-down.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `wfkit load-http ARGS`, killing it after [`RUN_TIMEOUT`].
fn load_http(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .arg("load-http")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wfkit runs");
    let deadline = Instant::now() + RUN_TIMEOUT;
    loop {
        if child.try_wait().expect("waits").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!(
                "wfkit load-http {args:?} ran longer than {RUN_TIMEOUT:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn statuses(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("http.json")).expect("http.json written");
    let side: serde_json::Value = serde_json::from_str(&text).expect("http.json is JSON");
    side["statuses"].clone()
}

/// The number of workflow executions the server lists in `default`, once its visibility has
/// caught up with `expected` (or after 15 s, whatever it says then).
fn workflow_count(address: &str, expected: u64) -> u64 {
    let binary = find_temporal_binary().expect("the temporal CLI (run `bash scripts/setup.sh`)");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let output = Command::new(&binary)
            .args(["workflow", "count", "--address", address, "-o", "json"])
            .output()
            .expect("temporal runs");
        assert!(output.status.success(), "{}", text(&output.stderr));
        let value: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("count is JSON");
        let count = match &value["count"] {
            serde_json::Value::String(count) => count.parse().expect("a number"),
            serde_json::Value::Number(count) => count.as_u64().expect("a number"),
            // proto3 JSON leaves a zero count out.
            _ => 0,
        };
        if count == expected || Instant::now() > deadline {
            return count;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_load_starts_workflows_the_server_lists() {
    let server = DevServer::start()
        .await
        .expect("the real dev server starts (run `bash scripts/setup.sh`)");
    let address = server.address();
    let http = server.http_port();
    let start_url = format!("http://127.0.0.1:{http}/api/v1/namespaces/{{ns}}/workflows/{{id}}");
    let dir = tempfile::tempdir().expect("temporary folder");

    // Closed loop, two users, three seconds.
    let closed = dir.path().join("closed");
    let output = tokio::task::block_in_place(|| {
        load_http(&[
            "--url",
            &start_url,
            "--users",
            "2",
            "--duration",
            "3s",
            "--id-prefix",
            "http-closed",
            "--name",
            "http-closed",
            "--out",
            closed.to_str().expect("UTF-8"),
        ])
    });
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    for file in [report::REPORT_JSON, report::SUMMARY_MD, report::REPORT_HTML] {
        assert!(closed.join(file).is_file(), "{file} written");
    }
    for (file, _) in report::HLOG_FILES {
        assert!(closed.join(file).is_file(), "{file} written");
    }
    let closed_report = Report::read(&closed).expect("the report reads back");
    let succeeded = closed_report.counts.completed;
    assert!(succeeded > 0, "{:?}", closed_report.counts);
    assert_eq!(closed_report.counts.failed, 0, "{:?}", closed_report.errors);
    assert!(
        matches!(
            closed_report.config.model,
            ModelConfig::Closed { in_flight: 2 }
        ),
        "{:?}",
        closed_report.config.model
    );
    assert!(closed_report.summary.correction_interval_us.is_some());
    assert_eq!(
        closed_report.summary.start_latency_us.count, succeeded,
        "every request is timed"
    );
    assert_eq!(statuses(&closed)["200"], succeeded);
    let summary = std::fs::read_to_string(closed.join(report::SUMMARY_MD)).expect("summary");
    assert!(summary.contains("closed loop"), "{summary}");

    // Paced: 20 requests a second for one second is exactly 20 requests.
    let paced = dir.path().join("paced");
    let output = tokio::task::block_in_place(|| {
        load_http(&[
            "--url",
            &start_url,
            "--users",
            "4",
            "--rate",
            "20/s",
            "--duration",
            "1s",
            "--id-prefix",
            "http-paced",
            "--out",
            paced.to_str().expect("UTF-8"),
        ])
    });
    assert!(output.status.success(), "{}", text(&output.stderr));
    let paced_report = Report::read(&paced).expect("reads back");
    assert_eq!(paced_report.counts.issued, 20, "{:?}", paced_report.counts);
    assert_eq!(paced_report.counts.completed, 20);
    assert_eq!(paced_report.summary.throughput.target_per_s, Some(20.0));
    assert!(matches!(
        paced_report.config.model,
        ModelConfig::Constant { rate_per_s } if rate_per_s == 20.0
    ));

    let listed = tokio::task::block_in_place(|| workflow_count(&address, succeeded + 20));
    assert_eq!(
        listed,
        succeeded + 20,
        "each successful start is a workflow the server lists"
    );

    // A wrong URL: every request is a counted 404, the run ends normally with exit 1.
    let wrong = dir.path().join("wrong");
    let wrong_url = format!("http://127.0.0.1:{http}/api/v1/no-such-route/{{id}}");
    let output = tokio::task::block_in_place(|| {
        load_http(&[
            "--url",
            &wrong_url,
            "--users",
            "2",
            "--iterations",
            "10",
            "--out",
            wrong.to_str().expect("UTF-8"),
        ])
    });
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(
        !text(&output.stderr).contains("panicked"),
        "{}",
        text(&output.stderr)
    );
    assert!(text(&output.stdout).contains("no request succeeded"));
    let wrong_report = Report::read(&wrong).expect("reads back");
    assert_eq!(wrong_report.counts.issued, 10);
    assert_eq!(wrong_report.counts.failed, 10);
    assert_eq!(wrong_report.counts.completed, 0);
    assert_eq!(wrong_report.errors.len(), 1);
    assert_eq!(wrong_report.errors[0].status, "HTTP 404");
    assert_eq!(wrong_report.errors[0].count, 10);
    assert_eq!(statuses(&wrong)["404"], 10);

    server.stop().await.expect("the server stops");
}

#[test]
fn bad_options_exit_2_naming_the_option() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("never");
    let out = out.to_str().expect("UTF-8");
    for (args, named) in [
        (
            vec!["--url", "localhost:7243/x", "--iterations", "1"],
            "--url",
        ),
        (vec!["--users", "0", "--iterations", "1"], "--users"),
        (vec!["--rate", "fast", "--duration", "1s"], "--rate"),
        (vec!["--users", "1"], "--duration"),
    ] {
        let mut all = args.clone();
        all.extend(["--out", out]);
        let output = load_http(&all);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert!(
            text(&output.stderr).contains(named),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
    assert!(!Path::new(out).exists(), "nothing written for bad options");
}
