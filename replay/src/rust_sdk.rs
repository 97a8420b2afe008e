//! Replay for Rust users, in a `#[test]`: workflows written with the official Rust SDK.
//!
//! ```no_run
//! # async fn demo() -> Result<(), wfkit_replay::ReplayError> {
//! wfkit_replay::Replayer::new(wfkit_scenarios::worker_options)
//!     .histories("fixtures/scenarios")
//!     .run()
//!     .await?
//!     .assert_all_ok();
//! # Ok(()) }
//! ```

use std::path::PathBuf;

use temporalio_sdk::WorkerOptions;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_scenarios::{BackgroundWorker, ServerTarget, WorkerError};

use crate::error_code::ErrorCode;
use crate::{ReplayOptions, ReplayReport, collect, replay};

/// Errors setting up a replay (the verdicts themselves are in the report).
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The engine could not start.
    #[error("[WFR001] cannot start the engine: {0}")]
    Engine(#[from] wfkit_engine::StartError),
    /// The worker could not start or stop.
    #[error("[WFR002] the replay worker: {0}")]
    Worker(#[from] WorkerError),
}

impl ReplayError {
    /// The stable code, such as `WFR001` (the registry's [`ErrorCode::as_str`]).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as data: its meaning and what to do ([`ErrorCode`]).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            ReplayError::Engine(_) => ErrorCode::Engine,
            ReplayError::Worker(_) => ErrorCode::Worker,
        }
    }
}

/// Makes the worker's options (its registered workflows) for a task queue.
type OptionsFactory = Box<dyn FnOnce(&str) -> Result<WorkerOptions, WorkerError> + Send>;

/// Replays histories against Rust SDK workflows.
#[must_use]
pub struct Replayer {
    options: OptionsFactory,
    paths: Vec<PathBuf>,
    settings: ReplayOptions,
}

impl std::fmt::Debug for Replayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replayer")
            .field("paths", &self.paths)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Replayer {
    /// A replayer whose worker registers the workflows `options` registers (activities are not
    /// needed: replay never runs one).
    pub fn new(
        options: impl FnOnce(&str) -> Result<WorkerOptions, WorkerError> + Send + 'static,
    ) -> Self {
        Replayer {
            options: Box::new(options),
            paths: Vec::new(),
            settings: ReplayOptions::default(),
        }
    }

    /// Adds a history file, or a folder of them (searched recursively).
    pub fn histories(mut self, path: impl Into<PathBuf>) -> Self {
        self.paths.push(path.into());
        self
    }

    /// Changes the run's settings.
    pub fn settings(mut self, settings: ReplayOptions) -> Self {
        self.settings = settings;
        self
    }

    /// Replays everything and returns the report.
    pub async fn run(self) -> Result<ReplayReport, ReplayError> {
        let items = collect(&self.paths);
        let engine = TestEngine::start_with(EngineConfig {
            time_mode: TimeMode::Real,
            ..EngineConfig::default()
        })
        .await?;
        let target = ServerTarget::new(
            engine.address().to_string(),
            self.settings.namespace.clone(),
        );
        let queue = self.settings.task_queue.clone();
        let factory = self.options;
        let worker = BackgroundWorker::start_with(&target, &self.settings.task_queue, move || {
            factory(&queue)
        })
        .await?;
        let report = replay(&engine, &self.settings, &items).await;
        worker.stop().await?;
        engine.stop().await;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One value of every variant, in code order.
    fn one_of_each() -> Vec<ReplayError> {
        vec![
            ReplayError::Engine(wfkit_engine::StartError::Bind {
                address: "127.0.0.1:1".to_string(),
                source: std::io::Error::other("address in use"),
            }),
            ReplayError::Worker(WorkerError::ThreadLost),
        ]
    }

    #[test]
    fn every_message_starts_with_its_code() {
        for error in one_of_each() {
            let text = error.to_string();
            assert!(text.starts_with(&format!("[{}] ", error.code())), "{text}");
        }
    }

    #[test]
    fn the_errors_cover_every_code() {
        let codes: Vec<ErrorCode> = one_of_each().iter().map(ReplayError::error_code).collect();
        assert_eq!(codes, ErrorCode::ALL);
    }
}
