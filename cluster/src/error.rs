//! Typed errors for connecting to a Temporal frontend and pulling histories, each with a stable
//! code.
//!
//! Codes never change meaning once released: scripts and CI annotations match on them. No
//! message ever contains an API key.

use std::path::PathBuf;

use crate::error_code::ErrorCode;

/// An error talking to a Temporal frontend. The `Display` form starts with the stable code.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The address is not `host:port` (or an `http://` / `https://` URL).
    #[error("[WFC001] invalid address {address:?}: {reason}")]
    InvalidAddress {
        /// The address as given.
        address: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A TLS certificate or key file cannot be read or holds no usable PEM data.
    #[error("[WFC002] {role} file {}: {reason}", path.display())]
    TlsFile {
        /// The file.
        path: PathBuf,
        /// What the file was meant to be: "CA certificate", "client certificate", "client key".
        role: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The TLS settings contradict each other or were refused by the TLS library.
    #[error("[WFC003] TLS configuration: {message}")]
    TlsConfig {
        /// What is wrong.
        message: String,
    },
    /// A value cannot be sent as gRPC metadata (for instance a non-ASCII namespace or an API key
    /// containing a newline). The value itself is not shown.
    #[error("[WFC004] the {what} cannot be sent as gRPC metadata: {reason}")]
    InvalidMetadata {
        /// Which value: "namespace" or "API key".
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// No connection could be made (nothing listening, DNS failure, TLS handshake failure).
    #[error("[WFC005] cannot reach the Temporal frontend at {address}: {message}")]
    Unreachable {
        /// The address dialled.
        address: String,
        /// What the transport said, with its causes.
        message: String,
    },
    /// The frontend answered a call with an error status.
    #[error("[WFC006] {call} failed: {code:?}: {message}{}", hint(*code))]
    Rpc {
        /// The call and what it was for, e.g. `ListWorkflowExecutions (query: ...)`.
        call: String,
        /// The gRPC status code.
        code: tonic::Code,
        /// The server's message.
        message: String,
    },
    /// Pull options that cannot be honoured.
    #[error("[WFC007] invalid pull option: {message}")]
    InvalidPullOption {
        /// What is wrong, naming the option.
        message: String,
    },
    /// The output directory or a file in it could not be created or written.
    #[error("[WFC008] {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A pulled history could not be written as JSON.
    #[error("[WFC009] writing {}: {source}", path.display())]
    HistoryWrite {
        /// The file.
        path: PathBuf,
        /// What the history codec said.
        #[source]
        source: wfkit_history::HistoryError,
    },
    /// A history had more pages than the hard cap; it was not written.
    #[error(
        "[WFC010] the history of {workflow_id} / {run_id} has more than {max_pages} pages; not written"
    )]
    HistoryTooLong {
        /// The workflow id.
        workflow_id: String,
        /// The run id.
        run_id: String,
        /// The cap.
        max_pages: usize,
    },
    /// The server sent history in a form that cannot be decoded (raw blobs in an unknown encoding).
    #[error("[WFC011] the history of {workflow_id} / {run_id} could not be decoded: {message}")]
    HistoryDecode {
        /// The workflow id.
        workflow_id: String,
        /// The run id.
        run_id: String,
        /// What is wrong.
        message: String,
    },
    /// A background task failed (a panic or cancellation): a bug, reported rather than hidden.
    #[error("[WFC012] internal error: {message}")]
    Internal {
        /// What happened.
        message: String,
    },
}

impl ClusterError {
    /// The stable code, such as `WFC005` (the registry's [`ErrorCode::as_str`]).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as data: its meaning and what to do ([`ErrorCode`]).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            ClusterError::InvalidAddress { .. } => ErrorCode::InvalidAddress,
            ClusterError::TlsFile { .. } => ErrorCode::TlsFile,
            ClusterError::TlsConfig { .. } => ErrorCode::TlsConfig,
            ClusterError::InvalidMetadata { .. } => ErrorCode::InvalidMetadata,
            ClusterError::Unreachable { .. } => ErrorCode::Unreachable,
            ClusterError::Rpc { .. } => ErrorCode::Rpc,
            ClusterError::InvalidPullOption { .. } => ErrorCode::InvalidPullOption,
            ClusterError::Io { .. } => ErrorCode::Io,
            ClusterError::HistoryWrite { .. } => ErrorCode::HistoryWrite,
            ClusterError::HistoryTooLong { .. } => ErrorCode::HistoryTooLong,
            ClusterError::HistoryDecode { .. } => ErrorCode::HistoryDecode,
            ClusterError::Internal { .. } => ErrorCode::Internal,
        }
    }

    /// An [`ClusterError::Rpc`] from a tonic status.
    pub(crate) fn rpc(call: impl Into<String>, status: &tonic::Status) -> ClusterError {
        ClusterError::Rpc {
            call: call.into(),
            code: status.code(),
            message: status_text(status),
        }
    }
}

fn hint(code: tonic::Code) -> &'static str {
    match code {
        tonic::Code::Unauthenticated | tonic::Code::PermissionDenied => {
            " (check --api-key / TEMPORAL_API_KEY, the TLS client certificate, and --namespace)"
        }
        tonic::Code::NotFound => " (check --namespace)",
        tonic::Code::Unavailable => " (is the server up, and does it speak TLS when --tls is set?)",
        _ => "",
    }
}

/// A status's message followed by its causes. A status made from a transport error says only
/// "transport error"; its source says why.
pub(crate) fn status_text(status: &tonic::Status) -> String {
    match std::error::Error::source(status) {
        Some(source) => {
            let chain = error_chain(source);
            if chain.starts_with(status.message()) {
                chain
            } else {
                format!("{}: {chain}", status.message())
            }
        }
        None => status.message().to_owned(),
    }
}

/// `error: cause: cause ...` — tonic's transport errors say little without their sources.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    // Bounded: real chains are a handful deep.
    for _ in 0..16 {
        let Some(cause) = source else { break };
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(what: &str) -> String {
        what.to_owned()
    }

    fn path() -> PathBuf {
        PathBuf::from("out/h.json")
    }

    /// One value of every variant, in code order.
    fn one_of_each() -> Vec<ClusterError> {
        vec![
            ClusterError::InvalidAddress {
                address: text("ftp://x"),
                reason: text("only http:// and https://"),
            },
            ClusterError::TlsFile {
                path: path(),
                role: "client key",
                reason: text("no usable PEM private key"),
            },
            ClusterError::TlsConfig {
                message: text("a client key needs its certificate"),
            },
            ClusterError::InvalidMetadata {
                what: "API key",
                reason: text("it is empty"),
            },
            ClusterError::Unreachable {
                address: text("127.0.0.1:1"),
                message: text("connection refused"),
            },
            ClusterError::Rpc {
                call: text("GetSystemInfo"),
                code: tonic::Code::NotFound,
                message: text("namespace not found"),
            },
            ClusterError::InvalidPullOption {
                message: text("the limit must be at least 1"),
            },
            ClusterError::Io {
                path: path(),
                source: std::io::Error::other("denied"),
            },
            ClusterError::HistoryWrite {
                path: path(),
                source: wfkit_history::HistoryError::Write {
                    message: text("disk full"),
                },
            },
            ClusterError::HistoryTooLong {
                workflow_id: text("w"),
                run_id: text("r"),
                max_pages: 1,
            },
            ClusterError::HistoryDecode {
                workflow_id: text("w"),
                run_id: text("r"),
                message: text("raw history blob in encoding 2"),
            },
            ClusterError::Internal {
                message: text("a task panicked"),
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
        let codes: Vec<ErrorCode> = one_of_each().iter().map(ClusterError::error_code).collect();
        assert_eq!(codes, ErrorCode::ALL);
    }
}
