//! Scenario workflows written with the official Temporal Rust SDK (`temporalio-sdk`), and the
//! code to run them against any server that speaks Temporal's gRPC API.
//!
//! The same scenarios serve as wfkit's fixture corpus (recorded from the real
//! `temporal server start-dev` by the `record-fixtures` binary), its conformance suite (the
//! same spec run on wfkit's engine and on the real server), its replay tests, and the load
//! generator's built-in worker. Everything is parameterised by server address, namespace and
//! task queue, and every scenario's result is deterministic.
//!
//! - [`spec::all`] lists the scenarios: name, workflow type, JSON input, driver steps
//!   (signals, queries, updates), expected [`Outcome`] and [`HistoryCheck`]s, and for a workflow
//!   that continues as new, the checks on each earlier run. [`spec::time_skipping`] lists the
//!   scenarios that sleep for days of workflow time, for servers that skip time.
//! - [`worker::BackgroundWorker`] / [`worker::run_worker`] run a worker with every scenario
//!   workflow and activity registered.
//! - [`versions`] holds the versions of one example workflow (`VersionedBooking`: v1, a
//!   breaking v2, a patched v3, one that panics) for replay tests, and their worker options.
//! - [`replay::replay_histories`] replays recorded histories against the scenario workflows.
//! - [`driver::run_scenario`] starts a scenario with the official client, drives it, waits for
//!   it to close (following continue-as-new to the last run) and returns its outcome and the
//!   full history of every run; [`ScenarioOutcome::problems`] lists how a run differs from its
//!   spec.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use wfkit_scenarios::{BackgroundWorker, ServerTarget, run_scenario, spec};
//!
//! let target = ServerTarget::new("127.0.0.1:7233", "default");
//! let worker = BackgroundWorker::start(&target, "scenarios").await?;
//! let client = target.connect().await?;
//! for scenario in spec::all() {
//!     let run = run_scenario(&client, "scenarios", &scenario, &format!("demo-{}", scenario.name)).await?;
//!     assert_eq!(run.problems(&scenario), Vec::<String>::new());
//! }
//! worker.stop().await?;
//! # Ok(())
//! # }
//! ```

pub mod activities;
pub mod checks;
pub mod connect;
pub mod driver;
pub mod error;
pub mod fixture_file;
pub mod load;
pub mod outcome;
pub mod replay;
pub mod scenario_outcome;
pub mod spec;
pub mod versions;
pub mod worker;
pub mod workflows;

pub use checks::{CheckFailure, HistoryCheck, verify_all};
pub use connect::{ServerTarget, WorkerTls, connect};
pub use driver::{ScenarioOutcome, run_scenario, run_scenario_within, signal_json};
pub use error::{ConnectError, OutcomeError, ScenarioError, WorkerError};
pub use outcome::{FailureKind, FailureSummary, Outcome, outcome_from_history};
pub use spec::{DriverStep, ScenarioSpec, UpdateOutcome, all, time_skipping};
pub use worker::{BackgroundWorker, run_worker, worker_options};
