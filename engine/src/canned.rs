//! Canned workflow tasks: poll responses prepared outside the engine's own executions (for
//! instance a recorded history cut at a workflow task, for the replayer), handed to whichever
//! worker polls the queue, with the worker's answer routed back to whoever submitted them.
//!
//! The engine only transports them: a canned task creates no execution, writes no event and
//! arms no timer. Its answer is the worker's RespondWorkflowTaskCompleted, RespondWorkflowTaskFailed
//! or (for a task carrying a legacy query) RespondQueryTaskCompleted, as the worker sent it.

use temporalio_protos::temporal::api::workflowservice::v1::{
    RespondQueryTaskCompletedRequest, RespondWorkflowTaskCompletedRequest,
    RespondWorkflowTaskFailedRequest,
};

/// How a worker answered a canned task.
#[derive(Debug, Clone)]
pub enum CannedAnswer {
    /// RespondWorkflowTaskCompleted: the commands the worker's code produced.
    Completed(Box<RespondWorkflowTaskCompletedRequest>),
    /// RespondWorkflowTaskFailed: the cause and failure the worker reported.
    Failed(Box<RespondWorkflowTaskFailedRequest>),
    /// RespondQueryTaskCompleted, for a task that carried a legacy query.
    Query(Box<RespondQueryTaskCompletedRequest>),
    /// No answer within the deadline (no worker polled, or it never answered).
    TimedOut,
}
