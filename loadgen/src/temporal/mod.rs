//! The Temporal target: load against any server that speaks Temporal's gRPC API (a production
//! cluster, Temporal Cloud, `temporal server start-dev`, wfkit's engine), with the official
//! Rust client (`temporalio-client`).
//!
//! One iteration is:
//!
//! - `start`: StartWorkflowExecution, timed as the start latency. The workflow id is the run's
//!   prefix and the iteration number (`nightly-20250101T000000Z-17`), unique per run.
//! - `wait`: the signals of the plan, if any (SignalWorkflowExecution), then its updates, if
//!   any, one after another (UpdateWorkflowExecution, waited for until each completed; each
//!   round trip is recorded in `update_latency_us` and each answer checked), then a long poll of
//!   GetWorkflowExecutionHistory with the close-event filter, following continue-as-new to the
//!   last run, and a check of the result against the plan's expectation. For start-only load
//!   (the user's own workflows, `--workflow-type`), `wait` returns at once.
//!
//! Failures are counted by label: the gRPC status code name (`UNAVAILABLE`,
//! `DEADLINE_EXCEEDED`, …) for a failed call, the outcome for a workflow that closed otherwise
//! than completed (`WORKFLOW_FAILED`, `WORKFLOW_TIMED_OUT`, …), `RESULT_MISMATCH` for a wrong
//! result (a lost signal, say) or a wrong update answer, `UPDATE_FAILED` for a failed update.
//! See [`status_label`].
//!
//! Calls are made without the client's retries: a load test counts every failure instead of
//! hiding it behind a retry, and retrying would also delay later measurements.
//!
//! After the run, [`history_latency::sample_latencies`] reads the histories of up to
//! [`DEFAULT_SAMPLE_SIZE`] completed workflows (a uniform sample) and measures what only the
//! server sees: workflow-task and activity schedule-to-start latency.

mod close_wait;
mod connect;
pub mod history_latency;
mod input_template;
mod live_counts;
mod payload;
mod sample;
pub mod status_label;
mod target;
mod update_call;
mod workflow_plan;

pub use connect::{LOADGEN_IDENTITY, connect};
pub use history_latency::{MAX_SAMPLE_SIZE, sample_latencies};
pub use input_template::{InputTemplate, MAX_TEMPLATE_BYTES};
pub use live_counts::{LiveCounts, LiveSnapshot};
pub use sample::{DEFAULT_SAMPLE_SIZE, SampledExecution};
pub use target::{StartedWorkflow, TemporalTarget};
pub use workflow_plan::{
    MAX_CONTINUE_AS_NEW_FOLLOWED, MAX_ID_PREFIX_CHARS, MAX_SIGNALS_PER_WORKFLOW,
    MAX_UPDATES_PER_WORKFLOW, SignalPlan, UpdatePlan, WorkflowPlan,
};
