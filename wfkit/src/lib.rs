//! wfkit for `cargo test`: one dev-dependency that brings every wfkit library.
//!
//! - [`engine`]: the reference engine (Temporal's `WorkflowService` in memory, virtual time
//!   that skips ahead): `wfkit::engine::TestEngine::start().await?` and point the official SDK
//!   at `engine.url()`.
//! - [`fuzz`]: property-based fault injection: `wfkit::fuzz::check(&fuzz)` runs generated
//!   fault plans against your Rust SDK workflows and shrinks a failure to a minimal plan.
//! - [`replay`]: recorded histories replayed against new workflow code, nondeterminism
//!   flagged with the first diverging event.
//! - [`history`]: reading, validating, normalising and diffing histories.
//! - [`loadgen`]: load models, measurement free of coordinated omission, reports.
//!
//! ```no_run
//! use wfkit::fuzz::{Fuzz, FuzzTarget, WorkerError, WorkerOptions, WorkerSpawn, Workers, check};
//!
//! // Registers your workflows and activities (activities record side effects in
//! // `spawn.effects`).
//! # fn options(_: &WorkerSpawn) -> Result<WorkerOptions, WorkerError> { unimplemented!() }
//!
//! // In a `#[test]` function (not `#[tokio::test]`: `check` makes its own runtime):
//! fn payment_survives_faults() -> Result<(), wfkit::fuzz::FuzzError> {
//!     let fuzz = Fuzz::new(
//!         FuzzTarget::new("Payment", wfkit::fuzz::serde_json::json!("order-1")),
//!         Workers::rust(options),
//!         "payment_survives_faults",
//!     )?
//!     .invariant("charged at most once", |case| {
//!         (case.effect_count("charge", "order-1") <= 1)
//!             .then_some(())
//!             .ok_or_else(|| "charged twice".to_string())
//!     });
//!     check(&fuzz);
//!     Ok(())
//! }
//! ```

pub use wfkit_engine as engine;
pub use wfkit_fuzz as fuzz;
pub use wfkit_history as history;
pub use wfkit_loadgen as loadgen;
pub use wfkit_replay as replay;
