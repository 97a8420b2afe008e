//! What the load generator drives: anything that can start an iteration and wait for it.

use std::future::Future;

use crate::LoadgenError;
use crate::measure::LatencyHistograms;

/// The status label of an iteration that ran past `RunOptions::iteration_timeout`.
pub const STATUS_TIMEOUT: &str = "LOADGEN_TIMEOUT";
/// The status label of an iteration whose target code panicked.
pub const STATUS_PANIC: &str = "LOADGEN_PANIC";

/// A system under load. One iteration is `start` (for Temporal: the StartWorkflowExecution
/// RPC, timed as start latency) followed by `wait` (until the workflow completed), so start
/// latency and end-to-end latency are measured separately.
///
/// The futures must be `Send`: iterations run as tokio tasks. Implementations may write
/// `async fn start(&self, iteration: u64) -> Result<…>` directly.
pub trait Target: Send + Sync + 'static {
    /// What `start` hands to `wait`, such as a workflow id and run id.
    type Started: Send + 'static;

    /// Starts iteration number `iteration` (0, 1, 2, … in issue order).
    fn start(
        &self,
        iteration: u64,
    ) -> impl Future<Output = Result<Self::Started, TargetError>> + Send;

    /// Waits until the started iteration has completed. Return at once for start-only load.
    fn wait(&self, started: Self::Started) -> impl Future<Output = Result<(), TargetError>> + Send;

    /// Adds what the target measured itself during its iterations to the run's histograms:
    /// called once, when the run ends (after the drain). The Temporal target adds the round
    /// trip of each update it sent (`update_latency_us`). The default adds nothing.
    fn add_latencies(&self, histograms: &mut LatencyHistograms) -> Result<(), LoadgenError> {
        let _ = histograms;
        Ok(())
    }
}

/// A failed start or wait. Failures are counted by `status`, so keep it a short, stable label
/// (for gRPC, the code name such as `UNAVAILABLE` or `DEADLINE_EXCEEDED`) and put details in
/// `message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {message}")]
pub struct TargetError {
    /// The label failures are counted under.
    pub status: String,
    /// Details for people; not counted.
    pub message: String,
}

impl TargetError {
    /// A failure with a status label and a message.
    pub fn new(status: impl Into<String>, message: impl Into<String>) -> Self {
        TargetError {
            status: status.into(),
            message: message.into(),
        }
    }
}
