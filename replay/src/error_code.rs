//! Every code this crate emits, kept as data: setting up a Rust SDK replay (`WFR001`,
//! `WFR002`), each with one line of what it means and one of what to do. Verdicts on the
//! histories themselves are not errors: they are in the report.
//!
//! `replay/ERRORS.md` is checked against this registry by a test, and every code is used
//! somewhere in the crate. Codes never change meaning and are never reused; none is retired.

use std::fmt;

/// One stable code of `wfkit-replay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// WFR001: the engine could not start.
    Engine,
    /// WFR002: the replay worker could not start or stop.
    Worker,
}

impl ErrorCode {
    /// Every code, in code order.
    pub const ALL: [ErrorCode; 2] = [ErrorCode::Engine, ErrorCode::Worker];

    /// The stable code, such as `WFR001`.
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
            ErrorCode::Engine => (
                "WFR001",
                "the embedded wfkit engine that hands the worker its replay tasks could not start: it could not listen on a loopback port (the engine's WFE101 follows)",
                "check that loopback networking works and a port is free, then run again",
            ),
            ErrorCode::Worker => (
                "WFR002",
                "the Rust SDK replay worker could not start or stop: the worker options factory given to `Replayer::new` failed, the SDK refused the worker or a workflow registration, or the worker thread died",
                "fix what the SDK's message names, usually the workflows the options factory registers",
            ),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The table of codes as `replay/ERRORS.md` holds it (a test keeps the two equal).
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
    const LETTERS: &[u8] = b"R";
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
            "replay/ERRORS.md is out of date; its table must be exactly:\n{table}"
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
