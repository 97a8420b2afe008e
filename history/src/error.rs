//! Typed errors for reading and writing histories, each with a stable code.
//!
//! Codes never change meaning once released: scripts and CI annotations match on them.

use std::fmt;

use crate::error_code::ErrorCode;

/// Where in an input a problem was found: the file, which history (for arrays), which event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file (or other source name) being read.
    pub source: String,
    /// Index of the history within a JSON array of histories, when the input is an array.
    pub history_index: Option<usize>,
    /// Zero-based position of the event in its history's `events` list.
    pub event_index: Option<usize>,
    /// The event's own `eventId`, when it could be read.
    pub event_id: Option<i64>,
    /// Dotted path of the field inside the event (JSON names), when the problem is a field.
    pub field: Option<String>,
    /// Line and column in the JSON text (1-based), when known.
    pub line_column: Option<(usize, usize)>,
    /// Byte offset in binary input, when known.
    pub byte_offset: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some((line, column)) = self.line_column {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(offset) = self.byte_offset {
            write!(f, " (byte {offset})")?;
        }
        if let Some(index) = self.history_index {
            write!(f, ": history #{index}")?;
        }
        match (self.event_index, self.event_id) {
            (_, Some(id)) => write!(f, ": event {id}")?,
            (Some(index), None) => write!(f, ": event #{} in the list", index + 1)?,
            (None, None) => {}
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        Ok(())
    }
}

/// An error reading or writing a history. The `Display` form starts with the stable code.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The file could not be opened, read or written.
    #[error("[WFH001] {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The JSON text itself is broken (truncated, bad syntax) or its top level is not a history.
    #[error("[WFH002] {location}: {message}")]
    Json {
        /// Where.
        location: Box<Location>,
        /// What is wrong.
        message: String,
    },
    /// A field of an event has a value of the wrong type, or a required part is missing.
    #[error("[WFH003] {location}: {message}")]
    Field {
        /// Where, including the event and the field.
        location: Box<Location>,
        /// What is wrong.
        message: String,
    },
    /// Binary protobuf input could not be decoded.
    #[error("[WFH004] {location}: {message}")]
    Proto {
        /// Where, including the byte offset.
        location: Box<Location>,
        /// What the decoder said.
        message: String,
    },
    /// The input holds no history at all (an empty file, an empty array).
    #[error("[WFH005] {source_name}: {message}")]
    Empty {
        /// The file.
        source_name: String,
        /// What was found instead.
        message: String,
    },
    /// A history could not be written (for instance a format that cannot hold it).
    #[error("[WFH006] {message}")]
    Write {
        /// What went wrong.
        message: String,
    },
}

impl HistoryError {
    /// The stable code, such as `WFH003` (the registry's [`ErrorCode::as_str`]).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as data: its meaning and what to do ([`ErrorCode`]).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            HistoryError::Io { .. } => ErrorCode::Io,
            HistoryError::Json { .. } => ErrorCode::Json,
            HistoryError::Field { .. } => ErrorCode::Field,
            HistoryError::Proto { .. } => ErrorCode::Proto,
            HistoryError::Empty { .. } => ErrorCode::Empty,
            HistoryError::Write { .. } => ErrorCode::Write,
        }
    }

    /// The location of the problem, when the error has one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            HistoryError::Json { location, .. }
            | HistoryError::Field { location, .. }
            | HistoryError::Proto { location, .. } => Some(location.as_ref()),
            _ => None,
        }
    }
}

/// Something tolerated while reading: the history still loads, but the user should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Stable code, such as `WFH101`.
    pub code: &'static str,
    /// Where.
    pub location: Location,
    /// What was tolerated.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.code, self.location, self.message)
    }
}

/// Warning code: a field the protos do not know (written by a newer server or SDK); dropped.
pub const WARN_UNKNOWN_FIELD: &str = ErrorCode::UnknownField.as_str();
/// Warning code: an enum value the protos do not know; read as the unspecified value (0).
pub const WARN_UNKNOWN_ENUM: &str = ErrorCode::UnknownEnum.as_str();
/// Warning code: a top-level key other than `events`; ignored.
pub const WARN_UNKNOWN_TOP_LEVEL: &str = ErrorCode::UnknownTopLevelKey.as_str();

#[cfg(test)]
mod tests {
    use super::*;

    fn location() -> Box<Location> {
        Box::new(Location {
            source: "h.json".to_string(),
            ..Location::default()
        })
    }

    /// One value of every variant, in code order.
    fn one_of_each() -> Vec<HistoryError> {
        vec![
            HistoryError::Io {
                path: "h.json".to_string(),
                source: std::io::Error::other("denied"),
            },
            HistoryError::Json {
                location: location(),
                message: "bad".to_string(),
            },
            HistoryError::Field {
                location: location(),
                message: "bad".to_string(),
            },
            HistoryError::Proto {
                location: location(),
                message: "bad".to_string(),
            },
            HistoryError::Empty {
                source_name: "h.json".to_string(),
                message: "the input is empty".to_string(),
            },
            HistoryError::Write {
                message: "bad".to_string(),
            },
        ]
    }

    #[test]
    fn every_message_starts_with_its_code() {
        for error in one_of_each() {
            let text = error.to_string();
            assert!(text.starts_with(&format!("[{}] ", error.code())), "{text}");
        }
    }

    #[test]
    fn the_errors_are_exactly_the_wfh0_codes() {
        let codes: Vec<ErrorCode> = one_of_each().iter().map(HistoryError::error_code).collect();
        let errors: Vec<ErrorCode> = ErrorCode::ALL
            .into_iter()
            .filter(|code| code.as_str().starts_with("WFH0"))
            .collect();
        assert_eq!(codes, errors);
    }

    #[test]
    fn warnings_start_with_their_code() {
        let warning = Warning {
            code: WARN_UNKNOWN_ENUM,
            location: *location(),
            message: "read as unspecified".to_string(),
        };
        assert!(
            warning.to_string().starts_with("[WFH102] h.json"),
            "{warning}"
        );
    }
}
