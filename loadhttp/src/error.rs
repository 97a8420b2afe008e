//! Typed errors of the HTTP mode, each with a stable code (`WFLH…`).

use std::path::PathBuf;

use wfkit_loadgen::LoadgenError;

use crate::error_code::ErrorCode;

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
    /// The stable code, such as `WFLH001` (the registry's [`ErrorCode::as_str`]).
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as data: its meaning and what to do ([`ErrorCode`]).
    #[must_use]
    pub fn error_code(&self) -> ErrorCode {
        match self {
            LoadHttpError::InvalidOption { .. } => ErrorCode::InvalidOption,
            LoadHttpError::Goose { .. } => ErrorCode::Goose,
            LoadHttpError::Loadgen(_) => ErrorCode::Loadgen,
            LoadHttpError::Io { .. } => ErrorCode::Io,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(what: &str) -> String {
        what.to_owned()
    }

    /// One value of every variant, in code order.
    fn one_of_each() -> Vec<LoadHttpError> {
        vec![
            LoadHttpError::option("--users", "0", "must be between 1 and 10000"),
            LoadHttpError::Goose {
                message: text("a goose user outlived the attack"),
            },
            LoadHttpError::Loadgen(LoadgenError::Merge {
                reason: text("no reports given"),
            }),
            LoadHttpError::Io {
                path: PathBuf::from("reports/x/http.json"),
                source: std::io::Error::other("denied"),
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
        let codes: Vec<ErrorCode> = one_of_each()
            .iter()
            .map(LoadHttpError::error_code)
            .collect();
        assert_eq!(codes, ErrorCode::ALL);
    }
}
