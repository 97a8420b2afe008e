//! DescribeWorkflowExecution: what `temporal workflow describe` shows.

use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::PendingActivityState;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflow::v1::{
    PendingActivityInfo, WorkflowExecutionConfig, WorkflowExecutionInfo,
};
use temporalio_protos::temporal::api::workflowservice::v1::{
    DescribeWorkflowExecutionRequest, DescribeWorkflowExecutionResponse,
};

use super::Frontend;
use crate::error::EngineError;
use crate::execution::Execution;
use crate::execution::activity::ActivityPhase;
use crate::time::{proto_duration, timestamp};

impl Frontend {
    pub(crate) async fn describe_workflow_execution(
        &self,
        request: DescribeWorkflowExecutionRequest,
    ) -> Result<DescribeWorkflowExecutionResponse, EngineError> {
        let execution = request.execution.unwrap_or_default();
        let state = self.shared.lock();
        let key = state.resolve(
            &request.namespace,
            &execution.workflow_id,
            &execution.run_id,
        )?;
        let run = state.execution(&key)?;
        Ok(DescribeWorkflowExecutionResponse {
            execution_config: Some(WorkflowExecutionConfig {
                task_queue: Some(TaskQueue {
                    name: run.task_queue.clone(),
                    kind: 1,
                    ..TaskQueue::default()
                }),
                workflow_run_timeout: run.run_timeout.map(proto_duration),
                default_workflow_task_timeout: Some(proto_duration(run.workflow_task_timeout)),
                ..WorkflowExecutionConfig::default()
            }),
            workflow_execution_info: Some(info(run)),
            pending_activities: run.activities.values().map(pending_activity).collect(),
            ..DescribeWorkflowExecutionResponse::default()
        })
    }
}

/// The summary of a run that describe and list return.
pub(crate) fn info(run: &Execution) -> WorkflowExecutionInfo {
    WorkflowExecutionInfo {
        execution: Some(WorkflowExecution {
            workflow_id: run.key.workflow_id.clone(),
            run_id: run.key.run_id.clone(),
        }),
        r#type: Some(WorkflowType {
            name: run.workflow_type.clone(),
        }),
        start_time: Some(timestamp(run.start_time)),
        close_time: run.close_time.map(timestamp),
        status: run.status as i32,
        history_length: run.history.len() as i64,
        execution_time: Some(timestamp(run.execution_time)),
        memo: run.start_request.memo.clone(),
        search_attributes: run.start_request.search_attributes.clone(),
        task_queue: run.task_queue.clone(),
        history_size_bytes: run.history_size_bytes(),
        execution_duration: run
            .close_time
            // Counted from when the run could first run (after any cron or retry wait).
            .and_then(|close| close.duration_since(run.execution_time).ok())
            .map(proto_duration),
        ..WorkflowExecutionInfo::default()
    }
}

fn pending_activity(activity: &crate::execution::activity::Activity) -> PendingActivityInfo {
    let (state, last_started_time, identity) = match &activity.phase {
        ActivityPhase::Scheduled | ActivityPhase::BackingOff => {
            (PendingActivityState::Scheduled, None, String::new())
        }
        ActivityPhase::Started {
            started_time,
            poller,
        } => (
            PendingActivityState::Started,
            Some(timestamp(*started_time)),
            poller.identity.clone(),
        ),
    };
    let state = if activity.cancel_requested_event_id.is_some() {
        PendingActivityState::CancelRequested
    } else {
        state
    };
    PendingActivityInfo {
        activity_id: activity.activity_id.clone(),
        activity_type: Some(activity.activity_type.clone()),
        state: state as i32,
        heartbeat_details: activity.heartbeat_details.clone(),
        last_heartbeat_time: activity.last_heartbeat_time.map(timestamp),
        last_started_time,
        attempt: activity.attempt,
        maximum_attempts: activity.retry_policy.maximum_attempts,
        scheduled_time: Some(timestamp(activity.attempt_scheduled_time)),
        last_failure: activity.last_failure.clone(),
        last_worker_identity: identity,
        ..PendingActivityInfo::default()
    }
}
