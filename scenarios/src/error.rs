//! Typed errors for connecting, driving scenarios, reading outcomes and running the worker.

use temporalio_client::errors::{
    ClientConnectError, ClientNewError, WorkflowInteractionError, WorkflowQueryError,
    WorkflowStartError, WorkflowUpdateError,
};
use temporalio_sdk::{
    RuntimeError, WorkerCreateError, WorkerRunError, WorkflowRegistrationError,
    workflow_replayer::WorkflowReplayError,
};

/// Connecting a client to a Temporal frontend failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The address could not be turned into a URL.
    #[error("invalid server address {address:?}: {reason}")]
    InvalidAddress {
        /// The address as given.
        address: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The gRPC connection (or the `GetSystemInfo` handshake) failed.
    #[error("cannot connect to Temporal frontend at {address}: {source}")]
    Connect {
        /// The address that was dialled.
        address: String,
        /// The client's error.
        #[source]
        source: Box<ClientConnectError>,
    },
    /// The client could not be created on top of the connection.
    #[error("cannot create client for namespace {namespace:?}: {source}")]
    Client {
        /// The namespace the client was bound to.
        namespace: String,
        /// The client's error.
        #[source]
        source: ClientNewError,
    },
}

/// A history could not be turned into an [`Outcome`](crate::Outcome).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutcomeError {
    /// The history has no events at all.
    #[error("history is empty")]
    EmptyHistory,
    /// The last event does not close the workflow.
    #[error("workflow is not closed: last event is {event_type}")]
    NotClosed {
        /// Name of the last event type in the history.
        event_type: String,
    },
    /// A result payload uses an encoding other than `json/plain` or `binary/null`.
    #[error(
        "result payload has encoding {encoding:?}; only json/plain and binary/null are decoded"
    )]
    UnsupportedEncoding {
        /// The payload's `encoding` metadata (lossy UTF-8).
        encoding: String,
    },
    /// A `json/plain` result payload is not valid JSON.
    #[error("result payload is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Running a scenario against a server failed before an outcome could be read.
///
/// A workflow that fails is not an error: it is an [`Outcome::Failed`](crate::Outcome::Failed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// Connecting to the server failed.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// `StartWorkflowExecution` was rejected.
    #[error("cannot start workflow {workflow_id} ({workflow_type}): {source}")]
    Start {
        /// The workflow id that was used.
        workflow_id: String,
        /// The workflow type that was requested.
        workflow_type: String,
        /// The client's error.
        #[source]
        source: WorkflowStartError,
    },
    /// A signal could not be delivered.
    #[error("cannot send signal {signal:?} to workflow {workflow_id}: {source}")]
    Signal {
        /// The workflow id.
        workflow_id: String,
        /// The signal name.
        signal: String,
        /// The client's error.
        #[source]
        source: WorkflowInteractionError,
    },
    /// A query could not be answered (the server or worker refused it, or does not support
    /// queries).
    #[error("cannot query {query:?} on workflow {workflow_id}: {source}")]
    Query {
        /// The workflow id.
        workflow_id: String,
        /// The query name.
        query: String,
        /// The client's error.
        #[source]
        source: WorkflowQueryError,
    },
    /// A query answered something other than what the scenario's step expects.
    #[error("query {query:?} on workflow {workflow_id} answered {found}, expected {expected}")]
    QueryAnswer {
        /// The workflow id.
        workflow_id: String,
        /// The query name.
        query: String,
        /// The expected answer, as JSON.
        expected: String,
        /// The answer, as JSON.
        found: String,
    },
    /// An update could not be executed (the server refused it, or waiting for its outcome
    /// failed). An update that the workflow rejects or whose handler fails is not this error:
    /// it is an outcome, checked against the step's expectation.
    #[error(
        "cannot execute update {update:?} (id {update_id}) on workflow {workflow_id}: {source}"
    )]
    Update {
        /// The workflow id.
        workflow_id: String,
        /// The update name.
        update: String,
        /// The update id the driver gave it.
        update_id: String,
        /// The client's error.
        #[source]
        source: WorkflowUpdateError,
    },
    /// An update ended other than as the scenario's step expects.
    #[error(
        "update {update:?} (id {update_id}) on workflow {workflow_id} ended with {found}, \
         expected {expected}"
    )]
    UpdateOutcome {
        /// The workflow id.
        workflow_id: String,
        /// The update name.
        update: String,
        /// The update id the driver gave it.
        update_id: String,
        /// The expected outcome (a result as JSON, or a failure summary).
        expected: String,
        /// The outcome (a result as JSON, or a failure summary).
        found: String,
    },
    /// The workflow kept continuing as new past the driver's limit.
    #[error("workflow {workflow_id} continued as new more than {runs} times; stopped following")]
    EndlessContinueAsNew {
        /// The workflow id.
        workflow_id: String,
        /// How many runs the driver followed.
        runs: usize,
    },
    /// The history could not be fetched.
    #[error("cannot fetch history of workflow {workflow_id}: {source}")]
    History {
        /// The workflow id.
        workflow_id: String,
        /// The client's error.
        #[source]
        source: WorkflowInteractionError,
    },
    /// The scenario did not reach the expected point in time.
    #[error(
        "workflow {workflow_id} did not {waiting_for} within {limit_ms} ms \
         (is a worker polling task queue {task_queue:?}?)"
    )]
    Timeout {
        /// The workflow id.
        workflow_id: String,
        /// The task queue the workflow was started on.
        task_queue: String,
        /// What the driver was waiting for.
        waiting_for: &'static str,
        /// How long it waited.
        limit_ms: u64,
    },
    /// The closed history could not be turned into an outcome.
    #[error("cannot read the outcome of workflow {workflow_id}: {source}")]
    Outcome {
        /// The workflow id.
        workflow_id: String,
        /// Why.
        #[source]
        source: OutcomeError,
    },
}

/// Building or running the scenario worker failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// Connecting to the server failed.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The SDK runtime could not be created.
    #[error("cannot create the SDK runtime: {0}")]
    Runtime(#[from] RuntimeError),
    /// A workflow could not be registered.
    #[error("cannot register workflow: {0}")]
    Registration(#[from] WorkflowRegistrationError),
    /// The SDK refused to create the worker.
    #[error("cannot create worker: {0}")]
    Create(#[from] WorkerCreateError),
    /// The worker stopped with an error.
    #[error("worker failed: {0}")]
    Run(#[from] WorkerRunError),
    /// The replayer could not be created or could not run.
    #[error("cannot replay: {0}")]
    Replay(#[from] WorkflowReplayError),
    /// The background worker thread could not be started.
    #[error("cannot start the worker thread: {0}")]
    Thread(#[source] std::io::Error),
    /// The background worker thread ended without reporting (it panicked).
    #[error("the worker thread ended without reporting (panic?)")]
    ThreadLost,
    /// No workflow version has this name (see [`crate::versions::VERSIONS`]).
    #[error("unknown workflow version {version:?}; the versions are {known}")]
    UnknownVersion {
        /// The name asked for.
        version: String,
        /// The names there are, comma-separated.
        known: String,
    },
}
