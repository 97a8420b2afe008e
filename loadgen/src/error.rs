//! Typed errors for load generation and reports, each with a stable code (`WFL…`).
//!
//! Codes never change meaning once released: scripts and CI annotations match on them.

use std::path::PathBuf;

use crate::error_code::ErrorCode;

/// An error from the load generator. The `Display` form starts with the stable code.
#[derive(Debug, thiserror::Error)]
pub enum LoadgenError {
    /// A command-line value could not be read. The message names the flag and the value.
    #[error("[WFL001] {flag} {value:?}: {reason}")]
    InvalidFlag {
        /// The flag, such as `--ramp`.
        flag: String,
        /// The value as given.
        value: String,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// Two flags that exclude each other were both given.
    #[error("[WFL002] {first} and {second} cannot be used together: {reason}")]
    ConflictingFlags {
        /// The first flag.
        first: String,
        /// The second flag.
        second: String,
        /// Why they exclude each other.
        reason: String,
    },
    /// No load model flag was given.
    #[error(
        "[WFL003] no load model: give one of --rate, --ramp, --steps, --poisson or --concurrency"
    )]
    MissingModel,
    /// Neither a duration nor an iteration count bounds the run.
    #[error(
        "[WFL004] no stop condition: give --duration, --iterations or both, so the run stops by itself"
    )]
    MissingStop,
    /// A load model, stop condition or run option built in code is out of range.
    #[error("[WFL005] invalid {what}: {reason}")]
    InvalidConfig {
        /// Which setting, such as `arrival rate`.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A histogram could not be encoded, decoded or combined.
    #[error("[WFL010] histogram {name}: {message}")]
    Histogram {
        /// Which histogram, such as `end_to_end_corrected_us`.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// A report file or folder could not be read or written.
    #[error("[WFL011] {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A report is not valid JSON or does not follow the report schema.
    #[error("[WFL012] {context}: {source}")]
    Json {
        /// The file or other source.
        context: String,
        /// What the JSON reader said.
        #[source]
        source: serde_json::Error,
    },
    /// A report was written by a schema version this build cannot read.
    #[error(
        "[WFL013] {context}: report schema_version {found} is not supported (this build reads {supported})"
    )]
    SchemaVersion {
        /// The file or other source.
        context: String,
        /// The version in the report.
        found: u64,
        /// The version this build reads.
        supported: u64,
    },
    /// Results cannot be merged.
    #[error("[WFL014] cannot merge: {reason}")]
    Merge {
        /// Why.
        reason: String,
    },
    /// The Temporal frontend could not be reached, or refused the connection.
    #[error("[WFL020] cannot connect to the Temporal frontend at {address}: {message}")]
    Connect {
        /// The address dialled.
        address: String,
        /// What went wrong, with a hint where one helps.
        message: String,
    },
}

impl LoadgenError {
    /// The stable code, such as `WFL001` (the registry's [`ErrorCode::as_str`]).
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as data: its meaning and what to do ([`ErrorCode`]).
    #[must_use]
    pub fn error_code(&self) -> ErrorCode {
        match self {
            LoadgenError::InvalidFlag { .. } => ErrorCode::InvalidFlag,
            LoadgenError::ConflictingFlags { .. } => ErrorCode::ConflictingFlags,
            LoadgenError::MissingModel => ErrorCode::MissingModel,
            LoadgenError::MissingStop => ErrorCode::MissingStop,
            LoadgenError::InvalidConfig { .. } => ErrorCode::InvalidConfig,
            LoadgenError::Histogram { .. } => ErrorCode::Histogram,
            LoadgenError::Io { .. } => ErrorCode::Io,
            LoadgenError::Json { .. } => ErrorCode::Json,
            LoadgenError::SchemaVersion { .. } => ErrorCode::SchemaVersion,
            LoadgenError::Merge { .. } => ErrorCode::Merge,
            LoadgenError::Connect { .. } => ErrorCode::Connect,
        }
    }

    pub(crate) fn config(what: impl Into<String>, reason: impl Into<String>) -> Self {
        LoadgenError::InvalidConfig {
            what: what.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn flag(
        flag: impl Into<String>,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        LoadgenError::InvalidFlag {
            flag: flag.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(what: &str) -> String {
        what.to_owned()
    }

    /// One value of every variant, in code order.
    fn one_of_each() -> Vec<LoadgenError> {
        let json = serde_json::from_str::<serde_json::Value>("{").expect_err("broken JSON");
        vec![
            LoadgenError::flag("--rate", "banana", "expected a rate such as 100/s"),
            LoadgenError::ConflictingFlags {
                first: text("--rate"),
                second: text("--concurrency"),
                reason: text("each sets the load model: choose one"),
            },
            LoadgenError::MissingModel,
            LoadgenError::MissingStop,
            LoadgenError::config("iterations", "must be at least 1"),
            LoadgenError::Histogram {
                name: text("start_latency_us"),
                message: text("not base64"),
            },
            LoadgenError::Io {
                path: PathBuf::from("reports/x"),
                source: std::io::Error::other("denied"),
            },
            LoadgenError::Json {
                context: text("report.json"),
                source: json,
            },
            LoadgenError::SchemaVersion {
                context: text("report.json"),
                found: 9,
                supported: 1,
            },
            LoadgenError::Merge {
                reason: text("no reports given"),
            },
            LoadgenError::Connect {
                address: text("127.0.0.1:1"),
                message: text("connection refused"),
            },
        ]
    }

    #[test]
    fn every_message_starts_with_its_code() {
        for error in one_of_each() {
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("[{}] ", error.code())),
                "{message}"
            );
        }
    }

    #[test]
    fn the_errors_cover_every_code() {
        let codes: Vec<ErrorCode> = one_of_each().iter().map(LoadgenError::error_code).collect();
        assert_eq!(codes, ErrorCode::ALL);
    }
}
