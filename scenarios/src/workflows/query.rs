//! `query`: the workflow answers a `state` query with its state while it waits for one
//! `approve` signal, then completes.
//!
//! Queries leave no trace in the history, so the driver asks the query itself (a
//! [`DriverStep::Query`](crate::spec::DriverStep::Query) with the answer it expects) before it
//! sends the signal.
//!
//! History: WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionSignaled, WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionCompleted.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use serde::{Deserialize, Serialize};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{SyncWorkflowContext, WorkflowContext, WorkflowContextView, WorkflowResult};

/// Workflow type name of [`QueryWorkflow`].
pub const WORKFLOW_TYPE: &str = "QueryWorkflow";

/// Name of the query that returns the workflow's [`QueryState`].
pub const QUERY_NAME: &str = "state";

/// Name of the signal that approves the request and lets the workflow complete.
pub const SIGNAL_NAME: &str = "approve";

/// What the `state` query answers. Fields in alphabetical order (see
/// [`ContinueAsNewInput`](super::continue_as_new::ContinueAsNewInput)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QueryState {
    /// Who approved, once the `approve` signal arrived.
    pub approved_by: Option<String>,
    /// The workflow's input.
    pub request: String,
}

/// Waits for an `approve` signal; answers `state` queries meanwhile.
#[workflow]
#[derive(Default)]
pub struct QueryWorkflow {
    state: QueryState,
}

#[workflow_methods]
impl QueryWorkflow {
    /// Input: what is being requested. Result: `"{request} approved by {approver}"`.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(ctx: &mut WorkflowContext<Self>, request: String) -> WorkflowResult<String> {
        ctx.state_mut(|s| s.state.request = request);
        ctx.wait_condition(|s| s.state.approved_by.is_some())
            .await?;
        Ok(ctx.state(|s| {
            format!(
                "{} approved by {}",
                s.state.request,
                s.state.approved_by.as_deref().unwrap_or_default()
            )
        }))
    }

    /// Records the approver (the first approval wins).
    #[signal(name = SIGNAL_NAME)]
    pub(crate) fn approve(&mut self, _ctx: &mut SyncWorkflowContext<Self>, approver: String) {
        if self.state.approved_by.is_none() {
            self.state.approved_by = Some(approver);
        }
    }

    /// The current state.
    #[query(name = QUERY_NAME)]
    pub(crate) fn state(&self, _ctx: &WorkflowContextView) -> QueryState {
        self.state.clone()
    }
}
