//! Structural diff of two histories: the first diverging event with both sides and the fields
//! that differ, and a short summary of the rest.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;
use temporalio_protos::temporal::api::history::v1::{History, HistoryEvent};

use crate::event::{event_type, type_name};
use crate::json_write::{EnumStyle, event_to_json};

/// The most field differences listed for the first diverging event.
const MAX_FIELD_DIFFS: usize = 20;

/// One field that differs between two events.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDiff {
    /// Dotted JSON path inside the event.
    pub path: String,
    /// The value on side A (`None`: absent).
    pub a: Option<Value>,
    /// The value on side B (`None`: absent).
    pub b: Option<Value>,
}

/// The first event at which two histories differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    /// Zero-based position in the event lists.
    pub index: usize,
    /// The event on side A, when A has one at this position.
    pub a: Option<HistoryEvent>,
    /// The event on side B, when B has one at this position.
    pub b: Option<HistoryEvent>,
    /// The fields that differ (at most a screenful), when both sides have an event.
    pub fields: Vec<FieldDiff>,
}

/// The result of comparing two histories.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryDiff {
    /// The first divergence; `None` when the histories are equal.
    pub first: Option<Divergence>,
    /// How many positions differ in all (including extra events on the longer side).
    pub differing_events: usize,
    /// Number of events in A and in B.
    pub len_a: usize,
    /// Number of events in B.
    pub len_b: usize,
    /// Event type counts that differ: type name to (count in A, count in B).
    pub type_count_changes: BTreeMap<String, (usize, usize)>,
}

impl HistoryDiff {
    /// True when the histories are equal.
    pub fn is_equal(&self) -> bool {
        self.first.is_none()
    }
}

/// Compares two histories event by event, as they are. Normalise both first (see
/// [`crate::normalize`]) to ignore what differs from run to run.
pub fn diff(a: &History, b: &History) -> HistoryDiff {
    let len = a.events.len().max(b.events.len());
    let mut result = HistoryDiff {
        len_a: a.events.len(),
        len_b: b.events.len(),
        ..HistoryDiff::default()
    };
    for index in 0..len {
        let left = a.events.get(index);
        let right = b.events.get(index);
        if left == right {
            continue;
        }
        result.differing_events += 1;
        if result.first.is_none() {
            let fields = match (left, right) {
                (Some(l), Some(r)) => field_diffs(l, r),
                _ => Vec::new(),
            };
            result.first = Some(Divergence {
                index,
                a: left.cloned(),
                b: right.cloned(),
                fields,
            });
        }
    }
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for event in &a.events {
        counts.entry(type_name(event_type(event))).or_default().0 += 1;
    }
    for event in &b.events {
        counts.entry(type_name(event_type(event))).or_default().1 += 1;
    }
    result.type_count_changes = counts.into_iter().filter(|(_, (x, y))| x != y).collect();
    result
}

fn field_diffs(a: &HistoryEvent, b: &HistoryEvent) -> Vec<FieldDiff> {
    let (Ok(left), Ok(right)) = (
        event_to_json(a, EnumStyle::Canonical),
        event_to_json(b, EnumStyle::Canonical),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk("", Some(&left), Some(&right), &mut out);
    out
}

fn walk(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<FieldDiff>) {
    if out.len() >= MAX_FIELD_DIFFS || a == b {
        return;
    }
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                walk(&join(path, key), x.get(key), y.get(key), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
            for (index, (l, r)) in x.iter().zip(y).enumerate() {
                walk(&format!("{path}[{index}]"), Some(l), Some(r), out);
            }
        }
        _ => out.push(FieldDiff {
            path: path.to_string(),
            a: a.cloned(),
            b: b.cloned(),
        }),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn short(value: &Option<Value>) -> String {
    match value {
        None => "(absent)".to_string(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > 120 {
                format!("{}...", text.chars().take(117).collect::<String>())
            } else {
                text
            }
        }
    }
}

fn describe(event: &Option<HistoryEvent>) -> String {
    match event {
        None => "(no event: the history ends here)".to_string(),
        Some(e) => format!("{} {}", e.event_id, type_name(event_type(e))),
    }
}

impl fmt::Display for HistoryDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = &self.first else {
            return write!(f, "equal: {} events", self.len_a);
        };
        writeln!(f, "histories differ first at event {}:", first.index + 1)?;
        writeln!(f, "  a: {}", describe(&first.a))?;
        writeln!(f, "  b: {}", describe(&first.b))?;
        if !first.fields.is_empty() {
            writeln!(f, "  fields that differ:")?;
            for field in &first.fields {
                writeln!(
                    f,
                    "    {}: a={} b={}",
                    field.path,
                    short(&field.a),
                    short(&field.b)
                )?;
            }
        }
        write!(
            f,
            "summary: {} of {} positions differ; a has {} events, b has {}",
            self.differing_events,
            self.len_a.max(self.len_b),
            self.len_a,
            self.len_b
        )?;
        for (name, (a, b)) in &self.type_count_changes {
            write!(f, "\n  {name}: a {a}, b {b}")?;
        }
        Ok(())
    }
}
