//! `CollectSignals`: waits until it has received as many `item` signals as its input says,
//! then returns their payloads in the order they arrived.

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{SyncWorkflowContext, WorkflowContext, WorkflowResult};

/// The signal's name.
pub const ITEM_SIGNAL: &str = "item";

#[workflow]
#[derive(Default)]
pub struct CollectSignals {
    items: Vec<String>,
}

#[workflow_methods]
impl CollectSignals {
    #[run(name = "CollectSignals")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, count: usize) -> WorkflowResult<Vec<String>> {
        ctx.wait_condition(|workflow| workflow.items.len() >= count)
            .await?;
        Ok(ctx.state(|workflow| workflow.items.clone()))
    }

    #[signal(name = "item")]
    pub fn item(&mut self, _ctx: &mut SyncWorkflowContext<Self>, value: String) {
        self.items.push(value);
    }
}
