//! Normalisation: removes from a history what differs from run to run, and keeps what a replayer
//! matches (event types and order, activity and timer ids, names, inputs, results, failures).
//!
//! Two runs of the same workflow code with the same inputs, on the same server or on two
//! servers, normalise to equal histories. Conformance tests and `wfkit history diff` rely on it.

use std::collections::BTreeSet;

use prost::Message;
use prost_reflect::{DynamicMessage, Kind, ReflectMessage, Value};
use temporalio_protos::temporal::api::history::v1::{History, HistoryEvent};

use crate::descriptors;

/// Field names (proto names) dropped wherever they appear, besides every timestamp.
pub const DEFAULT_DROPPED_FIELDS: &[&str] = &[
    // Per-run and per-process identities.
    "task_id",
    "identity",
    "request_id",
    "run_id",
    "original_execution_run_id",
    "first_execution_run_id",
    "continued_execution_run_id",
    "new_execution_run_id",
    "namespace_id",
    "parent_workflow_namespace_id",
    "principal",
    // Diagnostics that depend on the process, not on the workflow's logic.
    "stack_trace",
    "binary_checksum",
    "worker_version",
    "source_version_stamp",
    "deployment",
    "deployment_name",
    "versioning_info",
    "worker_deployment_version",
    "sdk_name",
    "sdk_version",
    "history_size_bytes",
    // Continue-as-new spaces runs a second apart; the backoff depends on how long a run took.
    "first_workflow_task_backoff",
    // Reset points and links carry run ids and times.
    "prev_auto_reset_points",
    "reset_points",
    "links",
];

/// Placeholder for the name of a sticky task queue, which is random per worker process.
pub const STICKY_QUEUE_PLACEHOLDER: &str = "<sticky>";

/// Removes run-to-run differences from histories. Build one with [`Normalizer::default`] and
/// adjust the set of dropped fields when a comparison needs more or less.
#[derive(Debug, Clone)]
#[must_use]
pub struct Normalizer {
    dropped_fields: BTreeSet<String>,
    drop_timestamps: bool,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer {
            dropped_fields: DEFAULT_DROPPED_FIELDS
                .iter()
                .map(|name| name.to_string())
                .collect(),
            drop_timestamps: true,
        }
    }
}

impl Normalizer {
    /// Also drops the field with this proto name, wherever it appears.
    pub fn drop_field(mut self, name: &str) -> Self {
        self.dropped_fields.insert(name.to_string());
        self
    }

    /// Keeps the field with this proto name after all.
    pub fn keep_field(mut self, name: &str) -> Self {
        self.dropped_fields.remove(name);
        self
    }

    /// A normalised copy of a history.
    pub fn history(&self, history: &History) -> History {
        History {
            events: history
                .events
                .iter()
                .map(|event| self.event(event))
                .collect(),
        }
    }

    /// A normalised copy of one event. The failover `version` of the event is dropped too.
    pub fn event(&self, event: &HistoryEvent) -> HistoryEvent {
        let desc = descriptors::history_event();
        let Ok(mut dynamic) = DynamicMessage::decode(desc, event.encode_to_vec().as_slice()) else {
            // The event came from the same protos, so it always re-decodes; keep it as it is if not.
            return event.clone();
        };
        if let Some(version) = dynamic.descriptor().get_field_by_name("version") {
            dynamic.clear_field(&version);
        }
        self.scrub(&mut dynamic);
        let mut normalized: HistoryEvent = dynamic.transcode_to().unwrap_or_else(|_| event.clone());
        scrub_local_activity_marker(&mut normalized);
        normalized
    }

    fn scrub(&self, message: &mut DynamicMessage) {
        let fields: Vec<_> = message.fields().map(|(field, _)| field).collect();
        for field in fields {
            let is_timestamp = matches!(field.kind(), Kind::Message(ref m) if m.full_name() == "google.protobuf.Timestamp");
            if self.dropped_fields.contains(field.name()) || (self.drop_timestamps && is_timestamp)
            {
                message.clear_field(&field);
                continue;
            }
            match message.get_field_mut(&field) {
                Value::Message(child) => self.scrub(child),
                Value::List(items) => {
                    for item in items {
                        if let Value::Message(child) = item {
                            self.scrub(child);
                        }
                    }
                }
                Value::Map(entries) => {
                    for entry in entries.values_mut() {
                        if let Value::Message(child) = entry {
                            self.scrub(child);
                        }
                    }
                }
                _ => {}
            }
        }
        match message.descriptor().full_name() {
            "temporal.api.taskqueue.v1.TaskQueue" => scrub_sticky_queue(message),
            "temporal.api.sdk.v1.WorkflowTaskCompletedMetadata" => sort_flags(message),
            _ => {}
        }
    }
}

/// A sticky queue's name is random per worker; its kind (and the normal queue behind it) is not.
fn scrub_sticky_queue(queue: &mut DynamicMessage) {
    const TASK_QUEUE_KIND_STICKY: i32 = 2;
    let is_sticky = queue
        .get_field_by_name("kind")
        .and_then(|kind| kind.as_enum_number())
        == Some(TASK_QUEUE_KIND_STICKY);
    if is_sticky {
        queue.set_field_by_name("name", Value::String(STICKY_QUEUE_PLACEHOLDER.to_string()));
    }
}

/// The marker sdk-core writes for a local activity: its JSON payload holds the times the
/// activity was scheduled and completed, which differ from run to run.
const LOCAL_ACTIVITY_MARKER: &str = "core_local_activity";
/// Keys of that payload that hold times.
const LOCAL_ACTIVITY_TIME_KEYS: &[&str] = &["complete_time", "original_schedule_time"];

fn scrub_local_activity_marker(event: &mut HistoryEvent) {
    use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
    let Some(Attributes::MarkerRecordedEventAttributes(marker)) = event.attributes.as_mut() else {
        return;
    };
    if marker.marker_name != LOCAL_ACTIVITY_MARKER {
        return;
    }
    let Some(payloads) = marker.details.get_mut("data") else {
        return;
    };
    for payload in &mut payloads.payloads {
        let Ok(serde_json::Value::Object(mut fields)) =
            serde_json::from_slice::<serde_json::Value>(&payload.data)
        else {
            continue;
        };
        for key in LOCAL_ACTIVITY_TIME_KEYS {
            fields.remove(*key);
        }
        if let Ok(bytes) = serde_json::to_vec(&serde_json::Value::Object(fields)) {
            payload.data = bytes;
        }
    }
}

/// SDKs record the flags they used from a hash set, so their order changes from run to run;
/// what a replayer checks is the set.
fn sort_flags(metadata: &mut DynamicMessage) {
    for name in ["core_used_flags", "lang_used_flags"] {
        if let Some(Value::List(flags)) = metadata.get_field_by_name_mut(name) {
            flags.sort_by_key(|flag| flag.as_u32().unwrap_or(u32::MAX));
        }
    }
}

/// Normalises with the default settings.
pub fn normalize(history: &History) -> History {
    Normalizer::default().history(history)
}
