//! The scenario worker: every scenario workflow and activity on one task queue.
//!
//! Two ways to run it:
//! - [`run_worker`] runs in the calling task until a stop future resolves. Its future is not
//!   `Send` (the SDK runs workflows on a `LocalSet`), so await it directly, e.g. from
//!   `#[tokio::main]`; do not `tokio::spawn` it.
//! - [`BackgroundWorker`] runs it on its own thread and Tokio runtime, for tests and tools that
//!   drive scenarios from the same process.

use std::{future::Future, thread::JoinHandle};

use temporalio_common::worker::WorkerDeploymentOptions;
use temporalio_sdk::{Runtime, Worker, WorkerOptions, runtime::RuntimeOptions};
use tokio::sync::oneshot;

use crate::{activities::ScenarioActivities, connect::ServerTarget, error::WorkerError};

/// The identity the worker reports to the server. Fixed (not `pid@host`) so recorded histories
/// are reproducible.
pub const WORKER_IDENTITY: &str = "wfkit-scenarios-worker";

/// The build id the worker reports (`workerVersion.buildId` in histories). Fixed per crate
/// version instead of the SDK's default hash of the running executable, which would differ
/// between the recorder, the tests and every rebuild.
pub const BUILD_ID: &str = concat!("wfkit-scenarios-", env!("CARGO_PKG_VERSION"));

/// Tokio worker threads of a [`BackgroundWorker`]'s runtime. The scenario activities do no
/// real work; two threads keep polling and activities from starving each other.
const BACKGROUND_RUNTIME_THREADS: usize = 2;

/// Registers every scenario workflow on a worker or replayer options builder (anything with a
/// `register_workflow::<W>() -> Result<Self, WorkflowRegistrationError>` method), returning the
/// builder or the registration error. The one list of scenario workflows.
macro_rules! register_scenario_workflows {
    ($builder:expr) => {
        $builder
            .register_workflow::<$crate::workflows::HelloWorkflow>()?
            .register_workflow::<$crate::workflows::FailingWorkflow>()?
            .register_workflow::<$crate::workflows::ActivityRetryWorkflow>()?
            .register_workflow::<$crate::workflows::TimersWorkflow>()?
            .register_workflow::<$crate::workflows::SignalsWorkflow>()?
            .register_workflow::<$crate::workflows::SagaWorkflow>()?
            .register_workflow::<$crate::workflows::ContinueAsNewWorkflow>()?
            .register_workflow::<$crate::workflows::ActivityHeartbeatCancelWorkflow>()?
            .register_workflow::<$crate::workflows::ActivityTimeoutWorkflow>()?
            .register_workflow::<$crate::workflows::QueryWorkflow>()?
            .register_workflow::<$crate::workflows::ChildWorkflowParent>()?
            .register_workflow::<$crate::workflows::LocalActivityWorkflow>()?
            .register_workflow::<$crate::workflows::PatchedWorkflow>()?
            .register_workflow::<$crate::workflows::UpdatesWorkflow>()?
            .register_workflow::<$crate::workflows::LongSleepWorkflow>()?
    };
}
pub(crate) use register_scenario_workflows;

/// Worker options for `task_queue` with every scenario workflow and activity registered.
pub fn worker_options(task_queue: &str) -> Result<WorkerOptions, WorkerError> {
    let options = WorkerOptions::new(task_queue)
        .client_identity_override(WORKER_IDENTITY.to_owned())
        .deployment_options(WorkerDeploymentOptions::from_build_id(BUILD_ID.to_owned()));
    Ok(register_scenario_workflows!(options)
        .register_activities(ScenarioActivities)
        .build())
}

/// Connects to `target` and builds the scenario worker for `task_queue`. The returned SDK
/// runtime must outlive the worker.
async fn build_worker(
    target: &ServerTarget,
    options: WorkerOptions,
) -> Result<(Runtime, Worker), WorkerError> {
    let runtime = Runtime::from_current_tokio(RuntimeOptions::default())?;
    let client = target.connect().await?;
    let worker = Worker::new(&runtime, client, options)?;
    Ok((runtime, worker))
}

/// Runs the scenario worker on `task_queue` until `stop` resolves, then shuts it down
/// gracefully (in-flight tasks finish) and returns. Must be awaited inside a Tokio runtime and
/// not spawned: the future is not `Send`.
pub async fn run_worker(
    target: &ServerTarget,
    task_queue: &str,
    stop: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    let (_runtime, mut worker) = build_worker(target, worker_options(task_queue)?).await?;
    let shutdown = worker.shutdown_handle();
    let stopper = async move {
        stop.await;
        shutdown();
        // The worker's run future ends once shutdown completes; keep this branch pending.
        std::future::pending::<()>().await;
    };
    tokio::select! {
        result = worker.run() => Ok(result?),
        () = stopper => Ok(()),
    }
}

/// The scenario worker running on a thread of its own. Stop it with [`BackgroundWorker::stop`];
/// dropping it initiates shutdown without waiting.
pub struct BackgroundWorker {
    task_queue: String,
    stop_tx: Option<oneshot::Sender<()>>,
    done_rx: Option<oneshot::Receiver<Result<(), WorkerError>>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for BackgroundWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackgroundWorker")
            .field("task_queue", &self.task_queue)
            .finish_non_exhaustive()
    }
}

impl BackgroundWorker {
    /// Starts the scenario worker for `task_queue` against `target` on a new thread. Returns
    /// once the worker is connected and created, so connection and registration errors surface
    /// here rather than later.
    pub async fn start(target: &ServerTarget, task_queue: &str) -> Result<Self, WorkerError> {
        let queue = task_queue.to_owned();
        Self::start_with(target, task_queue, move || worker_options(&queue)).await
    }

    /// Like [`BackgroundWorker::start`], with the worker's options (its registered workflows and
    /// activities) made by `options` on the worker's own thread.
    pub async fn start_with(
        target: &ServerTarget,
        task_queue: &str,
        options: impl FnOnce() -> Result<WorkerOptions, WorkerError> + Send + 'static,
    ) -> Result<Self, WorkerError> {
        let (ready_tx, ready_rx) = oneshot::channel::<Result<(), WorkerError>>();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let (done_tx, done_rx) = oneshot::channel::<Result<(), WorkerError>>();
        let target = target.clone();
        let thread = std::thread::Builder::new()
            .name(format!("wfkit-worker-{task_queue}"))
            .spawn(move || {
                let tokio_runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(BACKGROUND_RUNTIME_THREADS)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ignored = ready_tx.send(Err(WorkerError::Thread(e)));
                        return;
                    }
                };
                let result = tokio_runtime.block_on(async move {
                    let built = match options() {
                        Ok(options) => build_worker(&target, options).await,
                        Err(error) => Err(error),
                    };
                    let (_runtime, mut worker) = match built {
                        Ok(built) => built,
                        Err(e) => {
                            let _ignored = ready_tx.send(Err(e));
                            return Ok(());
                        }
                    };
                    let shutdown = worker.shutdown_handle();
                    let _ignored = ready_tx.send(Ok(()));
                    let stopper = async move {
                        // A dropped sender also means stop.
                        let _ignored = stop_rx.await;
                        shutdown();
                        std::future::pending::<()>().await;
                    };
                    tokio::select! {
                        result = worker.run() => result.map_err(WorkerError::from),
                        () = stopper => Ok(()),
                    }
                });
                let _ignored = done_tx.send(result);
            })
            .map_err(WorkerError::Thread)?;
        match ready_rx.await {
            Ok(Ok(())) => Ok(Self {
                task_queue: task_queue.to_owned(),
                stop_tx: Some(stop_tx),
                done_rx: Some(done_rx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ignored = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ignored = thread.join();
                Err(WorkerError::ThreadLost)
            }
        }
    }

    /// The task queue this worker polls.
    #[must_use]
    pub fn task_queue(&self) -> &str {
        &self.task_queue
    }

    /// Shuts the worker down gracefully and waits for its thread to end. Returns the error the
    /// worker stopped with, if any.
    pub async fn stop(mut self) -> Result<(), WorkerError> {
        if let Some(stop_tx) = self.stop_tx.take() {
            let _ignored = stop_tx.send(());
        }
        let result = match self.done_rx.take() {
            Some(done_rx) => done_rx.await.unwrap_or(Err(WorkerError::ThreadLost)),
            None => Ok(()),
        };
        if let Some(thread) = self.thread.take() {
            // The thread has reported; joining only waits for its runtime to wind down.
            let joined = tokio::task::spawn_blocking(move || thread.join()).await;
            if !matches!(joined, Ok(Ok(()))) {
                return Err(WorkerError::ThreadLost);
            }
        }
        result
    }
}

impl Drop for BackgroundWorker {
    fn drop(&mut self) {
        if let Some(stop_tx) = self.stop_tx.take() {
            let _ignored = stop_tx.send(());
        }
    }
}
