//! The activity answers by workflow and activity id instead of a task token (asynchronous
//! activity completion): RespondActivityTaskCompleted/Failed/CanceledById and
//! RecordActivityTaskHeartbeatById. The run is the current one when no run id is given.
//!
//! As on the server, an answer may complete an activity no worker has started: a started event
//! is written for it first, with the caller's identity (`respondactivitytaskcompleted/api.go`).

use temporalio_protos::temporal::api::workflowservice::v1::{
    RecordActivityTaskHeartbeatByIdRequest, RecordActivityTaskHeartbeatByIdResponse,
    RespondActivityTaskCanceledByIdRequest, RespondActivityTaskCanceledByIdResponse,
    RespondActivityTaskCompletedByIdRequest, RespondActivityTaskCompletedByIdResponse,
    RespondActivityTaskFailedByIdRequest, RespondActivityTaskFailedByIdResponse,
};

use super::Frontend;
use super::respond_activity_task::{activity_not_found, answer, heartbeat, keep_heartbeat_details};
use crate::error::EngineError;
use crate::execution::activity::{ActivityPhase, AttemptOutcome};
use crate::ids::ExecutionKey;
use crate::matching::Poller;
use crate::state::State;

/// Names an activity the way the ById requests do.
struct ActivityById<'a> {
    namespace: &'a str,
    workflow_id: &'a str,
    run_id: &'a str,
    activity_id: &'a str,
}

impl Frontend {
    pub(crate) async fn respond_activity_task_completed_by_id(
        &self,
        request: RespondActivityTaskCompletedByIdRequest,
    ) -> Result<RespondActivityTaskCompletedByIdResponse, EngineError> {
        let mut state = self.shared.lock();
        let attempt = open_attempt(
            &mut state,
            &ActivityById {
                namespace: &request.namespace,
                workflow_id: &request.workflow_id,
                run_id: &request.run_id,
                activity_id: &request.activity_id,
            },
            &request.identity,
            true,
        )?;
        answer(
            &mut state,
            &attempt,
            AttemptOutcome::Completed(request.result),
            &request.identity,
        )?;
        Ok(RespondActivityTaskCompletedByIdResponse::default())
    }

    pub(crate) async fn respond_activity_task_failed_by_id(
        &self,
        request: RespondActivityTaskFailedByIdRequest,
    ) -> Result<RespondActivityTaskFailedByIdResponse, EngineError> {
        let failure = request.failure.ok_or_else(|| {
            EngineError::InvalidArgument("Failure is not set on request.".to_string())
        })?;
        let mut state = self.shared.lock();
        let attempt = open_attempt(
            &mut state,
            &ActivityById {
                namespace: &request.namespace,
                workflow_id: &request.workflow_id,
                run_id: &request.run_id,
                activity_id: &request.activity_id,
            },
            &request.identity,
            true,
        )?;
        keep_heartbeat_details(&mut state, &attempt, request.last_heartbeat_details);
        answer(
            &mut state,
            &attempt,
            AttemptOutcome::Failed(Box::new(failure)),
            &request.identity,
        )?;
        Ok(RespondActivityTaskFailedByIdResponse::default())
    }

    pub(crate) async fn respond_activity_task_canceled_by_id(
        &self,
        request: RespondActivityTaskCanceledByIdRequest,
    ) -> Result<RespondActivityTaskCanceledByIdResponse, EngineError> {
        let mut state = self.shared.lock();
        let attempt = open_attempt(
            &mut state,
            &ActivityById {
                namespace: &request.namespace,
                workflow_id: &request.workflow_id,
                run_id: &request.run_id,
                activity_id: &request.activity_id,
            },
            &request.identity,
            true,
        )?;
        answer(
            &mut state,
            &attempt,
            AttemptOutcome::Canceled(request.details),
            &request.identity,
        )?;
        Ok(RespondActivityTaskCanceledByIdResponse::default())
    }

    pub(crate) async fn record_activity_task_heartbeat_by_id(
        &self,
        request: RecordActivityTaskHeartbeatByIdRequest,
    ) -> Result<RecordActivityTaskHeartbeatByIdResponse, EngineError> {
        let mut state = self.shared.lock();
        let attempt = open_attempt(
            &mut state,
            &ActivityById {
                namespace: &request.namespace,
                workflow_id: &request.workflow_id,
                run_id: &request.run_id,
                activity_id: &request.activity_id,
            },
            &request.identity,
            false,
        )?;
        let answered = heartbeat(&mut state, attempt, request.details)?;
        Ok(RecordActivityTaskHeartbeatByIdResponse {
            cancel_requested: answered.cancel_requested,
            ..RecordActivityTaskHeartbeatByIdResponse::default()
        })
    }
}

/// The run, activity and attempt the request names. With `start_if_needed`, an activity no
/// worker runs now (queued, or waiting out a retry backoff) is started for the caller first.
fn open_attempt(
    state: &mut State,
    by_id: &ActivityById<'_>,
    identity: &str,
    start_if_needed: bool,
) -> Result<(ExecutionKey, i64, i32), EngineError> {
    if by_id.workflow_id.is_empty() {
        return Err(EngineError::InvalidArgument(
            "WorkflowId is not set on request.".to_string(),
        ));
    }
    if by_id.activity_id.is_empty() {
        return Err(EngineError::InvalidArgument(
            "ActivityId is not set on request.".to_string(),
        ));
    }
    state.namespace(by_id.namespace)?;
    let key = state.resolve(by_id.namespace, by_id.workflow_id, by_id.run_id)?;
    let execution = state.execution(&key)?;
    if !execution.is_running() {
        return Err(EngineError::NotFound(
            "workflow execution already completed".to_string(),
        ));
    }
    let Some(activity) = execution
        .activities
        .values()
        .find(|activity| activity.activity_id == by_id.activity_id)
    else {
        return Err(activity_not_found());
    };
    let (scheduled_event_id, attempt) = (activity.scheduled_event_id, activity.attempt);
    if matches!(activity.phase, ActivityPhase::Started { .. }) {
        return Ok((key, scheduled_event_id, attempt));
    }
    if !start_if_needed {
        return Err(activity_not_found());
    }
    let queue = activity.queue(by_id.namespace);
    let now = state.now();
    state.matching.remove(&queue, &key, scheduled_event_id);
    if let Some(activity) = state
        .executions
        .get_mut(&key)
        .map(std::sync::Arc::make_mut)
        .and_then(|execution| execution.activities.get_mut(&scheduled_event_id))
    {
        activity.phase = ActivityPhase::Started {
            started_time: now,
            poller: Poller {
                identity: identity.to_string(),
                ..Poller::default()
            },
        };
    }
    Ok((key, scheduled_event_id, attempt))
}
