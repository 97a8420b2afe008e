//! Talking to any Temporal frontend, from a local dev server to a production cluster or
//! Temporal Cloud: connection options (TLS, mutual TLS, API keys) shared by every wfkit command
//! that dials a server, and pulling workflow histories into files.
//!
//! ```no_run
//! # async fn demo() -> Result<(), wfkit_cluster::ClusterError> {
//! use wfkit_cluster::{ConnectOptions, PullOptions, connect, pull_histories};
//!
//! let options = ConnectOptions::new("my-ns.a1b2c.tmprl.cloud:7233", "my-ns.a1b2c")
//!     .api_key(std::env::var("TEMPORAL_API_KEY").unwrap_or_default());
//! let client = connect(&options).await?;
//! let pull = PullOptions::new("my-ns.a1b2c", "histories")
//!     .query("WorkflowType = 'Order' AND ExecutionStatus = 'Completed'")
//!     .limit(50);
//! let report = pull_histories(&client, &pull, |_progress| {}).await?;
//! println!("{} histories, {} bytes", report.written.len(), report.bytes);
//! # Ok(()) }
//! ```

mod connect;
mod connect_args;
mod connect_options;
mod error;
mod error_code;
mod file_name;
mod history_fetch;
mod interceptor;
mod list;
mod pull;
mod retry;
mod tls;

pub use connect::{Client, MAX_RESPONSE_BYTES, connect};
pub use connect_args::ConnectArgs;
pub use connect_options::{
    ConnectOptions, DEFAULT_ADDRESS, DEFAULT_CONNECT_TIMEOUT, DEFAULT_NAMESPACE, TlsOptions,
};
pub use error::ClusterError;
pub use error_code::{ErrorCode, error_table_markdown};
pub use file_name::history_file_name;
pub use interceptor::{AUTHORIZATION_HEADER, MetadataInterceptor, NAMESPACE_HEADER};
pub use list::ListedExecution;
pub use pull::{
    DEFAULT_CONCURRENCY, MAX_CONCURRENCY, MAX_EXECUTIONS, PullFailure, PullOptions, PullProgress,
    PullReport, PulledExecution, pull_histories,
};
