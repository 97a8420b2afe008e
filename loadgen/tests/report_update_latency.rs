//! The optional `update_latency_us` histogram (the round trip of each workflow update): a
//! target hands it over when the run ends (`Target::add_latencies`), it round-trips through
//! the report, reports without it (older ones, runs without updates) still read, merge and
//! compare, merging adds it exactly, and the latency table shows it as its own row.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hdrhistogram::Histogram;
use wfkit_loadgen::measure::{LatencyHistograms, latency_histogram, record_duration};
use wfkit_loadgen::report::{Report, compare, html, markdown, merge_aligned, merge_reports};
use wfkit_loadgen::{
    ArrivalModel, LoadModel, LoadgenError, RunOptions, RunResult, SimulatedTarget, StopCondition,
    Target, TargetError, run_load,
};

/// A target that "sends" `updates` updates of `update_ms` in each iteration and hands their
/// round trips over at the end of the run, as the Temporal target does.
struct UpdatingTarget {
    inner: SimulatedTarget,
    updates: u64,
    update_ms: u64,
    completed: AtomicU64,
}

impl Target for UpdatingTarget {
    type Started = <SimulatedTarget as Target>::Started;

    async fn start(&self, iteration: u64) -> Result<Self::Started, TargetError> {
        self.inner.start(iteration).await
    }

    async fn wait(&self, started: Self::Started) -> Result<(), TargetError> {
        self.inner.wait(started).await?;
        self.completed.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn add_latencies(&self, histograms: &mut LatencyHistograms) -> Result<(), LoadgenError> {
        let mut round_trips = latency_histogram();
        for _ in 0..self.completed.load(Ordering::Relaxed) * self.updates {
            record_duration(&mut round_trips, Duration::from_millis(self.update_ms));
        }
        histograms.add_update_latency(&round_trips)
    }
}

fn simulated() -> SimulatedTarget {
    SimulatedTarget::new(Duration::from_millis(2), Duration::from_millis(10))
}

async fn run<T: Target>(target: T) -> RunResult {
    run_load(
        Arc::new(target),
        LoadModel::Open(ArrivalModel::Constant { rate_per_s: 20.0 }),
        StopCondition::duration(Duration::from_secs(1)),
        RunOptions::default(),
    )
    .await
    .expect("runs")
}

async fn updating_report(name: &str, updates: u64, update_ms: u64) -> Report {
    let result = run(UpdatingTarget {
        inner: simulated(),
        updates,
        update_ms,
        completed: AtomicU64::new(0),
    })
    .await;
    Report::from_result(name, &result).expect("reports")
}

async fn plain_report(name: &str) -> Report {
    Report::from_result(name, &run(simulated()).await).expect("reports")
}

fn update_histogram(report: &Report) -> Histogram<u64> {
    report
        .to_result()
        .expect("decodes")
        .histograms
        .update_latency_us
}

#[tokio::test(start_paused = true)]
async fn the_histogram_round_trips_and_is_absent_without_updates() {
    let plain = plain_report("plain").await;
    let json = plain.to_json().expect("serialises");
    assert!(
        !json.contains("update_latency_us"),
        "absent without updates"
    );
    assert_eq!(plain.summary.update_latency_us, None);
    assert!(!markdown(&plain, None, None).contains("UpdateWorkflowExecution"));

    let with = updating_report("with", 3, 7).await;
    assert_eq!(with.counts.completed, 20);
    let json = with.to_json().expect("serialises");
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["summary"]["update_latency_us"]["count"], 60);
    assert_eq!(value["summary"]["update_latency_us"]["p99_us"], 7_000 + 3);
    assert!(value["histograms"]["update_latency_us"].is_string());
    let back = Report::from_json(&json, "with").expect("reads");
    assert_eq!(back, with);
    assert_eq!(update_histogram(&back).len(), 60);
    // Through the in-memory result and back: the same report.
    let again = Report::from_result("with", &back.to_result().expect("decodes")).expect("reports");
    assert_eq!(again, with);

    let summary = markdown(&with, None, None);
    assert!(
        summary.contains("| update (UpdateWorkflowExecution) | 60 | 7.003 |"),
        "{summary}"
    );
    let page = html(&with, None, None).expect("renders");
    assert!(
        page.contains("<td>update (UpdateWorkflowExecution)</td><td class=\"n\">60</td>"),
        "{page}"
    );
}

#[tokio::test(start_paused = true)]
async fn old_reports_without_it_still_read_merge_and_compare() {
    let with = updating_report("with", 2, 5).await;
    // A report without updates is what older reports look like: no `update_latency_us`.
    let old_json = plain_report("old").await.to_json().expect("serialises");
    assert!(!old_json.contains("update_latency_us"));
    let old = Report::from_json(&old_json, "old.json").expect("reads");
    assert_eq!(update_histogram(&old).len(), 0);

    for merged in [
        merge_reports("merged", &[with.clone(), old.clone()]).expect("merges"),
        merge_aligned("merged", &[old.clone(), with.clone()], &[])
            .expect("merges")
            .report,
    ] {
        let update = merged.summary.update_latency_us.expect("kept");
        assert_eq!(update.count, 40);
        assert_eq!(update_histogram(&merged), update_histogram(&with));
        assert_eq!(merged.counts.completed, 40);
    }
    let none = merge_reports("none", &[old.clone(), plain_report("p").await]).expect("merges");
    assert_eq!(none.summary.update_latency_us, None);
    assert!(
        !none
            .to_json()
            .expect("serialises")
            .contains("update_latency_us")
    );

    // Against an old baseline there is no update row; between two runs with updates there is,
    // and a slower update p99 is a regression.
    let metrics = |comparison: &wfkit_loadgen::report::Comparison| -> Vec<String> {
        comparison
            .rows
            .iter()
            .map(|row| row.metric.clone())
            .collect()
    };
    let against_old = compare(&old, &with);
    assert!(
        !metrics(&against_old)
            .iter()
            .any(|metric| metric.starts_with("update"))
    );
    let slower = updating_report("slower", 2, 50).await;
    let comparison = compare(&with, &slower);
    let row = comparison
        .rows
        .iter()
        .find(|row| row.metric == "update p99")
        .expect("update p99 compared");
    assert!(row.regression, "{row:?}");
    assert!(metrics(&comparison).contains(&"update p50".to_owned()));
}

#[tokio::test(start_paused = true)]
async fn merging_results_adds_the_histograms_exactly() {
    let first = updating_report("a", 1, 5)
        .await
        .to_result()
        .expect("decodes");
    let second = updating_report("b", 2, 9)
        .await
        .to_result()
        .expect("decodes");
    let merged = wfkit_loadgen::merge(&[first.clone(), second.clone()]).expect("merges");
    let mut expected = first.histograms.update_latency_us.clone();
    expected
        .add(&second.histograms.update_latency_us)
        .expect("adds");
    assert_eq!(merged.histograms.update_latency_us, expected);
    assert_eq!(merged.histograms.update_latency_us.len(), 60);
}
