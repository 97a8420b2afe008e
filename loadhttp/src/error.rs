//! Typed errors of the HTTP mode, each with a stable code (`WFLH…`).

use std::path::PathBuf;

use wfkit_loadgen::LoadgenError;

/// An error from the HTTP mode. The `Display` form starts with the stable code.
#[derive(Debug, thiserror::Error)]
pub enum LoadHttpError {
    /// An option is out of range or malformed. The message names the option and the value.
    #[error("[WFLH001] {option} {value:?}: {reason}")]
    InvalidOption {
        /// The option, such as `--url`.
        option: String,
        /// The value as given.
        value: String,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// goose refused its configuration or failed while running the attack.
    #[error("[WFLH002] goose: {message}")]
    Goose {
        /// What goose said.
        message: String,
    },
    /// Measuring or reporting failed in wfkit-loadgen.
    #[error("[WFLH003] {0}")]
    Loadgen(#[from] LoadgenError),
    /// A file or folder could not be written or created.
    #[error("[WFLH004] {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

impl LoadHttpError {
    /// The stable code, such as `WFLH001`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            LoadHttpError::InvalidOption { .. } => "WFLH001",
            LoadHttpError::Goose { .. } => "WFLH002",
            LoadHttpError::Loadgen(_) => "WFLH003",
            LoadHttpError::Io { .. } => "WFLH004",
        }
    }

    pub(crate) fn option(
        option: impl Into<String>,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        LoadHttpError::InvalidOption {
            option: option.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }
}
