//! Every code this crate emits, kept as data: flags and settings (`WFL001`-`WFL005`), reports
//! and histograms (`WFL010`-`WFL014`) and the Temporal target (`WFL020`), each with one line of
//! what it means and one of what to do.
//!
//! `loadgen/ERRORS.md` is checked against this registry by a test, and every code is used
//! somewhere in the crate. Codes never change meaning and are never reused; none is retired.

use std::fmt;

/// One stable code of `wfkit-loadgen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// WFL001: a command-line value could not be read.
    InvalidFlag,
    /// WFL002: two flags that exclude each other were both given.
    ConflictingFlags,
    /// WFL003: no load model flag was given.
    MissingModel,
    /// WFL004: neither a duration nor an iteration count bounds the run.
    MissingStop,
    /// WFL005: a setting built in code is out of range.
    InvalidConfig,
    /// WFL010: a histogram could not be encoded, decoded or combined.
    Histogram,
    /// WFL011: a report file or folder could not be read or written.
    Io,
    /// WFL012: a report is not valid JSON or not a report.
    Json,
    /// WFL013: a report of a schema version this build cannot read.
    SchemaVersion,
    /// WFL014: results cannot be merged.
    Merge,
    /// WFL020: the Temporal frontend could not be reached.
    Connect,
}

impl ErrorCode {
    /// Every code, in code order.
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::InvalidFlag,
        ErrorCode::ConflictingFlags,
        ErrorCode::MissingModel,
        ErrorCode::MissingStop,
        ErrorCode::InvalidConfig,
        ErrorCode::Histogram,
        ErrorCode::Io,
        ErrorCode::Json,
        ErrorCode::SchemaVersion,
        ErrorCode::Merge,
        ErrorCode::Connect,
    ];

    /// The stable code, such as `WFL001`.
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
            ErrorCode::InvalidFlag => (
                "WFL001",
                "a command-line value could not be read or is out of range (a rate, ramp, steps, duration, count, seed or --input-template); the message names the flag and the value",
                "fix the value as the message says: rates take /s, /m, /h, durations ms, s, m, h (such as 1m30s)",
            ),
            ErrorCode::ConflictingFlags => (
                "WFL002",
                "two flags that exclude each other were both given, such as two load models (--rate and --concurrency)",
                "keep one of the two flags the message names",
            ),
            ErrorCode::MissingModel => (
                "WFL003",
                "no load model flag was given",
                "give one of --rate, --ramp, --steps, --poisson or --concurrency",
            ),
            ErrorCode::MissingStop => (
                "WFL004",
                "nothing bounds the run: neither --duration nor --iterations was given",
                "give --duration, --iterations or both, so the run stops by itself",
            ),
            ErrorCode::InvalidConfig => (
                "WFL005",
                "a load model, stop condition, run option, workflow plan (type, task queue, signals) or report run name is out of range; the message says which (`invalid <setting>`)",
                "fix the setting the message names; a run name is letters, digits, '-', '_' and '.', not starting with '.'",
            ),
            ErrorCode::Histogram => (
                "WFL010",
                "a latency histogram could not be encoded, decoded or added (not base64, not HdrHistogram V2, values outside 1 µs..1 h), or an interval log was asked of an unknown histogram",
                "run the load again for a fresh report; a hand-edited report.json must keep its histograms as written",
            ),
            ErrorCode::Io => (
                "WFL011",
                "a report file or folder (report.json, summary.md, report.html, *.hlog) could not be read or written",
                "check the path the message names: that it exists for reading, and its permissions and free space for writing",
            ),
            ErrorCode::Json => (
                "WFL012",
                "a report is not valid JSON or does not follow the report schema: it may not be a loadgen report at all",
                "give a report.json written by `wfkit load` or `wfkit load-http`, or its folder",
            ),
            ErrorCode::SchemaVersion => (
                "WFL013",
                "a report was written with a report schema_version this build cannot read",
                "read it with the wfkit version that wrote it, or run the load again with this one",
            ),
            ErrorCode::Merge => (
                "WFL014",
                "reports or results cannot be merged: none given, more than 1000, a histogram that does not decode, series widths other than 1, 2, 4, ... s, or start times too far apart to align",
                "merge the unedited reports of runs started together (`wfkit report merge`), at most 1000 at a time",
            ),
            ErrorCode::Connect => (
                "WFL020",
                "the Temporal frontend could not be reached before the run: a bad address or TLS settings, nothing listening, or GetSystemInfo refused",
                "check --address and that the server is up; give --tls when the server wants TLS; the message carries a hint where one helps",
            ),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The table of codes as `loadgen/ERRORS.md` holds it (a test keeps the two equal).
pub fn error_table_markdown() -> String {
    wfkit_codes::markdown_table(
        ErrorCode::ALL
            .iter()
            .map(|code| (code.as_str(), code.meaning(), code.what_to_do())),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use wfkit_codes::{code_literals, contains_word};

    /// The code letters after `WF` this crate owns.
    const LETTERS: &[u8] = b"L";
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
            "loadgen/ERRORS.md is out of date; its table must be exactly:\n{table}"
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

    #[test]
    fn the_readme_links_errors_md_and_names_only_registered_codes() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(path).expect("README.md");
        assert!(
            readme.contains("ERRORS.md"),
            "README.md must link to ERRORS.md"
        );
        for literal in code_literals(&readme, LETTERS) {
            let known = ErrorCode::ALL.iter().any(|c| c.as_str() == literal);
            assert!(
                known,
                "README.md mentions {literal}, which is not in the registry"
            );
        }
    }

    /// Every `.rs` file under `src/`: its path relative to `src/`, and its text.
    fn source_files() -> Vec<(String, String)> {
        wfkit_codes::source_files(env!("CARGO_MANIFEST_DIR"))
    }
}
