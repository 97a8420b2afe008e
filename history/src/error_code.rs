//! Every code this crate emits, kept as data: errors (`WFH0xx`), warnings (`WFH1xx`) and
//! validation findings (`WFV0xx`), each with one line of what it means and one of what to do.
//!
//! `history/ERRORS.md` is checked against this registry by a test, and every code is used
//! somewhere in the crate. Codes never change meaning and are never reused; none is retired.

use std::fmt;

/// One stable code of `wfkit-history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// WFH001: a file could not be opened, read or created.
    Io,
    /// WFH002: broken JSON, or input that is not a history.
    Json,
    /// WFH003: a field of an event (or of the history) is wrong or missing.
    Field,
    /// WFH004: binary protobuf that does not decode.
    Proto,
    /// WFH005: no history in the input (or several where one was expected).
    Empty,
    /// WFH006: a history could not be written.
    Write,
    /// WFH101 (warning): a field the protos do not know was dropped.
    UnknownField,
    /// WFH102 (warning): an enum value the protos do not know was read as unspecified.
    UnknownEnum,
    /// WFH103 (warning): a top-level key other than `events` was ignored.
    UnknownTopLevelKey,
    /// WFV001 (validation): event ids are not 1, 2, 3, ...
    EventIdGap,
    /// WFV002 (validation): the first event is not WorkflowExecutionStarted.
    FirstEvent,
    /// WFV003 (validation): a reference points to a missing, later or wrong-typed event.
    DanglingReference,
    /// WFV004 (validation): workflow task events out of order.
    WorkflowTaskOrder,
    /// WFV005 (validation): an event after the close event.
    CloseEvent,
    /// WFV006 (validation): attributes missing, or of another event type.
    Attributes,
    /// WFV007 (validation): a history without events.
    EmptyHistory,
}

impl ErrorCode {
    /// Every code, in code order.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::Io,
        ErrorCode::Json,
        ErrorCode::Field,
        ErrorCode::Proto,
        ErrorCode::Empty,
        ErrorCode::Write,
        ErrorCode::UnknownField,
        ErrorCode::UnknownEnum,
        ErrorCode::UnknownTopLevelKey,
        ErrorCode::EventIdGap,
        ErrorCode::FirstEvent,
        ErrorCode::DanglingReference,
        ErrorCode::WorkflowTaskOrder,
        ErrorCode::CloseEvent,
        ErrorCode::Attributes,
        ErrorCode::EmptyHistory,
    ];

    /// The stable code, such as `WFH003`.
    pub const fn as_str(self) -> &'static str {
        self.entry().0
    }

    /// One line: what happened.
    pub const fn meaning(self) -> &'static str {
        self.entry().1
    }

    /// One line: what the user does about it.
    pub const fn what_to_do(self) -> &'static str {
        self.entry().2
    }

    const fn entry(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ErrorCode::Io => (
                "WFH001",
                "a history file could not be opened, read or created; the operating system's reason follows the path",
                "check the path and its permissions (for output, that the folder exists)",
            ),
            ErrorCode::Json => (
                "WFH002",
                "the JSON is broken (truncated, bad syntax), is one event rather than a history, or the input is neither JSON nor binary protobuf",
                "fix the JSON at the line and column given, wrap a lone event as `{\"events\": [...]}`, or export again with `temporal workflow show -o json`",
            ),
            ErrorCode::Field => (
                "WFH003",
                "an event field has the wrong type or value, or a required part is missing (`eventId`, `eventType`, the history's `events`)",
                "fix the field the location names (history, event id, dotted field path), or export the history again",
            ),
            ErrorCode::Proto => (
                "WFH004",
                "binary input does not decode as a protobuf `temporal.api.history.v1.History` (truncated, corrupt or another message)",
                "check the file is a whole binary History (the byte offset says where it broke), or export it as JSON instead",
            ),
            ErrorCode::Empty => (
                "WFH005",
                "the input holds no history (an empty file, an empty array, binary input without events), or several where exactly one was expected",
                "give a file that holds the history; split an array into one file per history where one is expected",
            ),
            ErrorCode::Write => (
                "WFH006",
                "a history could not be written: several histories to binary protobuf (which holds one), an event that does not re-encode, or a failing output",
                "convert histories one by one, or to JSON (`wfkit history convert --to json`); check the output stream or disk",
            ),
            ErrorCode::UnknownField => (
                "WFH101",
                "warning: a field the compiled Temporal API protos do not know (written by a newer server or SDK) was dropped",
                "nothing if the history loads as expected; update wfkit if that field matters",
            ),
            ErrorCode::UnknownEnum => (
                "WFH102",
                "warning: an enum value the protos do not know (such as a newer event type) was read as unspecified (0)",
                "update wfkit if that value matters; validation cannot check the attributes of such an event",
            ),
            ErrorCode::UnknownTopLevelKey => (
                "WFH103",
                "warning: the history object has a top-level key other than `events` (or a response's `history`); it was ignored",
                "nothing: keys such as a saved response's `nextPageToken` are harmless",
            ),
            ErrorCode::EventIdGap => (
                "WFV001",
                "event ids do not run 1, 2, 3, ... without gaps: an event was lost, duplicated or renumbered",
                "export the whole history again; renumber a spliced or hand-edited one",
            ),
            ErrorCode::FirstEvent => (
                "WFV002",
                "the first event is not WorkflowExecutionStarted: the history is cut at the front",
                "export the history from its first event; replay needs the start",
            ),
            ErrorCode::DanglingReference => (
                "WFV003",
                "a reference (`scheduledEventId`, `startedEventId`, `initiatedEventId`, ...) points to a missing, later or wrong-typed event",
                "export the history again; in a hand-edited one, point the field the finding names at the earlier event of the expected type",
            ),
            ErrorCode::WorkflowTaskOrder => (
                "WFV004",
                "workflow task events out of order: scheduled while another is open, started without being scheduled, or closed without being open",
                "export the history again; in a hand-written one, pair each WorkflowTaskScheduled, Started and Completed (or Failed, TimedOut)",
            ),
            ErrorCode::CloseEvent => (
                "WFV005",
                "an event follows the close event (completed, failed, timed out, canceled, terminated or continued as new)",
                "cut the history at its close event, or export it again: nothing follows a close event",
            ),
            ErrorCode::Attributes => (
                "WFV006",
                "an event has no attributes, attributes of another event type than its `eventType`, or neither a known type nor attributes",
                "export the history again; for an event type newer than wfkit (warning WFH102), update wfkit",
            ),
            ErrorCode::EmptyHistory => (
                "WFV007",
                "the history has no events",
                "export the history again: every history starts with WorkflowExecutionStarted",
            ),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The table of codes as `history/ERRORS.md` holds it (a test keeps the two equal).
pub fn error_table_markdown() -> String {
    wfkit_codes::markdown_table(
        ErrorCode::ALL
            .iter()
            .map(|code| (code.as_str(), code.meaning(), code.what_to_do())),
    )
}

#[cfg(test)]
mod tests {

    use super::*;
    use wfkit_codes::{code_literals, contains_word};

    /// The code letters after `WF` this crate owns.
    const LETTERS: &[u8] = b"HV";
    /// Codes once emitted and retired (never reused); listed in ERRORS.md. None yet.
    const RETIRED: &[&str] = &[];
    /// This file, which holds every code by definition.
    const REGISTRY_FILE: &str = "error_code.rs";

    #[test]
    fn errors_md_lists_every_code_as_the_registry_says() {
        let doc = include_str!("../ERRORS.md");
        let table = error_table_markdown();
        assert!(
            doc.contains(&table),
            "history/ERRORS.md is out of date; its table must be exactly:\n{table}"
        );
        for code in RETIRED {
            assert!(doc.contains(code), "ERRORS.md must mention retired {code}");
        }
    }

    #[test]
    fn codes_are_unique_in_order_and_fit_a_table_row() {
        let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for code in ErrorCode::ALL {
            for text in [code.meaning(), code.what_to_do()] {
                assert!(!text.contains(['|', '\n']), "{code}: {text}");
            }
        }
    }

    #[test]
    fn every_code_is_used_outside_the_registry_and_every_literal_is_registered() {
        let files = source_files();
        for code in ErrorCode::ALL {
            let variant = format!("ErrorCode::{code:?}");
            let used = files.iter().any(|(name, text)| {
                name != REGISTRY_FILE
                    && (contains_word(text, code.as_str()) || contains_word(text, &variant))
            });
            assert!(
                used,
                "{code} ({variant}) is never used outside {REGISTRY_FILE}"
            );
        }
        for (name, text) in &files {
            for literal in code_literals(text, LETTERS) {
                let known = ErrorCode::ALL.iter().any(|c| c.as_str() == literal)
                    || RETIRED.contains(&literal.as_str());
                assert!(
                    known,
                    "src/{name} mentions {literal}, which is not in the registry"
                );
            }
        }
    }

    /// Every `.rs` file under `src/`: its path relative to `src/`, and its text.
    fn source_files() -> Vec<(String, String)> {
        wfkit_codes::source_files(env!("CARGO_MANIFEST_DIR"))
    }
}
