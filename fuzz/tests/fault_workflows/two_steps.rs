//! `TwoSteps`: runs `step_one`, then `step_two`, and returns both results. Each activity
//! records a side effect (its name, keyed by the input's key) every time a worker runs it, so
//! a test sees which attempts reached a worker.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{WorkflowContext, WorkflowResult};
use wfkit_fuzz::SideEffects;

use super::activity_options;

/// The workflow's input.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TwoStepsInput {
    /// The key both side effects are recorded under.
    pub key: String,
    /// The most attempts of each activity (its retry policy).
    pub attempts: u32,
    /// The activities' heartbeat timeout in seconds (none when absent). They never heartbeat:
    /// they finish at once.
    #[serde(default)]
    pub heartbeat_s: Option<u64>,
}

/// The two steps; both record a side effect whenever they run.
pub struct StepActivities {
    pub effects: SideEffects,
}

#[activities]
impl StepActivities {
    #[activity(name = "step_one")]
    pub async fn step_one(
        self: Arc<Self>,
        _ctx: ActivityContext,
        key: String,
    ) -> Result<String, ActivityError> {
        self.effects.record("step_one", &key);
        Ok(format!("one-{key}"))
    }

    #[activity(name = "step_two")]
    pub async fn step_two(
        self: Arc<Self>,
        _ctx: ActivityContext,
        key: String,
    ) -> Result<String, ActivityError> {
        self.effects.record("step_two", &key);
        Ok(format!("two-{key}"))
    }
}

#[workflow]
#[derive(Default)]
pub struct TwoSteps;

#[workflow_methods]
impl TwoSteps {
    #[run(name = "TwoSteps")]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: TwoStepsInput,
    ) -> WorkflowResult<Vec<String>> {
        let heartbeat = input.heartbeat_s.map(Duration::from_secs);
        let one = ctx
            .execute_activity(
                StepActivities::step_one,
                input.key.clone(),
                activity_options(input.attempts, heartbeat),
            )
            .await?;
        let two = ctx
            .execute_activity(
                StepActivities::step_two,
                input.key,
                activity_options(input.attempts, heartbeat),
            )
            .await?;
        Ok(vec![one, two])
    }
}
