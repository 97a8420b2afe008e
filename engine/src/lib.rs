//! wfkit's reference engine: Temporal's `WorkflowService` in memory, over gRPC, so that the
//! official SDK workers and clients run against it unchanged; with a clock that can skip ahead.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = wfkit_engine::TestEngine::start().await?;
//! // Point `temporalio_client::Connection::connect` (or any SDK) at engine.url().
//! let history = engine.history("default", "my-workflow-id")?;
//! # let _ = history; Ok(()) }
//! ```

// Leaves: no engine state, no imports from the layers above.
mod clock;
mod error;
mod ids;
pub mod services;
mod stall;
mod time;
mod token;

// Owners: each holds one kind of state and changes only it.
mod canned;
mod execution;
pub mod faults;
mod matching;
mod namespace;
mod schedules;
mod timers;

// The composition of the owners behind the engine's one lock.
mod state;

// The rules: every change that spans owners (an `impl State` per kind of change).
mod transitions;

// Serving: the lock and settings, the timer driver, the RPC handlers, the gRPC server.
mod driver;
mod frontend;
mod server;
mod shared;

// Handles for users: `Engine` extensions and `TestEngine`.
mod handle;

pub use canned::CannedAnswer;
pub use clock::TimeMode;
pub use error::{EngineError, ErrorCode, error_table_markdown};
pub use handle::TestEngine;
pub use server::{Engine, StartError};
pub use shared::EngineConfig;
