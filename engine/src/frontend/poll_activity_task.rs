//! PollActivityTaskQueue: a long poll that starts the oldest current activity attempt.

use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::workflowservice::v1::{
    PollActivityTaskQueueRequest, PollActivityTaskQueueResponse,
};

use super::Frontend;
use super::long_poll::poller;
use crate::error::EngineError;
use crate::execution::activity::{Activity, ActivityPhase};
use crate::faults::Dispatch;
use crate::ids::ExecutionKey;
use crate::matching::QueueKind;
use crate::time::{proto_duration, timestamp};
use crate::token::{TaskKind, TaskToken};

impl Frontend {
    // Deprecated worker-version fields are still filled: the real server fills them.
    #[allow(deprecated)]
    pub(crate) async fn poll_activity_task_queue(
        &self,
        request: PollActivityTaskQueueRequest,
    ) -> Result<PollActivityTaskQueueResponse, EngineError> {
        let response = self
            .long_poll(
                &request.identity,
                &request.namespace,
                request.task_queue.as_ref(),
                QueueKind::Activity,
                |state, queue| {
                    if let Some(duplicate) = state.faults.take_duplicate(queue) {
                        return Some(duplicate);
                    }
                    while let Some(task) = state.matching.pop(queue) {
                        let request_id = state.ids.uuid();
                        if let Some(activity) = state.start_activity(
                            &task,
                            &poller(
                                &request.identity,
                                request_id,
                                request.worker_version_capabilities.as_ref(),
                            ),
                        ) {
                            let twice = match state.activity_dispatched(
                                &task.key,
                                &activity,
                                &request.identity,
                            ) {
                                Dispatch::Withhold => continue,
                                Dispatch::Deliver { twice } => twice,
                            };
                            let workflow_type = state
                                .execution(&task.key)
                                .map(|e| e.workflow_type.clone())
                                .unwrap_or_default();
                            let response = response(&task.key, workflow_type, activity);
                            if twice {
                                state.faults.push_duplicate(queue.clone(), response.clone());
                                state.matching.notifier(queue).notify_one();
                            }
                            return Some(response);
                        }
                    }
                    None
                },
            )
            .await?;
        Ok(response.unwrap_or_default())
    }
}

fn response(
    key: &ExecutionKey,
    workflow_type: String,
    activity: Activity,
) -> PollActivityTaskQueueResponse {
    let token = TaskToken {
        kind: TaskKind::Activity,
        namespace: key.namespace.clone(),
        workflow_id: key.workflow_id.clone(),
        run_id: key.run_id.clone(),
        scheduled_event_id: activity.scheduled_event_id,
        attempt: activity.attempt,
    };
    let started_time = match activity.phase {
        ActivityPhase::Started { started_time, .. } => Some(timestamp(started_time)),
        _ => None,
    };
    PollActivityTaskQueueResponse {
        task_token: token.encode(),
        workflow_namespace: key.namespace.clone(),
        workflow_type: Some(WorkflowType {
            name: workflow_type,
        }),
        workflow_execution: Some(WorkflowExecution {
            workflow_id: key.workflow_id.clone(),
            run_id: key.run_id.clone(),
        }),
        activity_type: Some(activity.activity_type),
        activity_id: activity.activity_id,
        header: activity.header,
        input: activity.input,
        heartbeat_details: activity.heartbeat_details,
        scheduled_time: Some(timestamp(activity.scheduled_time)),
        current_attempt_scheduled_time: Some(timestamp(activity.attempt_scheduled_time)),
        started_time,
        attempt: activity.attempt,
        schedule_to_close_timeout: Some(proto_duration(
            activity.schedule_to_close.unwrap_or_default(),
        )),
        start_to_close_timeout: Some(proto_duration(activity.start_to_close)),
        heartbeat_timeout: Some(proto_duration(activity.heartbeat.unwrap_or_default())),
        retry_policy: Some(activity.retry_policy),
        ..PollActivityTaskQueueResponse::default()
    }
}
