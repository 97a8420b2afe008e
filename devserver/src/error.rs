//! Typed errors for finding, starting and stopping the dev server, each with a stable code.
//!
//! Codes never change meaning once released: scripts and CI annotations match on them.

use std::path::PathBuf;

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
    /// The stable code, such as `WFD001`.
    pub fn code(&self) -> &'static str {
        match self {
            DevServerError::BinaryNotFound { .. } => "WFD001",
            DevServerError::BinaryEnvInvalid { .. } => "WFD002",
            DevServerError::InvalidOption { .. } => "WFD003",
            DevServerError::PortAllocation { .. } => "WFD004",
            DevServerError::Spawn { .. } => "WFD005",
            DevServerError::ExitedEarly { .. } => "WFD006",
            DevServerError::StartupTimeout { .. } => "WFD007",
            DevServerError::Connect { .. } => "WFD008",
            DevServerError::Stop { .. } => "WFD009",
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
