//! `updates`: workflow Updates. `add_item` has a validator that rejects an empty item,
//! `add_item_later` waits on a workflow timer in its handler, `fail_update`'s handler fails (the
//! update fails, the workflow does not), and `finish` lets the run complete with the items.
//!
//! The driver sends each update once the workflow has no workflow task outstanding, with a fixed
//! update id, and waits for the update's outcome (stage COMPLETED) before its next step. Every
//! update arrives on a speculative workflow task: the server writes it to the history only when
//! the worker accepts the update, so a rejected update leaves no events at all.
//!
//! History (the steps of the `updates` scenario in [`crate::spec::all`]: `add_item "first"`,
//! `add_item ""` (rejected), `add_item_later "second"`, `fail_update`, `finish`; 30 events):
//! WorkflowExecutionStarted, WorkflowTask{Scheduled,Started,Completed};
//! `add_item`: WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionUpdateAccepted,
//! WorkflowExecutionUpdateCompleted; the rejected `add_item`: nothing;
//! `add_item_later`: WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionUpdateAccepted,
//! TimerStarted, TimerFired, WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionUpdateCompleted; `fail_update`: WorkflowTask{Scheduled,Started,Completed},
//! WorkflowExecutionUpdateAccepted, WorkflowExecutionUpdateCompleted (with a failure);
//! `finish`: WorkflowTask{Scheduled,Started,Completed}, WorkflowExecutionUpdateAccepted,
//! WorkflowExecutionUpdateCompleted, WorkflowExecutionCompleted.
//!
//! Errors from validators and handlers are plain messages: the SDK (1.1.1) wraps whatever a
//! validator or handler returns in an application failure without a type, so the client sees a
//! failure whose message is the error's text.
// The workflow macros generate `pub` marker types inside this module.
#![allow(unreachable_pub)]

use std::time::Duration;

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{SyncWorkflowContext, WorkflowContext, WorkflowContextView, WorkflowResult};

/// Workflow type name of [`UpdatesWorkflow`].
pub const WORKFLOW_TYPE: &str = "UpdatesWorkflow";

/// Update that appends one item at once and answers the number of items; its validator rejects
/// an empty item (and any item once [`MAX_ITEMS`] are kept).
pub const ADD_ITEM: &str = "add_item";

/// Update that waits [`ADD_LATER_DELAY_MS`] on a workflow timer, then appends one item and
/// answers the number of items.
pub const ADD_ITEM_LATER: &str = "add_item_later";

/// Update whose handler fails with its argument as the message.
pub const FAIL_UPDATE: &str = "fail_update";

/// Update (without an argument) that lets the run complete; answers
/// `"{label}: finishing with {n} items"`.
pub const FINISH: &str = "finish";

/// How long `add_item_later`'s handler waits before it adds its item.
pub const ADD_LATER_DELAY_MS: u64 = 300;

/// Message of the `add_item` validator's rejection of an empty item.
pub const EMPTY_ITEM_MESSAGE: &str = "an item must not be empty";

/// Items kept at most; `add_item` rejects more, `add_item_later` ignores them, so a runaway
/// sender cannot grow the state without bound.
pub const MAX_ITEMS: usize = 1_000;

/// Collects items sent by updates until the `finish` update; returns them.
#[workflow]
#[derive(Default)]
pub struct UpdatesWorkflow {
    label: String,
    items: Vec<String>,
    finished: bool,
}

#[workflow_methods]
impl UpdatesWorkflow {
    /// Input: a label, used in `finish`'s answer. Result: the items, in the order their
    /// updates added them.
    #[run(name = WORKFLOW_TYPE)]
    // The macro turns this method into an undocumented `pub const run` marker and forwards
    // only `allow` attributes to it; this doc comment stays on the renamed method.
    #[allow(missing_docs)]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        label: String,
    ) -> WorkflowResult<Vec<String>> {
        ctx.state_mut(|s| s.label = label);
        ctx.wait_condition(|s| s.finished).await?;
        // Lets every update handler (the `finish` one included) return before the run
        // completes.
        let handlers = ctx.clone();
        ctx.wait_condition(move |_| handlers.all_handlers_finished())
            .await?;
        Ok(ctx.state(|s| s.items.clone()))
    }

    /// Appends one item; answers how many items there are.
    #[update(name = ADD_ITEM)]
    // The macro turns this method into a `pub const` marker (the benchmarks send this update
    // with it) and forwards only `allow` attributes to it.
    #[allow(missing_docs)]
    pub fn add_item(&mut self, _ctx: &mut SyncWorkflowContext<Self>, item: String) -> u32 {
        self.items.push(item);
        count(&self.items)
    }

    /// Rejects an empty item, and any item once the workflow keeps [`MAX_ITEMS`].
    #[update_validator(add_item)]
    // The SDK hands the validator a reference to the update's input type, `String`.
    #[allow(clippy::ptr_arg)]
    pub(crate) fn validate_add_item(
        &self,
        _ctx: &WorkflowContextView,
        item: &String,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        if item.is_empty() {
            return Err(EMPTY_ITEM_MESSAGE.into());
        }
        if self.items.len() >= MAX_ITEMS {
            return Err(format!("the workflow keeps at most {MAX_ITEMS} items").into());
        }
        Ok(())
    }

    /// Waits [`ADD_LATER_DELAY_MS`] on a workflow timer, then appends one item (unless
    /// [`MAX_ITEMS`] are kept); answers how many items there are.
    #[update(name = ADD_ITEM_LATER)]
    pub(crate) async fn add_item_later(ctx: &mut WorkflowContext<Self>, item: String) -> u32 {
        ctx.timer(Duration::from_millis(ADD_LATER_DELAY_MS)).await;
        ctx.state_mut(|s| {
            if s.items.len() < MAX_ITEMS {
                s.items.push(item);
            }
            count(&s.items)
        })
    }

    /// Always fails, with `reason` as the message; the workflow carries on.
    #[update(name = FAIL_UPDATE)]
    pub(crate) fn fail_update(
        &mut self,
        _ctx: &mut SyncWorkflowContext<Self>,
        reason: String,
    ) -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
        Err(reason.into())
    }

    /// Lets the run complete; answers `"{label}: finishing with {n} items"`.
    #[update(name = FINISH)]
    #[allow(missing_docs)]
    pub fn finish(&mut self, _ctx: &mut SyncWorkflowContext<Self>) -> String {
        self.finished = true;
        format!("{}: finishing with {} items", self.label, self.items.len())
    }
}

/// The number of items, as the updates answer it.
fn count(items: &[String]) -> u32 {
    u32::try_from(items.len()).unwrap_or(u32::MAX)
}
