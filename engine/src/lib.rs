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

mod activity;
mod canned;

mod children;
mod clock;
mod close;
mod commands;
mod completion;
mod driver;
mod error;
mod events;
mod execution;
pub mod faults;
mod frontend;
mod ids;
mod in_process;
mod matching;
mod namespace;
mod server;
pub mod services;
mod shared;
mod stall;
mod start;
mod state;
mod test_engine;
mod time;
mod timers;
mod token;
mod workflow_task;

pub use canned::CannedAnswer;
pub use clock::TimeMode;
pub use error::EngineError;
pub use server::{Engine, StartError};
pub use shared::EngineConfig;
pub use test_engine::TestEngine;
