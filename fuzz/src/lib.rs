//! Property-based fault injection for Temporal workflows.
//!
//! proptest generates [`FaultPlan`]s sized to the workflow's own fault-free run: activity
//! attempts that fail or time out before or after their side effect, lost replies, duplicate
//! deliveries, worker crashes, workflow task timeouts, engine restarts, clock jumps, and signals
//! that come late, twice or out of order. The wfkit engine applies each plan in virtual time
//! (deterministically: the same plan gives the same history), the invariants judge the case,
//! and a failure shrinks to the smallest plan that still breaks one, printed as text that
//! parses back.
//!
//! ```no_run
//! use wfkit_fuzz::{Fuzz, FuzzTarget, WorkerError, WorkerOptions, WorkerSpawn, Workers, check};
//! # fn options(_: &WorkerSpawn) -> Result<WorkerOptions, WorkerError> { unimplemented!() }
//! # fn main() -> Result<(), wfkit_fuzz::FuzzError> {
//! let fuzz = Fuzz::new(
//!     FuzzTarget::new("BookingSaga", serde_json::json!({"trip": "t-1"})),
//!     Workers::rust(options),
//!     "booking_saga",
//! )?
//! .invariant("every booking is cancelled when the saga fails", |case| {
//!     let _ = case.effects.len();
//!     Ok(())
//! });
//! check(&fuzz);
//! # Ok(()) }
//! ```

mod apply;
mod case;
mod check;
mod effects;
mod error;
mod error_code;
mod invariants;
pub mod plan;
pub mod strategy;
mod target;

pub use case::{CaseEnd, CaseOutcome};
pub use check::{
    DEFAULT_CASES, DEFAULT_MAX_FAULTS, Fuzz, FuzzConfig, FuzzFailure, FuzzReport, check,
};
pub use effects::{SideEffect, SideEffects};
pub use error::FuzzError;
pub use error_code::{ErrorCode, error_table_markdown};
pub use invariants::{Invariant, InvariantFn, Violation};
pub use plan::{FaultPlan, PlannedFault};
pub use target::{FuzzTarget, OptionsFn, SignalSpec, UpdateSpec, WorkerSpawn, Workers};

/// JSON values for workflow inputs and signals (`wfkit_fuzz::serde_json::json!`).
pub use serde_json;
/// What a Rust worker factory returns (re-exported so tests need no extra dependency).
pub use temporalio_sdk::WorkerOptions;
/// The error a Rust worker factory may return.
pub use wfkit_scenarios::WorkerError;
