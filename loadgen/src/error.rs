//! Typed errors for load generation and reports, each with a stable code (`WFL…`).
//!
//! Codes never change meaning once released: scripts and CI annotations match on them.

use std::path::PathBuf;

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
    /// The stable code, such as `WFL001`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            LoadgenError::InvalidFlag { .. } => "WFL001",
            LoadgenError::ConflictingFlags { .. } => "WFL002",
            LoadgenError::MissingModel => "WFL003",
            LoadgenError::MissingStop => "WFL004",
            LoadgenError::InvalidConfig { .. } => "WFL005",
            LoadgenError::Histogram { .. } => "WFL010",
            LoadgenError::Io { .. } => "WFL011",
            LoadgenError::Json { .. } => "WFL012",
            LoadgenError::SchemaVersion { .. } => "WFL013",
            LoadgenError::Merge { .. } => "WFL014",
            LoadgenError::Connect { .. } => "WFL020",
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
