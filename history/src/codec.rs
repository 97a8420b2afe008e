//! Format detection and the entry points that read and write history files.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use temporalio_protos::temporal::api::history::v1::{History, HistoryEvent};

use crate::error::{HistoryError, Warning};
use crate::json_read::read_json;
use crate::json_write::{EnumStyle, write_json, write_json_array};
use crate::proto_io::{read_proto, write_proto};

/// The format a history file was found in, or is to be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Canonical proto3 JSON: what `temporal workflow show -o json` writes.
    Json,
    /// JSON with legacy PascalCase enum values, as older tools wrote.
    LegacyJson,
    /// Binary protobuf `temporal.api.history.v1.History`.
    Proto,
}

impl Format {
    /// The name used on the command line (`--to json|legacy-json|proto`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::LegacyJson => "legacy-json",
            Format::Proto => "proto",
        }
    }

    /// Parses a command-line name.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "legacy-json" => Some(Format::LegacyJson),
            "proto" | "binary" => Some(Format::Proto),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything read from one input.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The histories, in input order (one, unless the input is an array).
    pub histories: Vec<History>,
    /// The detected format.
    pub format: Option<Format>,
    /// True when the input was a JSON array of histories.
    pub array: bool,
    /// What was tolerated while reading (unknown fields, unknown enum values, ...).
    pub warnings: Vec<Warning>,
}

impl Loaded {
    /// A short name of the detected format, such as `json`, `legacy-json array` or `proto`.
    pub fn format_label(&self) -> String {
        let base = self.format.map(Format::name).unwrap_or("unknown");
        if self.array {
            format!("{base} array of {}", self.histories.len())
        } else {
            base.to_string()
        }
    }

    /// The only history, or an error naming `source` when there are several.
    pub fn into_single(mut self, source: &str) -> Result<History, HistoryError> {
        if self.histories.len() == 1 {
            return Ok(self.histories.remove(0));
        }
        Err(HistoryError::Empty {
            source_name: source.to_string(),
            message: format!(
                "holds {} histories where one was expected",
                self.histories.len()
            ),
        })
    }
}

/// Summary of a streamed read (see [`read_events`]).
#[derive(Debug, Clone, Default)]
pub struct StreamSummary {
    /// The detected format.
    pub format: Option<Format>,
    /// True when the input was a JSON array of histories.
    pub array: bool,
    /// Number of histories.
    pub histories: usize,
    /// What was tolerated.
    pub warnings: Vec<Warning>,
}

/// Reads a history file in any supported format, detected from its content.
pub fn load_file(path: impl AsRef<Path>) -> Result<Loaded, HistoryError> {
    let path = path.as_ref();
    let source = path.display().to_string();
    let file = File::open(path).map_err(|source_err| HistoryError::Io {
        path: source.clone(),
        source: source_err,
    })?;
    load_reader(&source, file)
}

/// Reads histories from any reader; `source` names it in errors.
pub fn load_reader<R: Read>(source: &str, reader: R) -> Result<Loaded, HistoryError> {
    let mut histories: Vec<History> = Vec::new();
    let summary = read_events(source, reader, |history_index, event| {
        while histories.len() <= history_index {
            histories.push(History::default());
        }
        histories[history_index].events.push(event);
        Ok(())
    })?;
    // Histories with no events still count (an array element `{"events": []}`).
    while histories.len() < summary.histories {
        histories.push(History::default());
    }
    Ok(Loaded {
        histories,
        format: summary.format,
        array: summary.array,
        warnings: summary.warnings,
    })
}

/// Reads histories from bytes in memory.
pub fn load_bytes(source: &str, bytes: &[u8]) -> Result<Loaded, HistoryError> {
    load_reader(source, bytes)
}

/// The streaming primitive: calls `on_event(history_index, event)` for every event in order,
/// holding at most one event's worth of input at a time.
pub fn read_events<R, F>(
    source: &str,
    reader: R,
    mut on_event: F,
) -> Result<StreamSummary, HistoryError>
where
    R: Read,
    F: FnMut(usize, HistoryEvent) -> Result<(), HistoryError>,
{
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let first = first_significant_byte(source, &mut reader)?;
    match first {
        None => Err(HistoryError::Empty {
            source_name: source.to_string(),
            message: "the input is empty".to_string(),
        }),
        Some(b'{') | Some(b'[') => {
            let summary = read_json(source, reader, on_event)?;
            Ok(StreamSummary {
                format: Some(if summary.legacy_enums {
                    Format::LegacyJson
                } else {
                    Format::Json
                }),
                array: summary.array,
                histories: summary.histories,
                warnings: summary.warnings,
            })
        }
        Some(0x0a) => {
            let events = read_proto(source, reader, |event| on_event(0, event))?;
            if events == 0 {
                return Err(HistoryError::Empty {
                    source_name: source.to_string(),
                    message: "no events".to_string(),
                });
            }
            Ok(StreamSummary {
                format: Some(Format::Proto),
                array: false,
                histories: 1,
                warnings: Vec::new(),
            })
        }
        Some(other) => Err(HistoryError::Json {
            location: Box::new(crate::error::Location {
                source: source.to_string(),
                ..Default::default()
            }),
            message: format!(
                "not a history: JSON starts with '{{' or '[', binary protobuf with 0x0a; this starts with {}",
                describe_byte(other)
            ),
        }),
    }
}

fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", byte as char)
    } else {
        format!("byte 0x{byte:02x}")
    }
}

/// Skips a UTF-8 byte-order mark and JSON white space, and returns the next byte unread.
///
/// A binary `History` starts with 0x0a (field 1, length-delimited), which is also a JSON newline.
/// Binary is recognised by its shape: 0x0a, a varint length, then 0x08 (the `event_id` key of the
/// first event). JSON cannot hold a raw 0x08 outside a string, so the two never collide.
fn first_significant_byte<R: Read>(
    source: &str,
    reader: &mut BufReader<R>,
) -> Result<Option<u8>, HistoryError> {
    let io = |err: std::io::Error| HistoryError::Io {
        path: source.to_string(),
        source: err,
    };
    let buffer = reader.fill_buf().map_err(io)?;
    if buffer.starts_with(&[0xef, 0xbb, 0xbf]) {
        reader.consume(3);
    } else if looks_like_proto(buffer) {
        return Ok(Some(0x0a));
    }
    loop {
        let buffer = reader.fill_buf().map_err(io)?;
        if buffer.is_empty() {
            return Ok(None);
        }
        let skip = buffer
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .count();
        if skip < buffer.len() {
            let byte = buffer[skip];
            reader.consume(skip);
            return Ok(Some(if byte == 0x0a { b' ' } else { byte }));
        }
        let len = buffer.len();
        reader.consume(len);
    }
}

fn looks_like_proto(buffer: &[u8]) -> bool {
    if buffer.first() != Some(&0x0a) {
        return false;
    }
    let varint_len = buffer[1..]
        .iter()
        .take(10)
        .take_while(|b| **b & 0x80 != 0)
        .count()
        + 1;
    buffer.get(1 + varint_len) == Some(&0x08)
}

/// Writes histories to `out` in `format`. JSON formats write an array when there are several;
/// binary protobuf holds exactly one history.
pub fn write_histories<W: Write>(
    histories: &[History],
    format: Format,
    out: W,
) -> Result<(), HistoryError> {
    let mut out = BufWriter::new(out);
    let style = if format == Format::LegacyJson {
        EnumStyle::Legacy
    } else {
        EnumStyle::Canonical
    };
    match (format, histories) {
        (Format::Proto, [history]) => {
            write_proto(&mut out, &history.events).map_err(|err| HistoryError::Write {
                message: err.to_string(),
            })
        }
        (Format::Proto, _) => Err(HistoryError::Write {
            message: format!(
                "binary protobuf holds exactly one history; the input has {} (convert them one by one, or to JSON)",
                histories.len()
            ),
        }),
        (_, [history]) => write_json(history, style, &mut out),
        (_, many) => write_json_array(many, style, &mut out),
    }
}

/// Writes histories to a file (see [`write_histories`]).
pub fn save_file(
    path: impl AsRef<Path>,
    histories: &[History],
    format: Format,
) -> Result<(), HistoryError> {
    let path = path.as_ref();
    let file = File::create(path).map_err(|source| HistoryError::Io {
        path: path.display().to_string(),
        source,
    })?;
    write_histories(histories, format, file)
}

/// One history as canonical JSON text.
pub fn to_json_string(history: &History) -> Result<String, HistoryError> {
    let mut out = Vec::new();
    write_json(history, EnumStyle::Canonical, &mut out)?;
    String::from_utf8(out).map_err(|err| HistoryError::Write {
        message: err.to_string(),
    })
}
