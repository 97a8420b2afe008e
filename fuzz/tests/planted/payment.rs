//! A payment workflow: charge the card, then send the receipt. The buggy charge activity
//! charges every time it runs; when its first response is lost the activity runs again and the
//! card is charged twice. The corrected one passes an idempotency key (the order id) and the
//! payment provider charges each key once.

use std::sync::Arc;

use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{WorkerOptions, WorkflowContext, WorkflowResult};
use wfkit_fuzz::{SideEffects, WorkerSpawn};

use super::activity_options;

pub struct PaymentActivities {
    pub effects: SideEffects,
}

#[activities]
impl PaymentActivities {
    /// BUG: not idempotent: every run charges.
    #[activity(name = "charge_card")]
    pub async fn charge_card(
        self: Arc<Self>,
        _ctx: ActivityContext,
        order: String,
    ) -> Result<String, ActivityError> {
        self.effects.record("charge", &order);
        Ok(format!("payment-{order}"))
    }

    /// Charges once per idempotency key, as payment APIs with idempotency keys do.
    #[activity(name = "charge_card_idempotent")]
    pub async fn charge_card_idempotent(
        self: Arc<Self>,
        _ctx: ActivityContext,
        order: String,
    ) -> Result<String, ActivityError> {
        if !self.effects.contains("charge", &order) {
            self.effects.record("charge", &order);
        }
        Ok(format!("payment-{order}"))
    }

    #[activity(name = "send_receipt")]
    pub async fn send_receipt(
        _ctx: ActivityContext,
        payment: String,
    ) -> Result<String, ActivityError> {
        Ok(format!("receipt-{payment}"))
    }
}

#[workflow]
#[derive(Default)]
pub struct BuggyPayment;

#[workflow_methods]
impl BuggyPayment {
    #[run(name = "BuggyPayment")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, order: String) -> WorkflowResult<String> {
        let payment = ctx
            .execute_activity(PaymentActivities::charge_card, order, activity_options(3))
            .await?;
        Ok(ctx
            .execute_activity(
                PaymentActivities::send_receipt,
                payment,
                activity_options(3),
            )
            .await?)
    }
}

#[workflow]
#[derive(Default)]
pub struct FixedPayment;

#[workflow_methods]
impl FixedPayment {
    #[run(name = "FixedPayment")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, order: String) -> WorkflowResult<String> {
        let payment = ctx
            .execute_activity(
                PaymentActivities::charge_card_idempotent,
                order,
                activity_options(3),
            )
            .await?;
        Ok(ctx
            .execute_activity(
                PaymentActivities::send_receipt,
                payment,
                activity_options(3),
            )
            .await?)
    }
}

/// Worker options for both versions.
pub fn options(spawn: &WorkerSpawn) -> Result<WorkerOptions, wfkit_scenarios::WorkerError> {
    Ok(WorkerOptions::new(spawn.task_queue.clone())
        .register_workflow::<BuggyPayment>()?
        .register_workflow::<FixedPayment>()?
        .register_activities(PaymentActivities {
            effects: spawn.effects.clone(),
        })
        .build())
}
