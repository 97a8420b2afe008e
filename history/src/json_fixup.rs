//! Brings one event's JSON into the exact form of the proto3 JSON mapping before decoding.
//!
//! Histories in the wild differ from canonical proto3 JSON in known ways: older tools wrote
//! enum values in PascalCase without their prefix (`"WorkflowExecutionStarted"`,
//! `"kind": "Normal"`), newer servers write fields and enum values that the compiled protos do not
//! know yet, and some writers put `null` where they mean "absent". This walk, guided by the
//! descriptors, rewrites the first, drops and reports the second, and removes the third. It
//! also checks the JSON type of every scalar, so that a wrong type is reported with the dotted
//! path of the field rather than as a bare decoder message.

use prost_reflect::{EnumDescriptor, FieldDescriptor, Kind, MessageDescriptor};
use serde_json::Value;

use crate::error::{WARN_UNKNOWN_ENUM, WARN_UNKNOWN_FIELD};

/// What the walk found that is tolerated.
#[derive(Debug, Default)]
pub(crate) struct FixupReport {
    /// `(code, dotted field path, message)` for each tolerated oddity.
    pub(crate) warnings: Vec<(&'static str, String, String)>,
    /// True once a legacy (PascalCase) enum value was rewritten.
    pub(crate) legacy_enums: bool,
}

/// A field whose value cannot be read.
#[derive(Debug)]
pub(crate) struct FieldProblem {
    pub(crate) path: String,
    pub(crate) message: String,
}

/// Rewrites `value` (one message) in place; see the module documentation.
pub(crate) fn fix_message(
    desc: &MessageDescriptor,
    value: &mut Value,
    path: &str,
    report: &mut FixupReport,
) -> Result<(), FieldProblem> {
    if is_opaque_well_known(desc.full_name()) {
        return Ok(());
    }
    if let Some(kind) = string_well_known(desc.full_name()) {
        return match value {
            Value::String(_) => Ok(()),
            other => Err(problem(
                path,
                format!("expected {kind} as a string, found {}", describe(other)),
            )),
        };
    }
    let Value::Object(map) = value else {
        return Err(problem(
            path,
            format!(
                "expected an object ({}), found {}",
                desc.name(),
                json_type(value)
            ),
        ));
    };
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        let child_path = join(path, &key);
        let field = desc
            .get_field_by_json_name(&key)
            .or_else(|| desc.get_field_by_name(&key));
        let Some(field) = field else {
            map.remove(&key);
            report.warnings.push((
                WARN_UNKNOWN_FIELD,
                child_path,
                format!(
                    "field not in the Temporal API protos ({}); dropped",
                    desc.full_name()
                ),
            ));
            continue;
        };
        let Some(child) = map.get_mut(&key) else {
            continue;
        };
        if child.is_null() {
            map.remove(&key);
            continue;
        }
        fix_field(&field, child, &child_path, report)?;
        if let Some(Value::Null) = map.get(&key) {
            map.remove(&key);
        }
    }
    Ok(())
}

fn fix_field(
    field: &FieldDescriptor,
    value: &mut Value,
    path: &str,
    report: &mut FixupReport,
) -> Result<(), FieldProblem> {
    if field.is_map() {
        let Value::Object(entries) = value else {
            return Err(problem(
                path,
                format!("expected an object (map), found {}", json_type(value)),
            ));
        };
        let Kind::Message(entry) = field.kind() else {
            return Ok(());
        };
        let value_field = entry.map_entry_value_field();
        for (key, entry_value) in entries.iter_mut() {
            if entry_value.is_null() {
                continue;
            }
            fix_single(&value_field.kind(), entry_value, &join(path, key), report)?;
        }
        return Ok(());
    }
    if field.is_list() {
        let Value::Array(items) = value else {
            return Err(problem(
                path,
                format!("expected an array, found {}", json_type(value)),
            ));
        };
        for (index, item) in items.iter_mut().enumerate() {
            fix_single(&field.kind(), item, &format!("{path}[{index}]"), report)?;
        }
        return Ok(());
    }
    fix_single(&field.kind(), value, path, report)
}

fn fix_single(
    kind: &Kind,
    value: &mut Value,
    path: &str,
    report: &mut FixupReport,
) -> Result<(), FieldProblem> {
    match kind {
        Kind::Message(desc) => {
            if value.is_null() {
                return Ok(());
            }
            fix_message(desc, value, path, report)
        }
        Kind::Enum(desc) => fix_enum(desc, value, path, report),
        Kind::Bool => match value {
            Value::Bool(_) => Ok(()),
            other => Err(problem(
                path,
                format!("expected a boolean, found {}", describe(other)),
            )),
        },
        Kind::String => match value {
            Value::String(_) => Ok(()),
            other => Err(problem(
                path,
                format!("expected a string, found {}", describe(other)),
            )),
        },
        Kind::Bytes => match value {
            Value::String(text) if is_base64(text) => Ok(()),
            Value::String(_) => Err(problem(
                path,
                "expected base64 bytes, found a string that is not base64".into(),
            )),
            other => Err(problem(
                path,
                format!("expected base64 bytes, found {}", describe(other)),
            )),
        },
        Kind::Double | Kind::Float => match value {
            Value::Number(_) => Ok(()),
            Value::String(text) if is_float_text(text) => Ok(()),
            other => Err(problem(
                path,
                format!("expected a number, found {}", describe(other)),
            )),
        },
        Kind::Int32
        | Kind::Sint32
        | Kind::Sfixed32
        | Kind::Int64
        | Kind::Sint64
        | Kind::Sfixed64 => check_integer(value, path, true),
        Kind::Uint32 | Kind::Fixed32 | Kind::Uint64 | Kind::Fixed64 => {
            check_integer(value, path, false)
        }
    }
}

fn fix_enum(
    desc: &EnumDescriptor,
    value: &mut Value,
    path: &str,
    report: &mut FixupReport,
) -> Result<(), FieldProblem> {
    match value {
        Value::Number(number) if number.is_i64() => Ok(()),
        Value::String(name) => {
            if desc.get_value_by_name(name).is_some() {
                return Ok(());
            }
            if let Some(number) = legacy_enum_number(desc, name) {
                report.legacy_enums = true;
                *value = Value::from(number);
                return Ok(());
            }
            report.warnings.push((
                WARN_UNKNOWN_ENUM,
                path.to_string(),
                format!(
                    "value {name:?} is not in {}; read as unspecified",
                    desc.full_name()
                ),
            ));
            *value = Value::from(0);
            Ok(())
        }
        other => Err(problem(
            path,
            format!(
                "expected an enum value name or number ({}), found {}",
                desc.name(),
                describe(other)
            ),
        )),
    }
}

/// Finds the number of a legacy enum value name: `"ContinuedAsNew"` for
/// `EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW` matches once the enum's prefix is removed and
/// case and underscores are ignored.
pub(crate) fn legacy_enum_number(desc: &EnumDescriptor, legacy: &str) -> Option<i32> {
    let wanted = squash(legacy);
    let prefix = enum_value_prefix(desc.name());
    desc.values()
        .find(|candidate| {
            let name = candidate.name();
            let short = name.strip_prefix(&prefix).unwrap_or(name);
            squash(short) == wanted
        })
        .map(|candidate| candidate.number())
}

/// The legacy (PascalCase, unprefixed) spelling of a canonical enum value name:
/// `EVENT_TYPE_WORKFLOW_EXECUTION_STARTED` of `EventType` becomes `WorkflowExecutionStarted`.
pub(crate) fn legacy_enum_name(enum_name: &str, canonical: &str) -> String {
    let prefix = enum_value_prefix(enum_name);
    let short = canonical.strip_prefix(&prefix).unwrap_or(canonical);
    short
        .split('_')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `EventType` gives `EVENT_TYPE_`: the prefix every value of a Temporal enum carries.
fn enum_value_prefix(enum_name: &str) -> String {
    let mut prefix = String::with_capacity(enum_name.len() + 4);
    for (index, ch) in enum_name.chars().enumerate() {
        if ch.is_ascii_uppercase() && index > 0 {
            prefix.push('_');
        }
        prefix.push(ch.to_ascii_uppercase());
    }
    prefix.push('_');
    prefix
}

fn squash(text: &str) -> String {
    text.chars()
        .filter(|ch| *ch != '_')
        .map(|ch| ch.to_ascii_uppercase())
        .collect()
}

fn check_integer(value: &Value, path: &str, signed: bool) -> Result<(), FieldProblem> {
    let ok = match value {
        Value::Number(number) => {
            number.is_u64()
                || (signed && number.is_i64())
                || number
                    .as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && (signed || f >= 0.0))
        }
        Value::String(text) => {
            if signed {
                text.parse::<i64>().is_ok()
            } else {
                text.parse::<u64>().is_ok()
            }
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        let expected = if signed {
            "an integer"
        } else {
            "a non-negative integer"
        };
        Err(problem(
            path,
            format!("expected {expected}, found {}", describe(value)),
        ))
    }
}

/// Well-known types whose JSON form prost-reflect reads as it is (any JSON shape).
fn is_opaque_well_known(full_name: &str) -> bool {
    matches!(
        full_name,
        "google.protobuf.Any"
            | "google.protobuf.Struct"
            | "google.protobuf.Value"
            | "google.protobuf.ListValue"
            | "google.protobuf.Empty"
            | "google.protobuf.BoolValue"
            | "google.protobuf.StringValue"
            | "google.protobuf.BytesValue"
            | "google.protobuf.Int32Value"
            | "google.protobuf.Int64Value"
            | "google.protobuf.UInt32Value"
            | "google.protobuf.UInt64Value"
            | "google.protobuf.FloatValue"
            | "google.protobuf.DoubleValue"
    )
}

/// Well-known types written as a JSON string, with what to call them in an error.
fn string_well_known(full_name: &str) -> Option<&'static str> {
    match full_name {
        "google.protobuf.Duration" => Some("a duration (\"10s\")"),
        "google.protobuf.Timestamp" => Some("a timestamp (RFC 3339)"),
        "google.protobuf.FieldMask" => Some("a field mask"),
        _ => None,
    }
}

fn is_base64(text: &str) -> bool {
    text.bytes().all(|b| {
        b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_' | b'\n' | b'\r')
    })
}

fn is_float_text(text: &str) -> bool {
    matches!(text, "NaN" | "Infinity" | "-Infinity") || text.parse::<f64>().is_ok()
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn problem(path: &str, message: String) -> FieldProblem {
    FieldProblem {
        path: path.to_string(),
        message,
    }
}

pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A short description of a value for error messages: its type, and scalars themselves.
fn describe(value: &Value) -> String {
    match value {
        Value::String(text) if text.len() <= 40 => format!("the string {text:?}"),
        Value::Number(number) => format!("the number {number}"),
        Value::Bool(flag) => format!("the boolean {flag}"),
        other => json_type(other).to_string(),
    }
}
