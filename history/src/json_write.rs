//! Writes histories as canonical proto3 JSON (what `temporal workflow show -o json` writes) or
//! in the legacy style with PascalCase enum values.

use std::io::Write;

use prost::Message;
use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, ReflectMessage, SerializeOptions};
use serde_json::Value;
use temporalio_protos::temporal::api::history::v1::{History, HistoryEvent};

use crate::descriptors;
use crate::error::HistoryError;
use crate::json_fixup::legacy_enum_name;

/// How to spell enum values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumStyle {
    /// `"EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"`: canonical proto3 JSON.
    Canonical,
    /// `"WorkflowExecutionStarted"`: what older tools (tctl, early SDK test files) wrote.
    Legacy,
}

/// One event as a canonical proto3 JSON tree.
pub fn event_to_json(event: &HistoryEvent, style: EnumStyle) -> Result<Value, HistoryError> {
    let desc = descriptors::history_event();
    let dynamic =
        DynamicMessage::decode(desc.clone(), event.encode_to_vec().as_slice()).map_err(|err| {
            HistoryError::Write {
                message: format!("event {} does not re-decode: {err}", event.event_id),
            }
        })?;
    let options = SerializeOptions::new()
        .skip_default_fields(true)
        .stringify_64_bit_integers(true);
    let mut value = dynamic
        .serialize_with_options(serde_json::value::Serializer, &options)
        .map_err(|err| HistoryError::Write {
            message: format!("event {}: {err}", event.event_id),
        })?;
    // A type the protos did not know was read as 0, which proto3 JSON leaves out; written
    // explicitly so that the output still says every event has a type.
    if event.event_type == 0
        && let Value::Object(map) = &mut value
    {
        map.insert(
            "eventType".to_string(),
            Value::String("EVENT_TYPE_UNSPECIFIED".to_string()),
        );
    }
    if style == EnumStyle::Legacy {
        legacy_enums(&dynamic.descriptor(), &mut value);
    }
    Ok(value)
}

/// Rewrites canonical enum names into legacy ones, guided by the descriptors.
fn legacy_enums(desc: &MessageDescriptor, value: &mut Value) {
    let Value::Object(map) = value else { return };
    for (key, child) in map.iter_mut() {
        let Some(field) = desc.get_field_by_json_name(key) else {
            continue;
        };
        let kind = if field.is_map() {
            match field.kind() {
                Kind::Message(entry) => {
                    if let (Kind::Message(inner), Value::Object(entries)) =
                        (entry.map_entry_value_field().kind(), child)
                    {
                        for entry_value in entries.values_mut() {
                            legacy_enums(&inner, entry_value);
                        }
                    }
                    continue;
                }
                _ => continue,
            }
        } else {
            field.kind()
        };
        let items: Vec<&mut Value> = match child {
            Value::Array(items) => items.iter_mut().collect(),
            other => vec![other],
        };
        for item in items {
            match &kind {
                Kind::Enum(enum_desc) => {
                    if let Value::String(name) = item {
                        *name = legacy_enum_name(enum_desc.name(), name);
                    }
                }
                Kind::Message(inner) if !inner.full_name().starts_with("google.protobuf.") => {
                    legacy_enums(inner, item);
                }
                _ => {}
            }
        }
    }
}

/// Writes one history as a JSON document `{"events": [...]}`, one event at a time.
pub fn write_json<W: Write>(
    history: &History,
    style: EnumStyle,
    out: &mut W,
) -> Result<(), HistoryError> {
    write_json_indented(history, style, out, "")
}

/// Writes several histories as a JSON array of history documents.
pub fn write_json_array<W: Write>(
    histories: &[History],
    style: EnumStyle,
    out: &mut W,
) -> Result<(), HistoryError> {
    let io = |err: std::io::Error| HistoryError::Write {
        message: err.to_string(),
    };
    out.write_all(b"[\n").map_err(io)?;
    for (index, history) in histories.iter().enumerate() {
        out.write_all(b"  ").map_err(io)?;
        write_json_indented(history, style, out, "  ")?;
        if index + 1 < histories.len() {
            out.write_all(b",").map_err(io)?;
        }
        out.write_all(b"\n").map_err(io)?;
    }
    out.write_all(b"]\n").map_err(io)?;
    Ok(())
}

fn write_json_indented<W: Write>(
    history: &History,
    style: EnumStyle,
    out: &mut W,
    indent: &str,
) -> Result<(), HistoryError> {
    let io = |err: std::io::Error| HistoryError::Write {
        message: err.to_string(),
    };
    write!(out, "{{\n{indent}  \"events\": [").map_err(io)?;
    let event_indent = format!("{indent}    ");
    for (index, event) in history.events.iter().enumerate() {
        let value = event_to_json(event, style)?;
        let text = serde_json::to_string_pretty(&value).map_err(|err| HistoryError::Write {
            message: err.to_string(),
        })?;
        out.write_all(if index == 0 { b"\n" } else { b",\n" })
            .map_err(io)?;
        for (line_index, line) in text.lines().enumerate() {
            if line_index > 0 {
                out.write_all(b"\n").map_err(io)?;
            }
            out.write_all(event_indent.as_bytes()).map_err(io)?;
            out.write_all(line.as_bytes()).map_err(io)?;
        }
    }
    if !history.events.is_empty() {
        write!(out, "\n{indent}  ").map_err(io)?;
    }
    write!(out, "]\n{indent}}}").map_err(io)?;
    if indent.is_empty() {
        out.write_all(b"\n").map_err(io)?;
    }
    out.flush().map_err(io)
}
