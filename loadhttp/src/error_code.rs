//! Every code this crate emits, kept as data: options (`WFLH001`), goose (`WFLH002`),
//! wfkit-loadgen's measuring and reporting (`WFLH003`) and the HTTP side file (`WFLH004`), each
//! with one line of what it means and one of what to do.
//!
//! `loadhttp/ERRORS.md` is checked against this registry by a test, and every code is used
//! somewhere in the crate. Codes never change meaning and are never reused; none is retired.

use std::fmt;

/// One stable code of `wfkit-loadhttp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// WFLH001: an option is out of range or malformed.
    InvalidOption,
    /// WFLH002: goose refused its configuration or failed while running the attack.
    Goose,
    /// WFLH003: measuring or reporting failed in wfkit-loadgen.
    Loadgen,
    /// WFLH004: a file of the report folder could not be written.
    Io,
}

impl ErrorCode {
    /// Every code, in code order.
    pub const ALL: [ErrorCode; 4] = [
        ErrorCode::InvalidOption,
        ErrorCode::Goose,
        ErrorCode::Loadgen,
        ErrorCode::Io,
    ];

    /// The stable code, such as `WFLH001`.
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
            ErrorCode::InvalidOption => (
                "WFLH001",
                "an option of the HTTP load is out of range or malformed (--url, --body, --method, --users, --hatch-rate, --rate, --duration, --iterations, --request-timeout or --header), or neither --duration nor --iterations bounds the run; the message names the option and the value",
                "fix the option as the message says: --url starts with http:// or https://, has a host and only {ns}, {id} and {seq} in braces; --users 1 to 10000; --rate at most 1000000/s; --duration and --request-timeout at most one day; at most 64 headers, each NAME: VALUE",
            ),
            ErrorCode::Goose => (
                "WFLH002",
                "goose refused the configuration built from the options (the message names the goose option and value) or failed to start or run the attack (goose's own error follows)",
                "fix the option behind the goose option the message names (--users, --hatch-rate, --request-timeout, --duration or --iterations); if goose failed during the run, run again and report the message if it repeats",
            ),
            ErrorCode::Loadgen => (
                "WFLH003",
                "measuring or reporting failed in wfkit-loadgen: the run settings were refused, the results could not be finished or the report folder could not be written; the wfkit-loadgen code follows (see loadgen/ERRORS.md)",
                "do what loadgen/ERRORS.md says for the wfkit-loadgen code in the message (such as WFL011 for a report folder that cannot be written)",
            ),
            ErrorCode::Io => (
                "WFLH004",
                "http.json, the HTTP side file of the report folder (responses by HTTP status, closed or paced loop), could not be encoded or written",
                "check the permissions and free space of the folder the message names (the other report files were written there just before)",
            ),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The table of codes as `loadhttp/ERRORS.md` holds it (a test keeps the two equal).
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
    use wfkit_codes::contains_word;

    /// The code prefix this crate owns: `WFLH` and three digits (`WFL…` is wfkit-loadgen's).
    const PREFIX: &str = "WFLH";
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
            "loadhttp/ERRORS.md is out of date; its table must be exactly:\n{table}"
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
            assert_eq!(code_literals(code.as_str(), PREFIX), [code.as_str()]);
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
            for literal in code_literals(text, PREFIX) {
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

    /// The `<prefix><three digits>` words in `text`, such as `WFLH001`.
    fn code_literals(text: &str, prefix: &str) -> Vec<String> {
        let bytes = text.as_bytes();
        let len = prefix.len() + 3;
        let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        (0..(bytes.len() + 1).saturating_sub(len))
            .filter(|&at| {
                bytes[at..].starts_with(prefix.as_bytes())
                    && bytes[at + prefix.len()..at + len]
                        .iter()
                        .all(u8::is_ascii_digit)
                    && (at == 0 || !word(&bytes[at - 1]))
                    && bytes.get(at + len).is_none_or(|b| !word(b))
            })
            .map(|at| text[at..at + len].to_string())
            .collect()
    }
}
