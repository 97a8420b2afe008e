//! `Sleep`: one timer of as many seconds as its input says, then it returns the same number.

use std::time::Duration;

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowResult};

#[workflow]
#[derive(Default)]
pub struct Sleep;

#[workflow_methods]
impl Sleep {
    #[run(name = "Sleep")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, seconds: u64) -> WorkflowResult<u64> {
        ctx.timer(Duration::from_secs(seconds)).await;
        Ok(seconds)
    }
}
