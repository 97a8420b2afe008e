//! Issue #4's acceptance example in Rust: `VersionedBooking` histories recorded with v1 on the
//! real server (`fixtures/versioned_booking/v1/`, by `record-versions`), replayed against every
//! version of the code (`wfkit_scenarios::versions`):
//!
//! - v1, the code that recorded them: ok;
//! - v3, the new `check_fraud` step behind `patched("add-fraud-check")`: ok;
//! - v2, the same step without a patch: nondeterministic at the recorded `charge`
//!   `ActivityTaskScheduled` (where v2 schedules `check_fraud` under the same activity id), for
//!   every history that got past the timer. The history still waiting on the timer is ok: the
//!   change lies after the point it reached, and the run would go on as v2;
//! - `panics`, which panics after `reserve`: failed, never ok.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;
use wfkit_replay::{ReplayReport, ReplayResult, Replayer, Verdict};
use wfkit_scenarios::versions;

/// Completed histories: every version's verdict on them follows from the code.
const COMPLETED: [&str; 2] = ["completed-1.json", "completed-2.json"];
/// Recorded while the workflow waited on its timer.
const WAITING: &str = "waiting-on-timer.json";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/versioned_booking")
}

async fn replay(version: &'static str) -> Result<ReplayReport> {
    let report = Replayer::new(move |queue: &str| versions::worker_options(version, queue))
        .histories(fixtures())
        .run()
        .await?;
    println!("--- {version}\n{}", report.human());
    assert_eq!(
        report.results.len(),
        COMPLETED.len() + 1,
        "{}",
        report.human()
    );
    for result in &report.results {
        assert_eq!(
            result.workflow_type, "VersionedBooking",
            "{}",
            result.source
        );
        assert_eq!(
            result.group.as_deref(),
            Some("versioned_booking/v1"),
            "{}",
            result.source
        );
    }
    Ok(report)
}

/// The result for the fixture file `name`.
fn result<'r>(report: &'r ReplayReport, name: &str) -> &'r ReplayResult {
    report
        .results
        .iter()
        .find(|r| r.source.ends_with(&format!("/{name}")))
        .unwrap_or_else(|| panic!("no result for {name}:\n{}", report.human()))
}

/// The id of the `ActivityTaskScheduled` event of `activity_type` in fixture `name`, read from
/// the file rather than assumed.
fn scheduled_event_id(name: &str, activity_type: &str) -> Result<i64> {
    let path = fixtures().join("v1").join(name);
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    value["events"]
        .as_array()
        .context("events")?
        .iter()
        .find(|e| {
            e["activityTaskScheduledEventAttributes"]["activityType"]["name"] == activity_type
        })
        .and_then(|e| e["eventId"].as_str()?.parse().ok())
        .with_context(|| format!("{}: no {activity_type} scheduled", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_replays_the_histories_it_recorded() -> Result<()> {
    let report = replay("v1").await?;
    for result in &report.results {
        assert_eq!(
            result.verdict,
            Verdict::Ok { notes: Vec::new() },
            "{}",
            result.source
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_patched_change_replays_the_v1_histories() -> Result<()> {
    let report = replay("v3").await?;
    for result in &report.results {
        // Plain ok: patched() answers false on replay, so no task even differs when run fresh.
        assert_eq!(
            result.verdict,
            Verdict::Ok { notes: Vec::new() },
            "{}",
            result.source
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_unpatched_change_is_nondeterministic_at_the_recorded_charge() -> Result<()> {
    let report = replay("v2").await?;
    assert!(!report.is_ok());
    for name in COMPLETED {
        let charge = scheduled_event_id(name, "charge")?;
        // The recording: ... TimerFired 12, WorkflowTask 13-15, ActivityTaskScheduled 16.
        assert_eq!(charge, 16, "{name}");
        let Verdict::Nondeterministic { divergence, hint } = &result(&report, name).verdict else {
            panic!("{name}:\n{}", report.human())
        };
        assert_eq!(divergence.event_id, Some(charge), "{name}: {divergence:?}");
        assert_eq!(
            divergence.event_type.as_deref(),
            Some("ActivityTaskScheduled"),
            "{name}"
        );
        assert_eq!(divergence.expected.as_deref(), Some("activity charge"));
        assert_eq!(divergence.actual.as_deref(), Some("activity check_fraud"));
        // The SDK itself detected it while replaying the third workflow task.
        let sdk_message = divergence.sdk_message.as_deref().unwrap_or("");
        assert!(sdk_message.contains("[TMPRL1100]"), "{name}: {sdk_message}");
        assert!(
            sdk_message.contains("'charge'") && sdk_message.contains("'check_fraud'"),
            "{name}: {sdk_message}"
        );
        assert_eq!(hint.code, "activity-type-changed", "{name}: {hint:?}");
    }
    // Still waiting on the timer: v2 schedules the same reserve and timer, and its change
    // comes after the timer fires. Replay (and the real run, once the timer fires) is fine.
    assert_eq!(
        result(&report, WAITING).verdict,
        Verdict::Ok { notes: Vec::new() }
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panics_version_fails_every_history() -> Result<()> {
    let report = replay("panics").await?;
    for result in &report.results {
        let Verdict::Failed {
            message,
            cause,
            hint,
        } = &result.verdict
        else {
            panic!("{}:\n{}", result.source, report.human())
        };
        assert!(
            message.contains("panicked")
                && message.contains(versions::booking_panics::PANIC_MESSAGE),
            "{}: {message}",
            result.source
        );
        assert_eq!(
            cause, "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE",
            "{}",
            result.source
        );
        assert_eq!(hint.code, "panic", "{}", result.source);
    }
    Ok(())
}
