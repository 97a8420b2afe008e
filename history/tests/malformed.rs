//! Malformed input gives an error that names the file, the event and the field; never a panic.

use wfkit_history::{HistoryError, codes, load_bytes, to_json_string, validate};

const GOOD: &str = include_str!("../../fixtures/public/samples-go/helloworld__helloworld.json");

fn good_value() -> serde_json::Value {
    serde_json::from_str(GOOD).expect("the sample is JSON")
}

fn load_value(value: &serde_json::Value) -> Result<wfkit_history::Loaded, HistoryError> {
    load_bytes("case.json", value.to_string().as_bytes())
}

#[test]
fn truncated_file_names_file_and_position() {
    let cut = &GOOD[..GOOD.len() / 2];
    let error =
        load_bytes("truncated.json", cut.as_bytes()).expect_err("a truncated file does not load");
    let text = error.to_string();
    assert_eq!(error.code(), "WFH002", "{text}");
    assert!(text.contains("truncated.json:"), "{text}");
    assert!(text.contains("truncated"), "{text}");
    let location = error.location().expect("has a location");
    assert!(location.line_column.is_some(), "{text}");
}

#[test]
fn wrong_type_names_event_and_field() {
    let mut value = good_value();
    value["events"][4]["activityTaskScheduledEventAttributes"]["activityType"]["name"] =
        serde_json::json!(42);
    let error = load_value(&value).expect_err("a number where a string belongs");
    let text = error.to_string();
    assert_eq!(error.code(), "WFH003", "{text}");
    let location = error.location().expect("has a location");
    assert_eq!(location.event_id, Some(5), "{text}");
    assert_eq!(
        location.field.as_deref(),
        Some("activityTaskScheduledEventAttributes.activityType.name"),
        "{text}"
    );
    assert!(
        text.contains(
            "case.json: event 5: field `activityTaskScheduledEventAttributes.activityType.name`"
        ),
        "{text}"
    );
    assert!(
        text.contains("expected a string, found the number 42"),
        "{text}"
    );
}

#[test]
fn bad_integer_and_duration_and_bytes_are_named() {
    let cases = [
        (
            "/events/2/workflowTaskStartedEventAttributes/scheduledEventId",
            serde_json::json!("two"),
            "workflowTaskStartedEventAttributes.scheduledEventId",
        ),
        (
            "/events/0/workflowExecutionStartedEventAttributes/workflowRunTimeout",
            serde_json::json!(60),
            "workflowExecutionStartedEventAttributes.workflowRunTimeout",
        ),
        (
            "/events/0/workflowExecutionStartedEventAttributes/input/payloads/0/data",
            serde_json::json!("not base64!"),
            "workflowExecutionStartedEventAttributes.input.payloads[0].data",
        ),
    ];
    for (pointer, replacement, field) in cases {
        let mut value = good_value();
        *value
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer} exists")) = replacement;
        let error = load_value(&value).expect_err(pointer);
        let location = error.location().expect("has a location");
        assert_eq!(location.field.as_deref(), Some(field), "{error}");
        assert!(location.event_id.is_some(), "{error}");
    }
}

#[test]
fn missing_required_fields_are_named() {
    let mut value = good_value();
    value["events"][3]
        .as_object_mut()
        .expect("object")
        .remove("eventType");
    let error = load_value(&value).expect_err("an event without a type");
    assert_eq!(
        error.location().and_then(|l| l.field.as_deref()),
        Some("eventType"),
        "{error}"
    );
    assert_eq!(
        error.location().and_then(|l| l.event_id),
        Some(4),
        "{error}"
    );

    let error =
        load_bytes("no-events.json", br#"{"history": 1, "other": []}"#).expect_err("no events");
    assert!(error.to_string().contains("no-events.json"), "{error}");

    let error = load_bytes("empty.json", b"   ").expect_err("empty");
    assert_eq!(error.code(), "WFH005");
    let error = load_bytes("array.json", b"[]").expect_err("empty array");
    assert_eq!(error.code(), "WFH005");
}

#[test]
fn event_id_gap_is_a_violation_naming_the_event() {
    let mut value = good_value();
    value["events"][5]["eventId"] = serde_json::json!("7");
    let loaded = load_value(&value).expect("loads: the gap is a validation matter");
    let report = validate(&loaded.histories[0]);
    let first = report.violations.first().expect("a violation");
    assert_eq!(first.code, codes::V_EVENT_ID_GAP);
    assert_eq!(first.event_id, 7);
    assert_eq!(first.field, Some("eventId"));
    assert!(
        report.to_string().contains("expected event id 6"),
        "{report}"
    );
}

#[test]
fn dangling_reference_is_a_violation_naming_the_field() {
    let mut value = good_value();
    // ActivityTaskCompleted (event 7) now points at a timer that does not exist.
    value["events"][6]["activityTaskCompletedEventAttributes"]["scheduledEventId"] =
        serde_json::json!("3");
    let loaded = load_value(&value).expect("loads");
    let report = validate(&loaded.histories[0]);
    let first = report.violations.first().expect("a violation");
    assert_eq!(first.code, codes::V_DANGLING_REFERENCE);
    assert_eq!(first.event_id, 7);
    assert_eq!(first.field, Some("scheduledEventId"));
    assert!(first.message.contains("WorkflowTaskStarted"), "{report}");
}

#[test]
fn unknown_fields_and_event_types_are_tolerated_and_reported() {
    let mut value = good_value();
    value["events"][1]["someFutureField"] = serde_json::json!({"x": 1});
    value["events"][1]["workflowTaskScheduledEventAttributes"]["futureFlag"] =
        serde_json::json!(true);
    value["events"][2]["eventType"] = serde_json::json!("EVENT_TYPE_FROM_THE_FUTURE");
    let loaded = load_value(&value).expect("tolerated");
    let codes: Vec<&str> = loaded.warnings.iter().map(|w| w.code).collect();
    assert_eq!(
        codes,
        ["WFH101", "WFH101", "WFH102"],
        "{:?}",
        loaded.warnings
    );
    let fields: Vec<_> = loaded
        .warnings
        .iter()
        .map(|w| (w.location.event_id, w.location.field.as_deref()))
        .collect();
    assert!(
        fields.contains(&(Some(2), Some("someFutureField"))),
        "{fields:?}"
    );
    assert!(
        fields.contains(&(
            Some(2),
            Some("workflowTaskScheduledEventAttributes.futureFlag")
        )),
        "{fields:?}"
    );
    assert!(fields.contains(&(Some(3), Some("eventType"))), "{fields:?}");
    // The rest of the history is intact.
    assert_eq!(loaded.histories[0].events.len(), 11);
    let text = to_json_string(&loaded.histories[0]).expect("writes");
    assert!(!text.contains("futureFlag"));
}

#[test]
fn binary_garbage_and_truncated_protobuf() {
    let error = load_bytes("garbage.bin", &[0xff, 0x00, 0x13]).expect_err("garbage");
    assert!(error.to_string().contains("garbage.bin"), "{error}");

    let loaded = load_bytes("good.json", GOOD.as_bytes()).expect("loads");
    let mut bytes = Vec::new();
    wfkit_history::write_histories(&loaded.histories, wfkit_history::Format::Proto, &mut bytes)
        .expect("writes");
    let cut = &bytes[..bytes.len() - 7];
    let error = load_bytes("cut.pb", cut).expect_err("truncated protobuf");
    assert_eq!(error.code(), "WFH004", "{error}");
    let location = error.location().expect("has a location");
    assert_eq!(location.event_index, Some(10), "{error}");
    assert!(location.byte_offset.is_some(), "{error}");
}
