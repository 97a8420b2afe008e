//! Asynchronous activity completion: a client answers for an activity by workflow and activity
//! id instead of a task token (RespondActivityTaskCompletedById, RecordActivityTaskHeartbeatById).
//! An answer for an activity no worker has started completes it too: the server writes the
//! started event for it first.

use temporalio_protos::temporal::api::workflowservice::v1::{
    RecordActivityTaskHeartbeatByIdRequest, RespondActivityTaskCompletedByIdRequest,
};

use super::*;

impl Ctx {
    async fn complete_activity_by_id(&self, activity_id: &str, result: &str) -> Result<()> {
        expect_ok(
            "RespondActivityTaskCompletedById",
            RPC_TIMEOUT,
            self.client
                .clone()
                .respond_activity_task_completed_by_id(request(
                    RespondActivityTaskCompletedByIdRequest {
                        namespace: self.namespace.clone(),
                        workflow_id: self.id.clone(),
                        run_id: String::new(),
                        activity_id: activity_id.to_owned(),
                        result: payloads(result),
                        identity: IDENTITY.to_owned(),
                        ..RespondActivityTaskCompletedByIdRequest::default()
                    },
                    RPC_TIMEOUT,
                )),
        )
        .await?;
        Ok(())
    }
}

/// A1. A worker starts the activity and leaves it to be completed elsewhere; a heartbeat and
///     the completion come by id.
pub(super) async fn activity_completed_by_id(ctx: Ctx) -> Result<History> {
    let command = schedule_activity(&ctx, "async", |_| {});
    let run_id = ctx.start_with_commands(|_| {}, vec![command]).await?;
    let _task = ctx
        .poll_activity_task("started, completed elsewhere")
        .await?;
    let heartbeat = within(
        "RecordActivityTaskHeartbeatById",
        RPC_TIMEOUT,
        ctx.client
            .clone()
            .record_activity_task_heartbeat_by_id(request(
                RecordActivityTaskHeartbeatByIdRequest {
                    namespace: ctx.namespace.clone(),
                    workflow_id: ctx.id.clone(),
                    run_id: String::new(),
                    activity_id: "async".to_owned(),
                    details: payloads("half way"),
                    identity: IDENTITY.to_owned(),
                    ..RecordActivityTaskHeartbeatByIdRequest::default()
                },
                RPC_TIMEOUT,
            )),
    )
    .await?;
    ctx.fact(
        "heartbeat by id",
        match &heartbeat {
            Ok(answer) => format!("ok, cancel_requested={}", answer.cancel_requested),
            Err(status) => format!("{:?}", status.code()),
        },
    );
    ctx.complete_activity_by_id("async", "completed by id")
        .await?;
    let next = ctx.poll_workflow_task("after the completion by id").await?;
    ctx.check_contains(
        "after the completion by id",
        &next,
        EventType::ActivityTaskCompleted,
    );
    ctx.complete(next.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// A2. No worker ever polls the activity; a completion by id completes it all the same, and
///     an unknown activity id is NOT_FOUND.
pub(super) async fn activity_completed_by_id_before_start(ctx: Ctx) -> Result<History> {
    let command = schedule_activity(&ctx, "never-polled", |_| {});
    let run_id = ctx.start_with_commands(|_| {}, vec![command]).await?;
    let unknown = within(
        "RespondActivityTaskCompletedById (unknown id)",
        RPC_TIMEOUT,
        ctx.client
            .clone()
            .respond_activity_task_completed_by_id(request(
                RespondActivityTaskCompletedByIdRequest {
                    namespace: ctx.namespace.clone(),
                    workflow_id: ctx.id.clone(),
                    run_id: String::new(),
                    activity_id: "no-such-activity".to_owned(),
                    result: None,
                    identity: IDENTITY.to_owned(),
                    ..RespondActivityTaskCompletedByIdRequest::default()
                },
                RPC_TIMEOUT,
            )),
    )
    .await?;
    ctx.fact(
        "completion of an unknown activity id",
        unknown
            .err()
            .map_or("ok".to_owned(), |status| format!("{:?}", status.code())),
    );
    ctx.complete_activity_by_id("never-polled", "completed before any worker")
        .await?;
    let next = ctx.poll_workflow_task("after the completion by id").await?;
    ctx.check_contains(
        "after the completion by id",
        &next,
        EventType::ActivityTaskCompleted,
    );
    ctx.complete(next.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}
