//! The optional `history_latency` section of a report (schedule-to-start latencies read from
//! sampled histories): it round-trips, reports without it still read (schema version 1 is
//! unchanged), merging adds its histograms exactly, and the summary shows it.

use std::sync::Arc;
use std::time::Duration;

use wfkit_loadgen::measure::{HistoryLatencies, record_duration};
use wfkit_loadgen::report::{Report, markdown, merge_reports};
use wfkit_loadgen::{
    ArrivalModel, LoadModel, RunOptions, SimulatedTarget, StopCondition, run_load,
};

async fn plain_report(name: &str) -> Report {
    let result = run_load(
        Arc::new(SimulatedTarget::new(
            Duration::from_millis(2),
            Duration::from_millis(10),
        )),
        LoadModel::Open(ArrivalModel::Constant { rate_per_s: 50.0 }),
        StopCondition::duration(Duration::from_secs(1)),
        RunOptions::default(),
    )
    .await
    .expect("runs");
    Report::from_result(name, &result).expect("reports")
}

fn latencies(workflow_task_ms: &[u64], activity_ms: &[u64]) -> HistoryLatencies {
    let mut latencies = HistoryLatencies {
        sampled: 10,
        read: 9,
        ..HistoryLatencies::default()
    };
    for ms in workflow_task_ms {
        record_duration(
            &mut latencies.workflow_task_schedule_to_start_us,
            Duration::from_millis(*ms),
        );
    }
    for ms in activity_ms {
        record_duration(
            &mut latencies.activity_schedule_to_start_us,
            Duration::from_millis(*ms),
        );
    }
    latencies
}

#[tokio::test(start_paused = true)]
async fn the_section_round_trips_and_old_reports_still_read() {
    let plain = plain_report("plain").await;
    let json = plain.to_json().expect("serialises");
    assert!(
        !json.contains("history_latency"),
        "absent when not measured"
    );
    assert_eq!(Report::from_json(&json, "plain").expect("reads"), plain);

    let with = plain
        .clone()
        .with_history_latency(&latencies(&[5, 7], &[3]))
        .expect("encodes");
    let json = with.to_json().expect("serialises");
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["history_latency"]["read"], 9);
    assert_eq!(
        value["history_latency"]["workflow_task_schedule_to_start_us"]["count"],
        2
    );
    let back = Report::from_json(&json, "with").expect("reads");
    assert_eq!(back, with);
    let section = back.history_latency.expect("kept");
    assert_eq!(
        section.to_latencies().expect("decodes"),
        latencies(&[5, 7], &[3])
    );

    let summary = markdown(&with, None, None);
    assert!(
        summary.contains("from 9 of 10 sampled histories"),
        "{summary}"
    );
    assert!(
        summary.contains("| workflow task schedule-to-start | 2 |"),
        "{summary}"
    );
}

#[tokio::test(start_paused = true)]
async fn merging_adds_the_sections_exactly() {
    let first = plain_report("a")
        .await
        .with_history_latency(&latencies(&[5], &[1, 2]))
        .expect("encodes");
    let second = plain_report("b")
        .await
        .with_history_latency(&latencies(&[50, 60], &[]))
        .expect("encodes");
    let without = plain_report("c").await;
    let merged = merge_reports("merged", &[first, second, without]).expect("merges");
    let section = merged.history_latency.expect("merged section");
    assert_eq!(section.sampled, 20);
    assert_eq!(section.read, 18);
    assert_eq!(section.workflow_task_schedule_to_start_us.count, 3);
    assert_eq!(section.activity_schedule_to_start_us.count, 2);
    assert_eq!(
        section.workflow_task_schedule_to_start_us.max_us / 1_000,
        60
    );

    let none =
        merge_reports("none", &[plain_report("x").await, plain_report("y").await]).expect("merges");
    assert_eq!(none.history_latency, None);
}
