//! Streaming reader for JSON histories: one object `{"events": [...]}`, a response object
//! `{"history": {"events": [...]}}`, or an array of either.
//!
//! Events are decoded one at a time as the text is read, so memory holds one event's JSON tree at
//! a time besides what the caller keeps; a 50 MB file is never held as a whole tree.

use std::cell::RefCell;
use std::fmt;
use std::io::Read;

use prost_reflect::{DeserializeOptions, DynamicMessage, MessageDescriptor};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use temporalio_protos::temporal::api::history::v1::HistoryEvent;

use crate::descriptors;
use crate::error::{HistoryError, Location, WARN_UNKNOWN_TOP_LEVEL, Warning};
use crate::json_fixup::{FixupReport, fix_message, json_type};

/// What a JSON read found besides the events themselves.
#[derive(Debug, Default)]
pub(crate) struct JsonReadSummary {
    /// True when the top level was an array of histories.
    pub(crate) array: bool,
    /// Number of histories seen.
    pub(crate) histories: usize,
    /// True when legacy PascalCase enum values were rewritten.
    pub(crate) legacy_enums: bool,
    /// Everything tolerated.
    pub(crate) warnings: Vec<Warning>,
}

/// Marker message for the serde error that aborts the parse after a structured error was stored.
const ABORT: &str = "wfkit: stop reading";

struct Ctx<'s, F> {
    source: &'s str,
    desc: MessageDescriptor,
    on_event: F,
    summary: JsonReadSummary,
    error: Option<HistoryError>,
    history_index: Option<usize>,
}

impl<F> Ctx<'_, F>
where
    F: FnMut(usize, HistoryEvent) -> Result<(), HistoryError>,
{
    fn location(
        &self,
        event_index: Option<usize>,
        event_id: Option<i64>,
        field: Option<String>,
    ) -> Box<Location> {
        Box::new(Location {
            source: self.source.to_string(),
            history_index: self.history_index,
            event_index,
            event_id,
            field,
            ..Location::default()
        })
    }

    /// Decodes one event's JSON tree and hands it to the callback.
    fn event(&mut self, event_index: usize, mut value: Value) -> Result<(), HistoryError> {
        let event_id = read_event_id(&value);
        if !value.is_object() {
            return Err(HistoryError::Field {
                location: self.location(Some(event_index), event_id, None),
                message: format!("expected an event object, found {}", json_type(&value)),
            });
        }
        for required in ["eventId", "eventType"] {
            let snake = if required == "eventId" {
                "event_id"
            } else {
                "event_type"
            };
            if value.get(required).is_none() && value.get(snake).is_none() {
                return Err(HistoryError::Field {
                    location: self.location(
                        Some(event_index),
                        event_id,
                        Some(required.to_string()),
                    ),
                    message: format!("missing: every event needs `{required}`"),
                });
            }
        }
        let mut report = FixupReport::default();
        if let Err(problem) = fix_message(&self.desc, &mut value, "", &mut report) {
            return Err(HistoryError::Field {
                location: self.location(Some(event_index), event_id, Some(problem.path)),
                message: problem.message,
            });
        }
        self.summary.legacy_enums |= report.legacy_enums;
        for (code, path, message) in report.warnings {
            let location = *self.location(Some(event_index), event_id, Some(path));
            self.summary.warnings.push(Warning {
                code,
                location,
                message,
            });
        }
        let options = DeserializeOptions::new().deny_unknown_fields(false);
        let message = DynamicMessage::deserialize_with_options(self.desc.clone(), value, &options)
            .map_err(|err| HistoryError::Field {
                location: self.location(Some(event_index), event_id, None),
                message: err.to_string(),
            })?;
        let event: HistoryEvent = message.transcode_to().map_err(|err| HistoryError::Field {
            location: self.location(Some(event_index), event_id, None),
            message: err.to_string(),
        })?;
        let history = self.history_index.unwrap_or(0);
        (self.on_event)(history, event)
    }
}

/// The `eventId` of an event tree, for error locations; it may be a string or a number.
fn read_event_id(value: &Value) -> Option<i64> {
    match value.get("eventId").or_else(|| value.get("event_id"))? {
        Value::String(text) => text.parse().ok(),
        Value::Number(number) => number.as_i64(),
        _ => None,
    }
}

/// Reads JSON histories from `reader`, calling `on_event(history_index, event)` for each event in
/// order. `source` names the input in errors and warnings.
pub(crate) fn read_json<R, F>(
    source: &str,
    reader: R,
    on_event: F,
) -> Result<JsonReadSummary, HistoryError>
where
    R: Read,
    F: FnMut(usize, HistoryEvent) -> Result<(), HistoryError>,
{
    let ctx = RefCell::new(Ctx {
        source,
        desc: descriptors::history_event(),
        on_event,
        summary: JsonReadSummary::default(),
        error: None,
        history_index: None,
    });
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let parsed = de::Deserializer::deserialize_any(&mut deserializer, TopVisitor { ctx: &ctx })
        .and_then(|()| deserializer.end());
    let ctx = ctx.into_inner();
    if let Some(error) = ctx.error {
        return Err(error);
    }
    if let Err(err) = parsed {
        let mut location = Location {
            source: source.to_string(),
            ..Location::default()
        };
        if err.line() > 0 {
            location.line_column = Some((err.line(), err.column()));
        }
        let message = if err.is_eof() {
            format!("the JSON ends too early (truncated file?): {err}")
        } else {
            err.to_string()
        };
        return Err(HistoryError::Json {
            location: Box::new(location),
            message: strip_position(&message),
        });
    }
    if ctx.summary.histories == 0 {
        return Err(HistoryError::Empty {
            source_name: source.to_string(),
            message: "an empty array: no history in it".to_string(),
        });
    }
    Ok(ctx.summary)
}

/// serde_json appends " at line L column C"; the location already says it.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

fn abort<E: de::Error, F>(ctx: &RefCell<Ctx<'_, F>>, error: HistoryError) -> E {
    ctx.borrow_mut().error = Some(error);
    E::custom(ABORT)
}

struct TopVisitor<'c, 's, F> {
    ctx: &'c RefCell<Ctx<'s, F>>,
}

impl<'de, F> Visitor<'de> for TopVisitor<'_, '_, F>
where
    F: FnMut(usize, HistoryEvent) -> Result<(), HistoryError>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a history object {\"events\": [...]} or an array of them")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.ctx.borrow_mut().summary.histories = 1;
        HistoryVisitor { ctx: self.ctx }.visit_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.ctx.borrow_mut().summary.array = true;
        let mut index = 0usize;
        loop {
            self.ctx.borrow_mut().history_index = Some(index);
            let seed = HistorySeed { ctx: self.ctx };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            index += 1;
            self.ctx.borrow_mut().summary.histories = index;
        }
        Ok(())
    }
}

struct HistorySeed<'c, 's, F> {
    ctx: &'c RefCell<Ctx<'s, F>>,
}

impl<'de, F> DeserializeSeed<'de> for HistorySeed<'_, '_, F>
where
    F: FnMut(usize, HistoryEvent) -> Result<(), HistoryError>,
{
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(HistoryVisitor { ctx: self.ctx })
    }
}

struct HistoryVisitor<'c, 's, F> {
    ctx: &'c RefCell<Ctx<'s, F>>,
}

impl<'de, F> Visitor<'de> for HistoryVisitor<'_, '_, F>
where
    F: FnMut(usize, HistoryEvent) -> Result<(), HistoryError>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a history object {\"events\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_events = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "events" => {
                    saw_events = true;
                    map.next_value_seed(EventsSeed { ctx: self.ctx })?;
                }
                // GetWorkflowExecutionHistoryResponse, as some tools save it.
                "history" => {
                    saw_events = true;
                    map.next_value_seed(HistorySeed { ctx: self.ctx })?;
                }
                "eventId" | "eventType" | "event_id" | "event_type" => {
                    let ctx = self.ctx.borrow();
                    let location = ctx.location(None, None, None);
                    drop(ctx);
                    return Err(abort(
                        self.ctx,
                        HistoryError::Json {
                            location,
                            message: "this is an event, not a history: wrap the events as {\"events\": [...]}"
                                .to_string(),
                        },
                    ));
                }
                other => {
                    map.next_value::<IgnoredAny>()?;
                    let mut ctx = self.ctx.borrow_mut();
                    let location = *ctx.location(None, None, Some(other.to_string()));
                    ctx.summary.warnings.push(Warning {
                        code: WARN_UNKNOWN_TOP_LEVEL,
                        location,
                        message: "top-level key other than `events`; ignored".to_string(),
                    });
                }
            }
        }
        if !saw_events {
            let location = self
                .ctx
                .borrow()
                .location(None, None, Some("events".to_string()));
            return Err(abort(
                self.ctx,
                HistoryError::Field {
                    location,
                    message: "missing: a history needs an `events` array".to_string(),
                },
            ));
        }
        Ok(())
    }
}

struct EventsSeed<'c, 's, F> {
    ctx: &'c RefCell<Ctx<'s, F>>,
}

impl<'de, F> DeserializeSeed<'de> for EventsSeed<'_, '_, F>
where
    F: FnMut(usize, HistoryEvent) -> Result<(), HistoryError>,
{
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F> Visitor<'de> for EventsSeed<'_, '_, F>
where
    F: FnMut(usize, HistoryEvent) -> Result<(), HistoryError>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut event_index = 0usize;
        while let Some(value) = seq.next_element::<Value>()? {
            let result = self.ctx.borrow_mut().event(event_index, value);
            if let Err(error) = result {
                return Err(abort(self.ctx, error));
            }
            event_index += 1;
        }
        Ok(())
    }
}
