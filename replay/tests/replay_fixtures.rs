//! The replayer with the official Rust SDK worker: every recorded fixture replays `ok` against
//! the code that produced it; changed histories are `nondeterministic` with the event named;
//! a broken file is `unreadable` and the others are still judged.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::Value;
use wfkit_replay::{Replayer, Verdict};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scenarios")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixture_replays_ok_against_its_code() -> Result<()> {
    let report = Replayer::new(wfkit_scenarios::worker_options)
        .histories(fixtures())
        .run()
        .await?;
    println!("{}", report.human());
    assert!(
        report.results.len() >= 15,
        "{} results",
        report.results.len()
    );
    report.assert_all_ok();
    Ok(())
}

fn edit(name: &str, change: impl FnOnce(&mut Value)) -> Result<Value> {
    let text = std::fs::read_to_string(fixtures().join(format!("{name}/v1/{name}.json")))?;
    let mut value: Value = serde_json::from_str(&text)?;
    change(&mut value);
    Ok(value)
}

fn event_index(value: &Value, event_type: &str, nth: usize) -> usize {
    value["events"]
        .as_array()
        .expect("events")
        .iter()
        .enumerate()
        .filter(|(_, e)| e["eventType"] == event_type)
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no {event_type} #{nth}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_histories_are_flagged_precisely() -> Result<()> {
    let dir = tempfile::tempdir()?;
    // A replayed task changed: the SDK itself detects it.
    let renamed = edit("saga", |v| {
        let i = event_index(v, "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED", 1);
        v["events"][i]["activityTaskScheduledEventAttributes"]["activityType"]["name"] =
            Value::from("book_boat");
    })?;
    std::fs::write(
        dir.path().join("a-renamed-activity.json"),
        renamed.to_string(),
    )?;
    // The last task changed: only wfkit's comparison of the last task's commands sees it.
    let mut cancel_event_id = 0;
    let last_task = edit("timers", |v| {
        let i = event_index(v, "EVENT_TYPE_TIMER_CANCELED", 0);
        cancel_event_id = v["events"][i]["eventId"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        v["events"][i]["timerCanceledEventAttributes"]["timerId"] = Value::from("999");
    })?;
    std::fs::write(dir.path().join("b-last-task.json"), last_task.to_string())?;
    // A truncated file.
    let hello = std::fs::read_to_string(fixtures().join("hello/v1/hello.json"))?;
    std::fs::write(
        dir.path().join("c-truncated.json"),
        &hello[..hello.len() / 2],
    )?;
    // And an unchanged one, judged after the broken ones.
    std::fs::write(dir.path().join("d-hello.json"), &hello)?;

    let report = Replayer::new(wfkit_scenarios::worker_options)
        .histories(dir.path())
        .run()
        .await?;
    println!("{}", report.human());
    let verdicts: Vec<&Verdict> = report.results.iter().map(|r| &r.verdict).collect();
    assert_eq!(verdicts.len(), 4);

    let Verdict::Nondeterministic { divergence, hint } = verdicts[0] else {
        panic!("{}", report.human())
    };
    assert!(
        divergence
            .sdk_message
            .as_deref()
            .unwrap_or("")
            .contains("TMPRL1100"),
        "{divergence:?}"
    );
    assert_eq!(hint.code, "activity-type-changed", "{hint:?}");
    assert_eq!(divergence.expected.as_deref(), Some("activity book_boat"));
    assert_eq!(divergence.actual.as_deref(), Some("activity book_hotel"));
    assert_eq!(
        divergence.event_type.as_deref(),
        Some("ActivityTaskScheduled")
    );
    assert!(divergence.event_id.is_some());

    let Verdict::Nondeterministic { divergence, hint } = verdicts[1] else {
        panic!("{}", report.human())
    };
    assert_eq!(divergence.event_id, Some(cancel_event_id), "{divergence:?}");
    assert_eq!(divergence.event_type.as_deref(), Some("TimerCanceled"));
    assert_eq!(divergence.expected.as_deref(), Some("cancel of timer 999"));
    assert!(
        divergence
            .actual
            .as_deref()
            .unwrap_or("")
            .starts_with("cancel of timer"),
        "{divergence:?}"
    );
    assert_eq!(hint.code, "command-changed");

    assert!(
        matches!(verdicts[2], Verdict::Unreadable { reason } if reason.contains("truncated")),
        "{:?}",
        verdicts[2]
    );
    assert!(verdicts[3].is_ok(), "{:?}", verdicts[3]);
    assert!(!report.is_ok());
    Ok(())
}
