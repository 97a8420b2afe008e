//! Reports: JSON round trip, merge exactness, HTML plots, interval logs, baseline comparison
//! and the verdict.

use std::sync::Arc;
use std::time::Duration;

use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};
use wfkit_loadgen::report::{
    self, REPORT_HTML, REPORT_JSON, Report, SUMMARY_MD, Thresholds, compare, evaluate,
};
use wfkit_loadgen::{
    ArrivalModel, LoadModel, RunOptions, RunResult, SimulatedTarget, StopCondition, merge, run_load,
};

async fn run(model: LoadModel, stop: StopCondition, target: SimulatedTarget) -> RunResult {
    run_load(Arc::new(target), model, stop, RunOptions::default())
        .await
        .expect("runs")
}

fn constant(rate_per_s: f64) -> LoadModel {
    LoadModel::Open(ArrivalModel::Constant { rate_per_s })
}

fn target(completion_ms: u64) -> SimulatedTarget {
    SimulatedTarget::new(
        Duration::from_millis(2),
        Duration::from_millis(completion_ms),
    )
}

fn with_stall(target: SimulatedTarget) -> SimulatedTarget {
    target.with_stall(Duration::from_millis(500), Duration::from_millis(1_000))
}

async fn sample_report(name: &str, completion_ms: u64) -> Report {
    let result = run(
        constant(100.0),
        StopCondition::duration(Duration::from_secs(3)),
        with_stall(target(completion_ms)).with_failures(50, "UNAVAILABLE"),
    )
    .await;
    Report::from_result(name, &result).expect("reports")
}

async fn plain_report(name: &str, completion_ms: u64) -> Report {
    let result = run(
        constant(100.0),
        StopCondition::duration(Duration::from_secs(2)),
        target(completion_ms),
    )
    .await;
    Report::from_result(name, &result).expect("reports")
}

#[tokio::test(start_paused = true)]
async fn json_round_trips() {
    let report = sample_report("round-trip", 10).await;
    let json = report.to_json().expect("serialises");
    let back = Report::from_json(&json, "memory").expect("parses");
    assert_eq!(back, report);
    // And back through the in-memory result, histograms decoded and re-encoded.
    let again =
        Report::from_result("round-trip", &back.to_result().expect("decodes")).expect("reports");
    assert_eq!(again, report);
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["config"]["model"]["kind"], "constant");
    assert!(value["summary"]["end_to_end_corrected_us"]["p999_us"].is_u64());
    assert_eq!(value["errors"][0]["status"], "UNAVAILABLE");
    assert_eq!(value["errors"][0]["phase"], "start");
}

#[tokio::test(start_paused = true)]
async fn another_schema_version_is_refused_with_its_code() {
    let report = sample_report("versions", 10).await;
    let json = report.to_json().expect("serialises").replacen(
        "\"schema_version\": 1",
        "\"schema_version\": 2",
        1,
    );
    let error = Report::from_json(&json, "old.json").expect_err("refused");
    assert_eq!(error.code(), "WFL013");
    assert!(error.to_string().contains("old.json"), "{error}");
    let error = Report::from_json("{", "broken.json").expect_err("refused");
    assert_eq!(error.code(), "WFL012");
}

/// Two processes at 50/s, offset by 10 ms, against the same kind of target, merge into
/// exactly what one process at 100/s measures.
#[tokio::test(start_paused = true)]
async fn merging_two_processes_equals_one_combined_run() {
    let stop = StopCondition::duration(Duration::from_secs(2));
    let even = run(constant(50.0), stop, with_stall(target(10))).await;
    let odd = run(
        LoadModel::Open(ArrivalModel::Steps(vec![
            (Duration::from_millis(10), 0.0),
            (Duration::from_millis(1_990), 50.0),
        ])),
        stop,
        with_stall(target(10)),
    )
    .await;
    let combined = run(constant(100.0), stop, with_stall(target(10))).await;
    let merged = merge(&[even.clone(), odd.clone()]).expect("merges");

    assert_eq!(merged.processes, 2);
    assert_eq!(merged.counts, combined.counts);
    assert_eq!(merged.histograms, combined.histograms);
    assert_eq!(merged.by_intended, combined.by_intended);
    assert_eq!(
        merged.by_completion.intervals.len(),
        combined.by_completion.intervals.len()
    );
    for (mine, theirs) in merged
        .by_completion
        .intervals
        .iter()
        .zip(&combined.by_completion.intervals)
    {
        assert_eq!(mine.completed, theirs.completed);
        let (mine, theirs) = (
            mine.decode().expect("decodes"),
            theirs.decode().expect("decodes"),
        );
        assert_eq!(mine.end_to_end_corrected_us, theirs.end_to_end_corrected_us);
        assert_eq!(mine.start_latency_us, theirs.start_latency_us);
    }

    // Through JSON files, as `wfkit report merge` does: still exact.
    let reports: Vec<Report> = [&even, &odd]
        .iter()
        .map(|result| {
            let json = Report::from_result("part", result)
                .and_then(|report| report.to_json())
                .expect("serialises");
            Report::from_json(&json, "part.json").expect("parses")
        })
        .collect();
    let merged_report = report::merge_reports("merged", &reports).expect("merges");
    let combined_report = Report::from_result("merged", &combined).expect("reports");
    assert_eq!(merged_report.histograms, combined_report.histograms);
    assert_eq!(
        merged_report.summary.end_to_end_corrected_us,
        combined_report.summary.end_to_end_corrected_us
    );
    assert_eq!(merged_report.run.processes, 2);
}

#[tokio::test(start_paused = true)]
async fn merge_refuses_nothing() {
    let error = merge(&[]).expect_err("nothing to merge");
    assert_eq!(error.code(), "WFL014");
}

#[tokio::test(start_paused = true)]
async fn html_has_three_plots_and_no_external_resources() {
    let report = sample_report("html", 10).await;
    let page = report::html(&report, None, None).expect("renders");
    assert_eq!(page.matches("<svg").count(), 3);
    assert!(page.contains("Latency by percentile"));
    assert!(page.contains("Throughput over time"));
    assert!(page.contains("latency over time"));
    assert!(!page.contains("<script"));
    // Nothing to fetch: the only address is the SVG namespace name.
    let without_namespace = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_namespace.contains("http"), "{without_namespace}");
}

#[tokio::test(start_paused = true)]
async fn a_report_folder_holds_every_file() {
    let report = sample_report("folder", 10).await;
    let root = tempfile::tempdir().expect("temp dir");
    let dir = report::report_dir(root.path(), "folder").expect("valid name");
    let written = report::write_report_dir(&report, &dir).expect("writes");
    assert_eq!(written.len(), 6);
    for name in [
        REPORT_JSON,
        SUMMARY_MD,
        REPORT_HTML,
        "end_to_end_corrected.hlog",
    ] {
        assert!(dir.join(name).is_file(), "{name}");
    }
    assert_eq!(Report::read(&dir).expect("reads back"), report);
    let summary = std::fs::read_to_string(dir.join(SUMMARY_MD)).expect("summary");
    assert!(summary.contains("| end-to-end, corrected |"), "{summary}");
    assert!(summary.contains("`UNAVAILABLE`"), "{summary}");

    // The interval log has one histogram per completion interval, each decoding to the
    // interval's count.
    let log = std::fs::read(dir.join("end_to_end_corrected.hlog")).expect("log");
    let mut histograms = 0;
    for entry in IntervalLogIterator::new(&log) {
        if let Ok(LogEntry::Interval(interval)) = entry {
            let index = histograms;
            histograms += 1;
            assert_eq!(interval.start_timestamp(), Duration::from_secs(index));
            assert_eq!(interval.duration(), Duration::from_secs(1));
        }
    }
    assert_eq!(
        histograms,
        report.series.by_completion.intervals.len() as u64
    );

    let error = report::report_dir(root.path(), "../escape").expect_err("refused");
    assert_eq!(error.code(), "WFL005");
    assert!(error.to_string().contains("\"../escape\""), "{error}");
}

#[tokio::test(start_paused = true)]
async fn compare_flags_a_p99_regression_and_the_verdict_fails() {
    let baseline = plain_report("baseline", 10).await;
    let same = plain_report("same", 10).await;
    let slower = plain_report("slower", 60).await;

    let unchanged = compare(&baseline, &same);
    assert_eq!(
        unchanged.regressions().count(),
        0,
        "{}",
        unchanged.markdown()
    );

    let comparison = compare(&baseline, &slower);
    let table = comparison.markdown();
    let p99 = comparison
        .rows
        .iter()
        .find(|row| row.metric == "end-to-end p99 (corrected)")
        .expect("p99 row");
    assert!(p99.regression, "{table}");
    assert!((p99.baseline - 12.0).abs() < 0.1, "{table}");
    assert!((p99.current - 62.0).abs() < 0.1, "{table}");
    assert!(
        p99.delta_pct().is_some_and(|delta| delta > 400.0),
        "{table}"
    );
    assert!(
        table.contains(
            "| end-to-end p99 (corrected) | 12.01 ms | 62.02 ms | +416.5% | **regression** |"
        ),
        "{table}"
    );
    // Throughput did not change, so it is not flagged.
    assert!(
        comparison
            .regressions()
            .all(|row| row.metric != "completed throughput"),
        "{table}"
    );

    let verdict = evaluate(&slower, &Thresholds::default(), Some(&comparison));
    assert!(!verdict.passed);
    assert!(
        verdict
            .reasons
            .iter()
            .any(|reason| reason.contains("regressed")),
        "{verdict:?}"
    );

    let strict = Thresholds {
        max_p99_ms: Some(5.0),
        min_throughput_per_s: Some(1_000.0),
    };
    let verdict = evaluate(&baseline, &strict, None);
    assert!(!verdict.passed);
    assert_eq!(verdict.reasons.len(), 2, "{verdict:?}");
    assert!(
        verdict.reasons[0].contains("end-to-end p99 (corrected) 12.01 ms is above --max-p99 5 ms"),
        "{verdict:?}"
    );
    assert!(
        verdict.reasons[1].contains("--min-throughput 1000/s"),
        "{verdict:?}"
    );

    let lenient = Thresholds {
        max_p99_ms: Some(5_000.0),
        min_throughput_per_s: Some(50.0),
    };
    assert!(evaluate(&baseline, &lenient, None).passed);
}
