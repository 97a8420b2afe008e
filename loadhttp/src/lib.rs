//! The HTTP load mode: load on workflow systems fronted by HTTP, starting with Temporal's HTTP
//! API (`POST /api/v1/namespaces/{ns}/workflows/{id}` on the server's HTTP port), driven by
//! [goose](https://book.goose.rs) and measured and reported by wfkit-loadgen, so an HTTP run
//! writes the same report (JSON, Markdown, HTML, HdrHistogram logs) as `wfkit load`.
//!
//! - Every request is timed to the microsecond into wfkit-loadgen's HdrHistograms (1 µs to
//!   1 h, 3 significant digits); responses are counted by HTTP status, failures without a
//!   response as `CONNECT`, `TIMEOUT` or `TRANSPORT`.
//! - goose is closed loop: each user sends its next request when the previous one returns.
//!   Without `--rate` the report says so and gives the uncorrected latency and the
//!   HdrHistogram correction ([`CLOSED_LOOP_NOTE`]). With `--rate` the users share a fixed
//!   schedule and latency counts from each request's intended time ([`PACED_NOTE`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), wfkit_loadhttp::LoadHttpError> {
//! use std::time::Duration;
//! use wfkit_loadgen::StopCondition;
//! use wfkit_loadhttp::{HttpLoadOptions, run_http_load};
//!
//! let mut options = HttpLoadOptions::new(StopCondition::duration(Duration::from_secs(10)));
//! options.url = "http://127.0.0.1:7243/api/v1/namespaces/{ns}/workflows/{id}".into();
//! options.users = 4;
//! let run = run_http_load(&options).await?;
//! run.write("http-smoke", "reports/http-smoke".as_ref())?;
//! # Ok(()) }
//! ```

mod attack;
mod error;
mod error_code;
mod options;
mod output;
mod pacing;
mod quiet_log;
mod session;
mod template;

pub use attack::run_http_load;
pub use error::LoadHttpError;
pub use error_code::{ErrorCode, error_table_markdown};
pub use options::{
    DEFAULT_BODY, DEFAULT_NAMESPACE, DEFAULT_URL, HttpLoadOptions, HttpMethod, MAX_DURATION,
    MAX_HEADERS, MAX_ITERATIONS, MAX_USERS,
};
pub use output::{CLOSED_LOOP_NOTE, HTTP_JSON, HttpRunResult, PACED_NOTE};
pub use quiet_log::install_quiet_logger;
pub use session::MAX_STATUS_LABELS;
pub use template::{BodyTemplate, MAX_TEMPLATE_BYTES, UrlTemplate};
