//! Reading the parts of a history the checks look at.

use std::collections::BTreeMap;

use serde_json::Value;
use temporalio_protos::temporal::api::{
    common::v1::Payloads,
    enums::v1::EventType,
    history::v1::{
        History, HistoryEvent, MarkerRecordedEventAttributes,
        WorkflowExecutionStartedEventAttributes, history_event::Attributes,
    },
};

use crate::outcome::decode_payloads;

/// The attributes of the first event, when it is `WorkflowExecutionStarted`.
pub(super) fn started_attributes(
    history: &History,
) -> Option<&WorkflowExecutionStartedEventAttributes> {
    history.events.first().and_then(|e| match &e.attributes {
        Some(Attributes::WorkflowExecutionStartedEventAttributes(a)) => Some(a),
        _ => None,
    })
}

/// Payloads decoded as JSON; an undecodable payload becomes a string saying why, so a check
/// reports it as found instead of failing differently.
pub(super) fn decoded(payloads: Option<&Payloads>) -> Value {
    decode_payloads(payloads).unwrap_or_else(|e| Value::String(e.to_string()))
}

pub(super) fn event_type_name(event: &HistoryEvent) -> String {
    EventType::try_from(event.event_type)
        .map(|t| t.as_str_name().to_owned())
        .unwrap_or_else(|_| format!("event type {}", event.event_type))
}

/// `(marker name, event attributes)` of every `MarkerRecorded` event, in order.
pub(super) fn markers(
    history: &History,
) -> impl Iterator<Item = (&str, &MarkerRecordedEventAttributes)> {
    history.events.iter().filter_map(|e| match &e.attributes {
        Some(Attributes::MarkerRecordedEventAttributes(a)) => Some((a.marker_name.as_str(), a)),
        _ => None,
    })
}

/// The detail `key` of every marker named `name`, decoded as JSON (`null` when absent).
pub(super) fn marker_data<'a>(
    history: &'a History,
    name: &'a str,
    key: &'a str,
) -> impl Iterator<Item = Value> + 'a {
    markers(history)
        .filter(move |(marker, _)| *marker == name)
        .map(move |(_, a)| a.details.get(key).map_or(Value::Null, |p| decoded(Some(p))))
}

/// `value[field]` as a string (empty when missing or not a string).
pub(super) fn string_field(value: &Value, field: &str) -> String {
    value
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Scheduled event id → activity type, in event order.
pub(super) fn scheduled_activity_types(history: &History) -> BTreeMap<i64, String> {
    history
        .events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => Some((
                e.event_id,
                a.activity_type
                    .as_ref()
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}
