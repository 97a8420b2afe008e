//! Load generation free of coordinated omission, for Temporal clusters and anything else that
//! can start work and wait for it.
//!
//! - [`model`]: open-model arrival schedules (constant, ramp, steps, Poisson) and the closed
//!   model, stop conditions, and the command-line syntax (`--rate 100/s`, …).
//! - [`executor`]: [`run_load`] drives a [`Target`] on tokio and never delays a start silently.
//! - [`measure`]: HdrHistograms (µs, 3 significant digits) of start latency and of end-to-end
//!   latency corrected and uncorrected for coordinated omission, and of each workflow update's
//!   round trip (Temporal runs that send updates); time series; exact [`merge`].
//! - [`report`]: the JSON report (stable schema), Markdown summary, HTML page with SVG plots,
//!   HdrHistogram interval logs, baseline comparison and pass/fail thresholds.
//! - `temporal` (feature `temporal`, on by default): [`temporal::TemporalTarget`] drives any
//!   server that speaks Temporal's gRPC API with the official Rust client, and reads
//!   schedule-to-start latencies from sampled histories after the run.
//!
//! ```no_run
//! # async fn demo() -> Result<(), wfkit_loadgen::LoadgenError> {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use wfkit_loadgen::{LoadArgs, RunOptions, SimulatedTarget, report, run_load};
//!
//! let plan = LoadArgs {
//!     rate: Some("100/s".into()),
//!     duration: Some("30s".into()),
//!     ..LoadArgs::default()
//! }
//! .parse()?;
//! let target = Arc::new(SimulatedTarget::new(Duration::from_millis(2), Duration::from_millis(20)));
//! let result = run_load(target, plan.model, plan.stop, RunOptions::default()).await?;
//! let report = report::Report::from_result("smoke", &result)?;
//! report::write_report_dir(&report, "reports/smoke".as_ref())?;
//! # Ok(()) }
//! ```

mod error;
mod error_code;
pub mod executor;
pub mod measure;
pub mod model;
pub mod report;
mod simulated;
#[cfg(feature = "temporal")]
pub mod temporal;

pub use error::LoadgenError;
pub use error_code::{ErrorCode, error_table_markdown};
pub use executor::{
    InterruptSignal, Interrupter, RunOptions, Target, TargetError, interrupt_pair, run_load,
};
pub use measure::{RunResult, merge};
pub use model::{
    ArrivalModel, LoadArgs, LoadModel, LoadPlan, Schedule, StopCondition, parse_model,
};
pub use simulated::{MAX_STALLS, SimulatedTarget};
