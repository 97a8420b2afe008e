//! Every code the fuzzer itself emits, kept as data (`WFZ001`-`WFZ007`), each with one line of
//! what it means and one of what to do. Failures the fuzzer finds are not errors: they are
//! [`crate::FuzzFailure`]s.
//!
//! `fuzz/ERRORS.md` is checked against this registry by a test, and every code is used somewhere
//! in the crate. Codes never change meaning and are never reused; none is retired.

use std::fmt;

/// One stable code of `wfkit-fuzz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// WFZ001: a fault plan's text could not be read.
    PlanSyntax,
    /// WFZ002: the engine could not start.
    Engine,
    /// WFZ003: a worker incarnation could not start.
    Worker,
    /// WFZ004: the workflow could not be started.
    Start,
    /// WFZ005: the regression file could not be read or written.
    Regressions,
    /// WFZ006: a tokio runtime could not be built.
    Runtime,
    /// WFZ007: the settings are unusable.
    Config,
}

impl ErrorCode {
    /// Every code, in code order.
    pub const ALL: [ErrorCode; 7] = [
        ErrorCode::PlanSyntax,
        ErrorCode::Engine,
        ErrorCode::Worker,
        ErrorCode::Start,
        ErrorCode::Regressions,
        ErrorCode::Runtime,
        ErrorCode::Config,
    ];

    /// The stable code, such as `WFZ001`.
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
            ErrorCode::PlanSyntax => (
                "WFZ001",
                "a line of a fault plan (a --plan file, a regression file, `FaultPlan::parse`) is not a fault the fuzzer knows; the message gives the line number and text",
                "write the line as the fault table in fuzz/README.md shows, or paste the plan exactly as a failure printed it",
            ),
            ErrorCode::Engine => (
                "WFZ002",
                "the wfkit engine a case runs on could not start: it could not listen on a loopback port (the engine's WFE101 follows)",
                "check that loopback networking works and a port is free, then run again",
            ),
            ErrorCode::Worker => (
                "WFZ003",
                "a worker incarnation could not start, even after retrying for about 5 s: the `Workers::rust` options factory or the SDK failed, or the --worker-cmd command could not be spawned",
                "fix the worker the message names: its options factory, or the command given to --worker-cmd (run as `sh -c`)",
            ),
            ErrorCode::Start => (
                "WFZ004",
                "the engine refused to start the target workflow (the engine's WFE code and message follow)",
                "check the target's workflow type, id, input, namespace and task queue (`FuzzTarget`, or --workflow and --input)",
            ),
            ErrorCode::Regressions => (
                "WFZ005",
                "the regression file (--regressions, or `proptest-regressions/<name>.txt` under the current directory) could not be read or written",
                "check that file and its folder: they must be readable and writable; a missing file is fine",
            ),
            ErrorCode::Runtime => (
                "WFZ006",
                "the fuzzer could not build its tokio runtime (the operating system refused threads)",
                "check the process's thread and memory limits (ulimit -u, container limits)",
            ),
            ErrorCode::Config => (
                "WFZ007",
                "the settings are unusable: WFKIT_FUZZ_CASES or WFKIT_FUZZ_SEED is not a whole number, or proptest aborted the run (the reason follows)",
                "set WFKIT_FUZZ_CASES and WFKIT_FUZZ_SEED to whole numbers, or unset them; for an abort, act on proptest's reason",
            ),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The table of codes as `fuzz/ERRORS.md` holds it (a test keeps the two equal).
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
    const LETTERS: &[u8] = b"Z";
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
            "fuzz/ERRORS.md is out of date; its table must be exactly:\n{table}"
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
