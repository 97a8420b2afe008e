//! Size and shape of a history, with the advice Temporal's own limits call for.

use std::collections::BTreeMap;
use std::fmt;

use prost::Message;
use prost_reflect::{DynamicMessage, ReflectMessage, Value};
use temporalio_protos::temporal::api::enums::v1::EventType;
use temporalio_protos::temporal::api::history::v1::{History, history_event::Attributes};

use crate::descriptors;
use crate::event::{event_type, type_name};

/// The server warns past this many events (`limit.historyCount.warn` default).
pub const HISTORY_COUNT_WARN: usize = 10_240;
/// The server terminates a workflow past this many events (`limit.historyCount.error`).
pub const HISTORY_COUNT_ERROR: usize = 51_200;
/// The server warns past this many bytes (`limit.historySize.warn`, 10 MiB).
pub const HISTORY_SIZE_WARN_BYTES: usize = 10 * 1024 * 1024;
/// The server terminates a workflow past this many bytes (`limit.historySize.error`, 50 MiB).
pub const HISTORY_SIZE_ERROR_BYTES: usize = 50 * 1024 * 1024;
/// The server warns about a single payload past this size (`limit.blobSize.warn`, 512 KiB).
pub const BLOB_SIZE_WARN_BYTES: usize = 512 * 1024;
/// How many of the largest payloads are listed.
const LARGEST_PAYLOADS: usize = 5;

/// One payload and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadSize {
    /// The event holding it.
    pub event_id: i64,
    /// Dotted path of the payload inside the event (proto field names).
    pub path: String,
    /// Size of its data plus metadata, in bytes.
    pub bytes: usize,
}

/// What `wfkit history stats` reports for one history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryStats {
    /// Number of events.
    pub events: usize,
    /// Size of the history as binary protobuf (what the server counts), in bytes.
    pub encoded_bytes: usize,
    /// Events per type name, in name order.
    pub by_type: BTreeMap<String, usize>,
    /// The largest payloads, largest first.
    pub largest_payloads: Vec<PayloadSize>,
    /// Number of workflow tasks (WorkflowTaskStarted events).
    pub workflow_tasks: usize,
    /// Event id of the first WorkflowTaskStarted on which the server suggested continue-as-new.
    pub suggested_continue_as_new_at: Option<i64>,
    /// Advice, one sentence each; empty when the history is comfortably small.
    pub advice: Vec<String>,
}

/// Options for [`stats`].
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct StatsOptions {
    /// Advise continue-as-new past this many events.
    pub continue_as_new_events: usize,
    /// Advise continue-as-new past this many bytes.
    pub continue_as_new_bytes: usize,
}

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            continue_as_new_events: HISTORY_COUNT_WARN,
            continue_as_new_bytes: HISTORY_SIZE_WARN_BYTES,
        }
    }
}

/// Computes the statistics of one history.
pub fn stats(history: &History, options: StatsOptions) -> HistoryStats {
    let mut result = HistoryStats {
        events: history.events.len(),
        ..HistoryStats::default()
    };
    let desc = descriptors::history_event();
    let mut payloads = Vec::new();
    for event in &history.events {
        let bytes = event.encode_to_vec();
        // Each event is a length-delimited field 1 of History: key, length, body.
        result.encoded_bytes += 1 + prost::length_delimiter_len(bytes.len()) + bytes.len();
        let kind = event_type(event);
        *result.by_type.entry(type_name(kind)).or_default() += 1;
        if kind == EventType::WorkflowTaskStarted {
            result.workflow_tasks += 1;
            if let Some(Attributes::WorkflowTaskStartedEventAttributes(started)) = &event.attributes
                && started.suggest_continue_as_new
                && result.suggested_continue_as_new_at.is_none()
            {
                result.suggested_continue_as_new_at = Some(event.event_id);
            }
        }
        if let Ok(dynamic) = DynamicMessage::decode(desc.clone(), bytes.as_slice()) {
            collect_payloads(&dynamic, event.event_id, "", &mut payloads);
        }
    }
    payloads.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.event_id.cmp(&b.event_id)));
    payloads.truncate(LARGEST_PAYLOADS);
    result.largest_payloads = payloads;
    result.advice = advice(&result, options);
    result
}

fn collect_payloads(
    message: &DynamicMessage,
    event_id: i64,
    path: &str,
    out: &mut Vec<PayloadSize>,
) {
    if message.descriptor().full_name() == "temporal.api.common.v1.Payload" {
        out.push(PayloadSize {
            event_id,
            path: path.to_string(),
            bytes: message.encoded_len(),
        });
        return;
    }
    for (field, value) in message.fields() {
        let child_path = if path.is_empty() {
            field.name().to_string()
        } else {
            format!("{path}.{}", field.name())
        };
        match value {
            Value::Message(child) => collect_payloads(child, event_id, &child_path, out),
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    if let Value::Message(child) = item {
                        collect_payloads(child, event_id, &format!("{child_path}[{index}]"), out);
                    }
                }
            }
            Value::Map(entries) => {
                let mut keys: Vec<_> = entries.iter().collect();
                keys.sort_by_key(|(key, _)| format!("{key:?}"));
                for (key, item) in keys {
                    if let Value::Message(child) = item {
                        let key = match key {
                            prost_reflect::MapKey::String(text) => text.clone(),
                            other => format!("{other:?}"),
                        };
                        collect_payloads(child, event_id, &format!("{child_path}[{key}]"), out);
                    }
                }
            }
            _ => {}
        }
    }
}

fn advice(stats: &HistoryStats, options: StatsOptions) -> Vec<String> {
    let mut advice = Vec::new();
    if stats.events >= HISTORY_COUNT_ERROR || stats.encoded_bytes >= HISTORY_SIZE_ERROR_BYTES {
        advice.push(format!(
            "past the server's hard limit ({HISTORY_COUNT_ERROR} events or {} MiB): the server terminates such workflows; continue-as-new well before this",
            HISTORY_SIZE_ERROR_BYTES / (1024 * 1024)
        ));
    } else if stats.events >= options.continue_as_new_events
        || stats.encoded_bytes >= options.continue_as_new_bytes
    {
        advice.push(format!(
            "{} events and {} bytes are past the continue-as-new threshold ({} events or {} bytes): call continue-as-new to start a fresh history",
            stats.events, stats.encoded_bytes, options.continue_as_new_events, options.continue_as_new_bytes
        ));
    }
    if let Some(event_id) = stats.suggested_continue_as_new_at {
        advice.push(format!(
            "the server suggested continue-as-new at event {event_id} (suggestContinueAsNew)"
        ));
    }
    for payload in &stats.largest_payloads {
        if payload.bytes >= BLOB_SIZE_WARN_BYTES {
            advice.push(format!(
                "event {} holds a {} byte payload at {}: past the server's 512 KiB warning; store large data outside the history",
                payload.event_id, payload.bytes, payload.path
            ));
        }
    }
    advice
}

impl fmt::Display for HistoryStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "events: {}", self.events)?;
        writeln!(f, "bytes (protobuf): {}", self.encoded_bytes)?;
        writeln!(f, "workflow tasks: {}", self.workflow_tasks)?;
        writeln!(f, "events by type:")?;
        for (name, count) in &self.by_type {
            writeln!(f, "  {count:>7}  {name}")?;
        }
        if !self.largest_payloads.is_empty() {
            writeln!(f, "largest payloads:")?;
            for payload in &self.largest_payloads {
                writeln!(
                    f,
                    "  {:>9} bytes  event {}  {}",
                    payload.bytes, payload.event_id, payload.path
                )?;
            }
        }
        if self.advice.is_empty() {
            write!(f, "advice: none (well within Temporal's limits)")
        } else {
            write!(f, "advice:")?;
            for line in &self.advice {
                write!(f, "\n  - {line}")?;
            }
            Ok(())
        }
    }
}
