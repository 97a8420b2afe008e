//! `wfkit report merge`: reports from several processes merge exactly (counts are sums,
//! percentiles equal those of one histogram of every sample, series align on wall-clock
//! starts), and unusable input exits 2 naming the file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use wfkit_loadgen::measure::{
    ExternalRecorder, ExternalRunEnd, Percentiles, RunConfig, latency_histogram, record_duration,
};
use wfkit_loadgen::report::{self, Report};
use wfkit_loadgen::{
    ArrivalModel, LoadModel, RunOptions, SimulatedTarget, StopCondition, run_load,
};

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
    path.to_str().expect("temporary paths are UTF-8")
}

/// A closed-model report of requests with the given latencies (ms), one every 100 ms, and
/// `failures` failed requests, started at `started_at_unix_ms`.
fn known_report(
    name: &str,
    started_at_unix_ms: u64,
    latencies_ms: &[u64],
    failures: u64,
) -> Report {
    let config = RunConfig {
        model: LoadModel::Closed { in_flight: 1 },
        stop: StopCondition::iterations(latencies_ms.len() as u64 + failures),
        max_in_flight: 1,
        late_threshold: Duration::from_millis(2),
        drain_timeout: Duration::from_secs(1),
        iteration_timeout: Duration::from_secs(60),
    };
    let mut recorder = ExternalRecorder::new(config).expect("valid config");
    let mut at = Duration::ZERO;
    for latency_ms in latencies_ms {
        recorder.issued(at, at);
        recorder.completed(at, at, at + Duration::from_millis(*latency_ms));
        at += Duration::from_millis(100);
    }
    for _ in 0..failures {
        recorder.issued(at, at);
        recorder.failed(at, at + Duration::from_millis(1), "HTTP 503");
        at += Duration::from_millis(100);
    }
    let result = recorder
        .finish(ExternalRunEnd {
            started_at_unix_ms,
            issue_window: at,
            elapsed: at,
            interrupted: false,
            target_rate_per_s: None,
            // A fixed interval, so both inputs are corrected alike and the merge is exact.
            closed_expected_interval: Some(Duration::from_millis(100)),
        })
        .expect("finishes");
    Report::from_result(name, &result).expect("reports")
}

fn write_report(dir: &Path, report: &Report) -> PathBuf {
    let folder = dir.join(&report.run.name);
    report::write_report_dir(report, &folder).expect("writes");
    folder.join(report::REPORT_JSON)
}

#[test]
fn merged_counts_are_sums_and_percentiles_are_those_of_all_samples() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let first: Vec<u64> = (1..=40).map(|i| i * 3).collect();
    let second: Vec<u64> = (1..=25).map(|i| 500 + i * 17).collect();
    let start_ms = 1_700_000_000_000;
    let a = write_report(dir.path(), &known_report("a", start_ms, &first, 2));
    let b = write_report(dir.path(), &known_report("b", start_ms + 3_000, &second, 3));
    let out = dir.path().join("merged");
    let output = wfkit(&[
        "report",
        "merge",
        path_str(&a),
        path_str(&b),
        "--out",
        path_str(&out),
        "--name",
        "both",
    ]);
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    assert!(
        text(&output.stdout).contains("shifted"),
        "{}",
        text(&output.stdout)
    );
    for file in [report::REPORT_JSON, report::SUMMARY_MD, report::REPORT_HTML] {
        assert!(out.join(file).is_file(), "{file} written");
    }
    for (file, _) in report::HLOG_FILES {
        assert!(out.join(file).is_file(), "{file} written");
    }
    let merged = Report::read(&out).expect("the merged report reads back");
    assert_eq!(merged.run.name, "both");
    assert_eq!(merged.run.processes, 2);
    assert_eq!(merged.counts.completed, 65);
    assert_eq!(merged.counts.failed, 5);
    assert_eq!(merged.counts.issued, 70);
    assert_eq!(merged.errors.len(), 1);
    assert_eq!(merged.errors[0].status, "HTTP 503");
    assert_eq!(merged.errors[0].count, 5);

    let mut all = latency_histogram();
    for latency_ms in first.iter().chain(&second) {
        record_duration(&mut all, Duration::from_millis(*latency_ms));
    }
    assert_eq!(merged.summary.start_latency_us, Percentiles::of(&all));
    assert_eq!(
        merged.summary.end_to_end_uncorrected_us,
        Percentiles::of(&all)
    );
    let decoded = merged
        .histograms
        .end_to_end_uncorrected_us
        .decode("merged")
        .expect("decodes");
    assert_eq!(
        decoded, all,
        "the merged histogram holds exactly every sample"
    );

    // Series: b started 3 s after a, so its first second lands in bucket 3; the span is
    // a's start to b's end, and throughput is recomputed over it.
    let intended = &merged.series.by_intended;
    assert_eq!(intended.width_s, 1);
    let issued: u64 = intended.buckets.iter().map(|bucket| bucket.issued).sum();
    assert_eq!(issued, 70);
    // a issues 10 a second for 4.2 s; b adds 10 a second from second 3.
    assert_eq!(intended.buckets[0].issued, 10);
    assert_eq!(intended.buckets[3].issued, 20);
    let completed: u64 = merged
        .series
        .by_completion
        .intervals
        .iter()
        .map(|interval| interval.completed)
        .sum();
    assert_eq!(completed, 65);
    assert_eq!(merged.run.elapsed_us, 3_000_000 + 2_800_000);
    let expected_per_s = 65.0 / 5.8;
    assert!((merged.summary.throughput.completed_per_s - expected_per_s).abs() < 1e-9);
}

#[test]
fn reports_of_simulated_runs_merge_with_summed_counts() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (first, second) = runtime.block_on(async {
        let run = |completion_ms: u64| {
            let target = SimulatedTarget::new(
                Duration::from_millis(1),
                Duration::from_millis(completion_ms),
            );
            run_load(
                Arc::new(target),
                LoadModel::Open(ArrivalModel::Constant { rate_per_s: 100.0 }),
                StopCondition::duration(Duration::from_secs(1)),
                RunOptions::default(),
            )
        };
        let (a, b) = tokio::join!(run(5), run(20));
        (a.expect("runs"), b.expect("runs"))
    });
    let dir = tempfile::tempdir().expect("temporary folder");
    let a = write_report(
        dir.path(),
        &Report::from_result("sim-a", &first).expect("reports"),
    );
    let b = write_report(
        dir.path(),
        &Report::from_result("sim-b", &second).expect("reports"),
    );
    let out = dir.path().join("sim-merged");
    // Folders are accepted as well as files.
    let output = wfkit(&[
        "report",
        "merge",
        path_str(a.parent().expect("folder")),
        path_str(&b),
        "--out",
        path_str(&out),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let merged = Report::read(&out).expect("reads back");
    assert_eq!(merged.run.name, "merged");
    assert_eq!(
        merged.counts.completed,
        first.counts.completed + second.counts.completed
    );
    assert_eq!(
        merged.counts.issued,
        first.counts.issued + second.counts.issued
    );
    assert!(merged.counts.completed >= 190, "{:?}", merged.counts);
    let mut all = first.histograms.end_to_end_corrected_us.clone();
    all.add(&second.histograms.end_to_end_corrected_us)
        .expect("same shape");
    assert_eq!(
        merged.summary.end_to_end_corrected_us,
        Percentiles::of(&all)
    );
    assert_eq!(merged.summary.throughput.target_per_s, Some(200.0));
}

fn assert_unusable(output: &Output, file: &str, also: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(file), "names {file}: {stderr}");
    assert!(stderr.contains(also), "says {also}: {stderr}");
}

#[test]
fn unusable_input_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let good = write_report(dir.path(), &known_report("good", 1_000, &[1, 2, 3], 0));
    let out = dir.path().join("out");
    let merge = |bad: &Path| {
        wfkit(&[
            "report",
            "merge",
            path_str(&good),
            path_str(bad),
            "--out",
            path_str(&out),
        ])
    };

    let missing = dir.path().join("missing-report.json");
    assert_unusable(&merge(&missing), "missing-report.json", "no such file");

    let not_report = dir.path().join("not-a-report.json");
    std::fs::write(&not_report, r#"{"hello": "world"}"#).expect("writes");
    assert_unusable(&merge(&not_report), "not-a-report.json", "WFL012");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"schema_version\": 1, \"run\": {").expect("writes");
    assert_unusable(&merge(&broken), "broken.json", "WFL012");

    let newer = dir.path().join("newer-schema.json");
    let json = std::fs::read_to_string(&good).expect("reads");
    std::fs::write(
        &newer,
        json.replacen("\"schema_version\": 1", "\"schema_version\": 2", 1),
    )
    .expect("writes");
    assert_unusable(&merge(&newer), "newer-schema.json", "WFL013");

    assert!(
        !out.exists(),
        "nothing is written when an input is unusable"
    );

    let output = wfkit(&[
        "report",
        "merge",
        path_str(&good),
        "--out",
        path_str(&out),
        "--name",
        "../escape",
    ]);
    assert_unusable(&output, "--name", "run name");
}
