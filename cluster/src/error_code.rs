//! Every code this crate emits, kept as data: connecting to a Temporal frontend and pulling
//! histories (`WFC001`-`WFC012`), each with one line of what it means and one of what to do.
//!
//! `cluster/ERRORS.md` is checked against this registry by a test, and every code is used
//! somewhere in the crate. Codes never change meaning and are never reused; none is retired.

use std::fmt;

/// One stable code of `wfkit-cluster`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// WFC001: the address is not `host:port` or an http(s) URL.
    InvalidAddress,
    /// WFC002: a TLS certificate or key file is unusable.
    TlsFile,
    /// WFC003: the TLS settings contradict each other or were refused.
    TlsConfig,
    /// WFC004: the namespace or API key cannot be sent as gRPC metadata.
    InvalidMetadata,
    /// WFC005: no connection to the frontend.
    Unreachable,
    /// WFC006: the frontend answered a call with an error status.
    Rpc,
    /// WFC007: pull options that cannot be honoured.
    InvalidPullOption,
    /// WFC008: the output directory or a file in it could not be written.
    Io,
    /// WFC009: a pulled history could not be written as JSON.
    HistoryWrite,
    /// WFC010: a history has more pages than the cap.
    HistoryTooLong,
    /// WFC011: the server sent history that cannot be decoded.
    HistoryDecode,
    /// WFC012: a background task failed: a wfkit bug.
    Internal,
}

impl ErrorCode {
    /// Every code, in code order.
    pub const ALL: [ErrorCode; 12] = [
        ErrorCode::InvalidAddress,
        ErrorCode::TlsFile,
        ErrorCode::TlsConfig,
        ErrorCode::InvalidMetadata,
        ErrorCode::Unreachable,
        ErrorCode::Rpc,
        ErrorCode::InvalidPullOption,
        ErrorCode::Io,
        ErrorCode::HistoryWrite,
        ErrorCode::HistoryTooLong,
        ErrorCode::HistoryDecode,
        ErrorCode::Internal,
    ];

    /// The stable code, such as `WFC005`.
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
            ErrorCode::InvalidAddress => (
                "WFC001",
                "the frontend address is not host:port or an http:// or https:// URL (empty, with a path, another scheme)",
                "give --address (or TEMPORAL_ADDRESS) as host:port such as 127.0.0.1:7233, or as an http:// or https:// URL",
            ),
            ErrorCode::TlsFile => (
                "WFC002",
                "a TLS file (CA certificate, client certificate or client key) cannot be read, is not a regular file, is too large, or holds no usable PEM data",
                "check the file given to --tls-ca-path, --tls-cert-path or --tls-key-path; the message says when certificate and key look swapped",
            ),
            ErrorCode::TlsConfig => (
                "WFC003",
                "the TLS settings contradict each other (--tls=false with TLS files or an https:// address, TLS files with an http:// address, a certificate without its key, an empty --tls-server-name) or the TLS library refused them",
                "remove the contradiction the message names; give --tls-cert-path and --tls-key-path together",
            ),
            ErrorCode::InvalidMetadata => (
                "WFC004",
                "the namespace or API key cannot be sent as gRPC metadata (control characters or line breaks, a non-ASCII or empty API key); the value is never shown",
                "check --namespace and --api-key (or TEMPORAL_API_KEY) for stray pasted characters",
            ),
            ErrorCode::Unreachable => (
                "WFC005",
                "no connection to the frontend: nothing listens there, the name does not resolve, the TLS handshake failed, or the connection broke during GetSystemInfo",
                "check --address and that the server is up; a local dev server speaks no TLS (--tls=false); with TLS, check --tls-ca-path and --tls-server-name",
            ),
            ErrorCode::Rpc => (
                "WFC006",
                "the frontend answered GetSystemInfo, ListWorkflowExecutions or GetWorkflowExecutionHistory with an error status (UNAVAILABLE and RESOURCE_EXHAUSTED only after retries); the server's message follows",
                "act on the status: UNAUTHENTICATED or PERMISSION_DENIED, check --api-key, the client certificate and --namespace; NOT_FOUND, check --namespace; INVALID_ARGUMENT, fix --query",
            ),
            ErrorCode::InvalidPullOption => (
                "WFC007",
                "a pull option is out of range: an empty namespace, --concurrency outside 1 to 32, or --limit 0 or above 100000 executions",
                "fix the option the message names; pull more than 100000 executions in batches with narrower --query values",
            ),
            ErrorCode::Io => (
                "WFC008",
                "the output directory (--out) or a history file in it could not be created, renamed into place or inspected",
                "check that --out is a writable directory with free space",
            ),
            ErrorCode::HistoryWrite => (
                "WFC009",
                "a pulled history could not be written as JSON; the history codec's own error (a WFH code) follows",
                "act on the WFH code in the message (see history/ERRORS.md); usually a disk or permission problem under --out",
            ),
            ErrorCode::HistoryTooLong => (
                "WFC010",
                "a history has more than 10000 pages of 1000 events; it was not written, the other histories were",
                "export that run another way (`temporal workflow show -o json`), or leave it out with a narrower --query",
            ),
            ErrorCode::HistoryDecode => (
                "WFC011",
                "the server sent raw history blobs in an encoding other than proto3, or blobs that do not decode",
                "turn off frontend.sendRawWorkflowHistory on the server, or export that run with `temporal workflow show -o json`",
            ),
            ErrorCode::Internal => (
                "WFC012",
                "a background download or write task panicked or was cancelled: a wfkit bug, reported rather than hidden",
                "report it with the message; pulling again is safe (finished files are whole, written under a temporary name and renamed)",
            ),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The table of codes as `cluster/ERRORS.md` holds it (a test keeps the two equal).
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
    const LETTERS: &[u8] = b"C";
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
            "cluster/ERRORS.md is out of date; its table must be exactly:\n{table}"
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
