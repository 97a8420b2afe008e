//! Normalisation removes what differs from run to run and keeps what a replayer matches.

use serde_json::{Value, json};
use wfkit_history::{diff, load_bytes, normalize};

const HELLO: &str = include_str!("../../fixtures/scenarios/hello/v1/hello.json");

fn load(value: &Value) -> wfkit_history::History {
    load_bytes("case.json", value.to_string().as_bytes())
        .expect("loads")
        .histories
        .remove(0)
}

/// Another run of the same workflow: other times, task ids, run ids, identities, request ids,
/// sticky queue name, history sizes and flag order.
fn rerun(mut value: Value) -> Value {
    for (index, event) in value["events"]
        .as_array_mut()
        .expect("events")
        .iter_mut()
        .enumerate()
    {
        event["eventTime"] = json!(format!("2030-01-01T00:00:{:02}.5Z", index));
        event["taskId"] = json!((9_000_000 + index).to_string());
        let object = event.as_object_mut().expect("event object");
        let attributes = object
            .iter_mut()
            .find(|(k, _)| k.ends_with("Attributes"))
            .expect("attributes")
            .1;
        for key in [
            "identity",
            "requestId",
            "originalExecutionRunId",
            "firstExecutionRunId",
        ] {
            if attributes.get(key).is_some() {
                attributes[key] = json!("other-run");
            }
        }
        if attributes.get("historySizeBytes").is_some() {
            attributes["historySizeBytes"] = json!("12345");
        }
        if let Some(queue) = attributes.get_mut("taskQueue")
            && queue["kind"] == json!("TASK_QUEUE_KIND_STICKY")
        {
            queue["name"] = json!("another-worker-sticky-queue");
        }
        if let Some(flags) = attributes.pointer_mut("/sdkMetadata/coreUsedFlags") {
            flags.as_array_mut().expect("flags").reverse();
        }
        if attributes.get("workflowExecutionExpirationTime").is_some() {
            attributes["workflowExecutionExpirationTime"] = json!("2030-01-01T00:01:00Z");
        }
    }
    value
}

#[test]
fn two_runs_normalise_equal() {
    let original: Value = serde_json::from_str(HELLO).expect("JSON");
    let a = load(&original);
    let b = load(&rerun(original));
    assert_ne!(a, b, "the runs differ before normalisation");
    let result = diff(&normalize(&a), &normalize(&b));
    assert!(result.is_equal(), "{result}");
}

#[test]
fn what_a_replayer_matches_is_kept() {
    let original: Value = serde_json::from_str(HELLO).expect("JSON");
    let mut changed = rerun(original.clone());
    changed["events"][4]["activityTaskScheduledEventAttributes"]["activityType"]["name"] =
        json!("other_activity");
    let result = diff(&normalize(&load(&original)), &normalize(&load(&changed)));
    let first = result.first.as_ref().expect("a divergence");
    assert_eq!(first.index, 4);
    assert_eq!(first.fields.len(), 1, "{result}");
    assert_eq!(
        first.fields[0].path,
        "activityTaskScheduledEventAttributes.activityType.name"
    );
    assert_eq!(result.differing_events, 1);
}
