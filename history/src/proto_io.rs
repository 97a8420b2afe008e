//! Binary protobuf `temporal.api.history.v1.History`, read and written one event at a time.
//!
//! A `History` is a sequence of field-1 records, each a length-delimited `HistoryEvent`, so the
//! reader decodes records as they arrive instead of holding the whole file.

use std::io::{Read, Write};

use prost::Message;
use prost::encoding::{WireType, encode_key, encode_varint};
use temporalio_protos::temporal::api::history::v1::HistoryEvent;

use crate::error::{HistoryError, Location};

/// The largest event the reader accepts. Temporal's own limit for a single payload is 2 MB and
/// for a whole history 50 MB, so anything past this is corruption, not an event.
const MAX_EVENT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a binary `History` from `reader`, calling `on_event` for each event in order.
/// Returns the number of events read.
pub(crate) fn read_proto<R, F>(
    source: &str,
    mut reader: R,
    mut on_event: F,
) -> Result<usize, HistoryError>
where
    R: Read,
    F: FnMut(HistoryEvent) -> Result<(), HistoryError>,
{
    let mut offset = 0u64;
    let mut count = 0usize;
    let mut buffer = Vec::new();
    let location = |offset: u64, count: usize| -> Box<Location> {
        Box::new(Location {
            source: source.to_string(),
            byte_offset: Some(offset),
            event_index: Some(count),
            ..Location::default()
        })
    };
    loop {
        let record_start = offset;
        let Some(key) =
            read_varint(&mut reader, &mut offset).map_err(|message| HistoryError::Proto {
                location: location(record_start, count),
                message,
            })?
        else {
            return Ok(count);
        };
        let field = key >> 3;
        let wire = key & 7;
        let bad = |message: String| HistoryError::Proto {
            location: location(record_start, count),
            message,
        };
        match (field, wire) {
            (1, 2) => {
                let length = read_varint(&mut reader, &mut offset)
                    .map_err(bad)?
                    .ok_or_else(|| bad_eof(source, offset, count))?;
                if length > MAX_EVENT_BYTES {
                    return Err(HistoryError::Proto {
                        location: location(record_start, count),
                        message: format!(
                            "event record of {length} bytes is larger than any real event; corrupt input"
                        ),
                    });
                }
                buffer.resize(length as usize, 0);
                reader
                    .read_exact(&mut buffer)
                    .map_err(|_| bad_eof(source, offset, count))?;
                offset += length;
                let event =
                    HistoryEvent::decode(buffer.as_slice()).map_err(|err| HistoryError::Proto {
                        location: location(record_start, count),
                        message: format!("event does not decode: {err}"),
                    })?;
                on_event(event)?;
                count += 1;
            }
            _ => {
                return Err(HistoryError::Proto {
                    location: location(record_start, count),
                    message: format!(
                        "expected field 1 (events) with wire type 2, found field {field} wire type {wire}: not a History"
                    ),
                });
            }
        }
    }
}

fn bad_eof(source: &str, offset: u64, count: usize) -> HistoryError {
    HistoryError::Proto {
        location: Box::new(Location {
            source: source.to_string(),
            byte_offset: Some(offset),
            event_index: Some(count),
            ..Location::default()
        }),
        message: "the input ends inside an event (truncated file?)".to_string(),
    }
}

/// Reads one varint; `Ok(None)` at a clean end of input before its first byte.
fn read_varint<R: Read>(reader: &mut R, offset: &mut u64) -> Result<Option<u64>, String> {
    let mut value = 0u64;
    for index in 0..10 {
        let mut byte = [0u8; 1];
        match reader.read(&mut byte) {
            Ok(0) if index == 0 => return Ok(None),
            Ok(0) => return Err("the input ends inside a varint (truncated file?)".to_string()),
            Ok(_) => {}
            Err(err) => return Err(format!("read error: {err}")),
        }
        *offset += 1;
        value |= u64::from(byte[0] & 0x7f) << (7 * index);
        if byte[0] & 0x80 == 0 {
            return Ok(Some(value));
        }
    }
    Err("varint longer than 10 bytes: not protobuf".to_string())
}

/// Writes events as a binary `History`.
pub(crate) fn write_proto<'e, W, I>(mut out: W, events: I) -> std::io::Result<()>
where
    W: Write,
    I: IntoIterator<Item = &'e HistoryEvent>,
{
    let mut buffer = Vec::new();
    for event in events {
        buffer.clear();
        encode_key(1, WireType::LengthDelimited, &mut buffer);
        encode_varint(event.encoded_len() as u64, &mut buffer);
        event.encode_raw(&mut buffer);
        out.write_all(&buffer)?;
    }
    out.flush()
}
