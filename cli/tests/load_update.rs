//! `wfkit load --scenario update` end to end on the embedded engine: every iteration sends its
//! updates one after another (UpdateWorkflowExecution until completed), the report carries
//! their round trips as the `update_latency_us` histogram (JSON, Markdown and HTML), and
//! `wfkit report merge` and `--baseline` keep working with it.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use wfkit_loadgen::report::Report;

const ITERATIONS: u64 = 10;
const UPDATES: u64 = 3;

fn wfkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfkit"))
        .args(args)
        .output()
        .expect("wfkit runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn read_json(dir: &Path) -> Value {
    let json = std::fs::read_to_string(dir.join("report.json")).expect("report.json");
    serde_json::from_str(&json).expect("report.json is JSON")
}

/// `wfkit load --scenario update` with a bounded count: 10 iterations, 3 updates each, 2 in
/// flight, each iteration given at most a minute.
fn load_update(out: &Path, extra: &[&str]) -> Output {
    let iterations = ITERATIONS.to_string();
    let updates = UPDATES.to_string();
    let mut args = vec![
        "load",
        "--scenario",
        "update",
        "--updates",
        &updates,
        "--concurrency",
        "2",
        "--iterations",
        &iterations,
        "--iteration-timeout",
        "60s",
        "--drain-timeout",
        "60s",
        "--out",
        path_str(out),
    ];
    args.extend_from_slice(extra);
    wfkit(&args)
}

#[test]
fn the_update_scenario_reports_update_latency_as_its_own_histogram() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("update");
    let output = load_update(&out, &[]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );

    let report = read_json(&out);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["counts"]["issued"], ITERATIONS);
    assert_eq!(report["counts"]["completed"], ITERATIONS);
    assert_eq!(report["counts"]["failed"], 0);
    assert_eq!(report["counts"]["unfinished"], 0);
    assert_eq!(report["errors"], Value::Array(Vec::new()));
    let update = &report["summary"]["update_latency_us"];
    assert_eq!(update["count"], ITERATIONS * UPDATES, "{update}");
    assert!(
        update["p99_us"].as_u64().is_some_and(|p99| p99 > 0),
        "{update}"
    );
    // The encoded histogram holds exactly the summarised samples.
    let parsed = Report::read(&out).expect("reads");
    let histograms = parsed.to_result().expect("decodes").histograms;
    assert_eq!(histograms.update_latency_us.len(), ITERATIONS * UPDATES);
    // Every update is part of its workflow's end-to-end latency.
    assert!(
        histograms.update_latency_us.max() <= histograms.end_to_end_uncorrected_us.max(),
        "update max {} µs, end-to-end max {} µs",
        histograms.update_latency_us.max(),
        histograms.end_to_end_uncorrected_us.max()
    );

    let summary = std::fs::read_to_string(out.join("summary.md")).expect("summary.md");
    assert!(
        summary.contains(&format!(
            "| update (UpdateWorkflowExecution) | {} |",
            ITERATIONS * UPDATES
        )),
        "{summary}"
    );
    let page = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(
        page.contains("<td>update (UpdateWorkflowExecution)</td>"),
        "{page}"
    );
    assert!(
        stdout.contains(&format!("over {} updates", ITERATIONS * UPDATES)),
        "{stdout}"
    );

    // `wfkit report merge` adds the update histograms of its inputs exactly, also alongside
    // a report without updates.
    let noop = dir.path().join("noop");
    let output = wfkit(&[
        "load",
        "--scenario",
        "noop",
        "--concurrency",
        "2",
        "--iterations",
        "4",
        "--out",
        path_str(&noop),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        read_json(&noop)["summary"]
            .get("update_latency_us")
            .is_none()
    );
    let merged = dir.path().join("merged");
    let output = wfkit(&[
        "report",
        "merge",
        path_str(&out.join("report.json")),
        path_str(&noop.join("report.json")),
        "--out",
        path_str(&merged),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let merged_report = read_json(&merged);
    assert_eq!(merged_report["counts"]["completed"], ITERATIONS + 4);
    assert_eq!(
        merged_report["summary"]["update_latency_us"]["count"],
        ITERATIONS * UPDATES
    );
    assert_eq!(
        merged_report["histograms"]["update_latency_us"],
        report["histograms"]["update_latency_us"]
    );

    // A second run against the first as its baseline compares the update latency too.
    let again = dir.path().join("again");
    let output = load_update(&again, &["--baseline", path_str(&out)]);
    let stdout = text(&output.stdout);
    let failed = stdout.contains("FAIL ");
    assert_eq!(output.status.code(), Some(i32::from(failed)), "{stdout}");
    let summary = std::fs::read_to_string(again.join("summary.md")).expect("summary.md");
    assert!(summary.contains("## Against the baseline"), "{summary}");
    assert!(summary.contains("| update p99 |"), "{summary}");
}
