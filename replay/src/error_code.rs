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
    let mut table = String::from("| code | meaning | what to do |\n|---|---|---|\n");
    for code in ErrorCode::ALL {
        table.push_str(&format!(
            "| {} | {} | {} |\n",
            code.as_str(),
            code.meaning(),
            code.what_to_do()
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

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
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut pending: Vec<PathBuf> = vec![root.clone()];
        let mut files = Vec::new();
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).expect("src is readable") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a source file");
                    let name = path.strip_prefix(&root).expect("under src");
                    files.push((name.display().to_string(), text));
                }
            }
        }
        files
    }

    /// Whether `needle` occurs in `text` as a whole word (`ErrorCode::Empty` is not in
    /// `ErrorCode::EmptyHistory`).
    fn contains_word(text: &str, needle: &str) -> bool {
        text.match_indices(needle).any(|(at, _)| {
            text[at + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
        })
    }

    /// The `WF<letter><three digits>` words in `text` whose letter is one of `letters`.
    fn code_literals(text: &str, letters: &[u8]) -> Vec<String> {
        let bytes = text.as_bytes();
        let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        (0..bytes.len().saturating_sub(5))
            .filter(|&at| {
                bytes[at..].starts_with(b"WF")
                    && letters.contains(&bytes[at + 2])
                    && bytes[at + 3..at + 6].iter().all(u8::is_ascii_digit)
                    && (at == 0 || !word(&bytes[at - 1]))
                    && bytes.get(at + 6).is_none_or(|b| !word(b))
            })
            .map(|at| text[at..at + 6].to_string())
            .collect()
    }
}
