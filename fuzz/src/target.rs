//! What a fuzz run drives: the workflow to start, the signals it receives, and the workers
//! that run it (Rust SDK worker options made in-process, or any SDK's worker as a command).

use std::sync::Arc;
use std::time::Duration;

use temporalio_sdk::WorkerOptions;
use wfkit_scenarios::{BackgroundWorker, ServerTarget, WorkerError};

use crate::effects::SideEffects;
use crate::error::FuzzError;

/// A signal the workflow receives during a case.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalSpec {
    /// Signal name.
    pub name: String,
    /// Signal input (JSON).
    pub input: serde_json::Value,
    /// Delivered after this workflow task completion (or as soon as the workflow is idle).
    pub after_workflow_task: u32,
}

/// An update the workflow receives during a case (nobody waits for its outcome; the invariants
/// check that an accepted update completes exactly once).
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateSpec {
    /// Update (handler) name.
    pub name: String,
    /// Update argument (JSON); `None` sends no argument.
    pub input: Option<serde_json::Value>,
    /// Sent after this workflow task completion (or as soon as the workflow is idle).
    pub after_workflow_task: u32,
}

/// The workflow a fuzz run starts in every case.
#[derive(Debug, Clone)]
#[must_use]
pub struct FuzzTarget {
    /// Workflow type.
    pub workflow_type: String,
    /// Input (JSON), passed as one argument.
    pub input: serde_json::Value,
    /// Namespace.
    pub namespace: String,
    /// Task queue the workers poll.
    pub task_queue: String,
    /// Workflow id.
    pub workflow_id: String,
    /// Signals sent during the case.
    pub signals: Vec<SignalSpec>,
    /// Updates sent during the case.
    pub updates: Vec<UpdateSpec>,
    /// The workflow's execution timeout (virtual time).
    pub execution_timeout: Duration,
}

impl FuzzTarget {
    /// A target for `workflow_type` with `input`, on task queue `wfkit-fuzz`.
    pub fn new(workflow_type: impl Into<String>, input: serde_json::Value) -> Self {
        FuzzTarget {
            workflow_type: workflow_type.into(),
            input,
            namespace: "default".to_string(),
            task_queue: "wfkit-fuzz".to_string(),
            workflow_id: "wfkit-fuzz-case".to_string(),
            signals: Vec::new(),
            updates: Vec::new(),
            execution_timeout: Duration::from_secs(7 * 24 * 3600),
        }
    }

    /// Adds a signal delivered after workflow task completion `after_workflow_task`.
    pub fn signal(
        mut self,
        name: impl Into<String>,
        input: serde_json::Value,
        after_workflow_task: u32,
    ) -> Self {
        self.signals.push(SignalSpec {
            name: name.into(),
            input,
            after_workflow_task,
        });
        self
    }
}

impl FuzzTarget {
    /// Adds an update sent after workflow task completion `after_workflow_task`.
    pub fn update(
        mut self,
        name: impl Into<String>,
        input: Option<serde_json::Value>,
        after_workflow_task: u32,
    ) -> Self {
        self.updates.push(UpdateSpec {
            name: name.into(),
            input,
            after_workflow_task,
        });
        self
    }
}

/// What a worker incarnation is told when it starts.
#[derive(Debug, Clone)]
pub struct WorkerSpawn {
    /// `host:port` of the engine.
    pub address: String,
    /// Namespace.
    pub namespace: String,
    /// Task queue to poll.
    pub task_queue: String,
    /// The identity the worker must report (each incarnation has its own, so the engine knows
    /// which one crashed).
    pub identity: String,
    /// 0 for the first worker of a case, then 1, 2, … after each crash.
    pub incarnation: u32,
    /// A seed for anything random in the worker, fixed per case and incarnation, so a case
    /// reruns identically. The replay check uses incarnation 0's.
    pub seed: u64,
    /// Where activities record their side effects.
    pub effects: SideEffects,
}

/// Makes the Rust SDK worker options (registered workflows and activities) for a spawn.
pub type OptionsFn = dyn Fn(&WorkerSpawn) -> Result<WorkerOptions, WorkerError> + Send + Sync;

/// The workers of a fuzz run.
#[derive(Clone)]
pub enum Workers {
    /// Official Rust SDK workers in this process.
    Rust(Arc<OptionsFn>),
    /// A worker in any SDK, started as `sh -c CMD` with `TEMPORAL_ADDRESS`,
    /// `TEMPORAL_NAMESPACE`, `TEMPORAL_TASK_QUEUE` and `WFKIT_WORKER_IDENTITY` set; a crash
    /// kills it.
    Command(String),
}

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Workers::Rust(_) => f.write_str("Workers::Rust(..)"),
            Workers::Command(command) => write!(f, "Workers::Command({command:?})"),
        }
    }
}

impl Workers {
    /// Rust SDK workers whose options `options` makes.
    pub fn rust(
        options: impl Fn(&WorkerSpawn) -> Result<WorkerOptions, WorkerError> + Send + Sync + 'static,
    ) -> Self {
        Workers::Rust(Arc::new(options))
    }

    /// Starts one incarnation, trying again for a while when the engine does not answer (it
    /// may be restarting).
    pub(crate) async fn spawn(&self, spawn: WorkerSpawn) -> Result<RunningWorker, FuzzError> {
        for _ in 1..SPAWN_TRIES {
            if let Ok(worker) = self.spawn_once(spawn.clone()).await {
                return Ok(worker);
            }
            tokio::time::sleep(SPAWN_PAUSE).await;
        }
        // The last try's error is the one reported.
        self.spawn_once(spawn).await
    }

    async fn spawn_once(&self, spawn: WorkerSpawn) -> Result<RunningWorker, FuzzError> {
        let incarnation = spawn.incarnation;
        let failed = |message: String| FuzzError::Worker {
            incarnation,
            message,
        };
        match self {
            Workers::Rust(options) => {
                let options = options.clone();
                let target = ServerTarget::new(spawn.address.clone(), spawn.namespace.clone());
                let task_queue = spawn.task_queue.clone();
                let worker = BackgroundWorker::start_with(&target, &task_queue, move || {
                    let mut built = options(&spawn)?;
                    built.client_identity_override = Some(spawn.identity.clone());
                    Ok(built)
                })
                .await
                .map_err(|error| failed(error.to_string()))?;
                Ok(RunningWorker::Rust(worker))
            }
            Workers::Command(command) => {
                let child = tokio::process::Command::new("sh")
                    // Its own process group, so a crash kills the worker the shell started too.
                    .process_group(0)
                    .arg("-c")
                    .arg(command)
                    .env("TEMPORAL_ADDRESS", &spawn.address)
                    .env("TEMPORAL_NAMESPACE", &spawn.namespace)
                    .env("TEMPORAL_TASK_QUEUE", &spawn.task_queue)
                    .env("WFKIT_WORKER_IDENTITY", &spawn.identity)
                    .env("WFKIT_WORKER_SEED", spawn.seed.to_string())
                    .stdin(std::process::Stdio::null())
                    // Its stdout would mix with the fuzzer's report; its stderr (panics, errors)
                    // is kept.
                    .stdout(std::process::Stdio::null())
                    .kill_on_drop(true)
                    .spawn()
                    .map_err(|error| failed(format!("`{command}`: {error}")))?;
                Ok(RunningWorker::Command(child))
            }
        }
    }
}

/// Attempts to start a worker, and the pause between two (an engine restart takes a moment).
const SPAWN_TRIES: u32 = 100;
const SPAWN_PAUSE: Duration = Duration::from_millis(50);

/// How long a stopping worker may take to wind down before it is left behind.
const STOP_LIMIT: Duration = Duration::from_secs(10);

/// A running worker incarnation.
#[derive(Debug)]
pub(crate) enum RunningWorker {
    Rust(BackgroundWorker),
    Command(tokio::process::Child),
}

impl RunningWorker {
    /// Stops the worker: a Rust worker shuts down (the engine already treats a crashed one as
    /// gone), a command worker is killed.
    pub(crate) async fn stop(self) {
        match self {
            RunningWorker::Rust(worker) => {
                let _ = tokio::time::timeout(STOP_LIMIT, worker.stop()).await;
            }
            RunningWorker::Command(mut child) => {
                if let Some(pid) = child.id() {
                    // `sh -c` may have started the worker as its child: kill the whole group.
                    let _ = tokio::process::Command::new("kill")
                        .args(["-KILL", "--", &format!("-{pid}")])
                        .status()
                        .await;
                }
                let _ = child.kill().await;
            }
        }
    }
}
