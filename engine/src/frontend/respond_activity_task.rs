//! RespondActivityTaskCompleted/Failed/Canceled and RecordActivityTaskHeartbeat, by token (the
//! same by workflow and activity id: `respond_activity_by_id.rs`).

use temporalio_protos::temporal::api::workflowservice::v1::{
    RecordActivityTaskHeartbeatRequest, RecordActivityTaskHeartbeatResponse,
    RespondActivityTaskCanceledRequest, RespondActivityTaskCanceledResponse,
    RespondActivityTaskCompletedRequest, RespondActivityTaskCompletedResponse,
    RespondActivityTaskFailedRequest, RespondActivityTaskFailedResponse,
};

use super::Frontend;
use crate::error::EngineError;
use crate::execution::activity::{ActivityPhase, AttemptOutcome};
use crate::faults::ActivityFate;
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::timers::{ActivityTimeoutKind, TimerTarget};
use crate::token::{TaskKind, TaskToken};

impl Frontend {
    pub(crate) async fn respond_activity_task_completed(
        &self,
        request: RespondActivityTaskCompletedRequest,
    ) -> Result<RespondActivityTaskCompletedResponse, EngineError> {
        let mut state = self.shared.lock();
        let attempt = running_attempt(&state, &request.task_token)?;
        answer(
            &mut state,
            &attempt,
            AttemptOutcome::Completed(request.result),
            &request.identity,
        )?;
        Ok(RespondActivityTaskCompletedResponse::default())
    }

    pub(crate) async fn respond_activity_task_failed(
        &self,
        request: RespondActivityTaskFailedRequest,
    ) -> Result<RespondActivityTaskFailedResponse, EngineError> {
        let failure = request.failure.ok_or_else(|| {
            EngineError::InvalidArgument("Failure is not set on request.".to_string())
        })?;
        let mut state = self.shared.lock();
        let attempt = running_attempt(&state, &request.task_token)?;
        keep_heartbeat_details(&mut state, &attempt, request.last_heartbeat_details);
        answer(
            &mut state,
            &attempt,
            AttemptOutcome::Failed(Box::new(failure)),
            &request.identity,
        )?;
        Ok(RespondActivityTaskFailedResponse::default())
    }

    pub(crate) async fn respond_activity_task_canceled(
        &self,
        request: RespondActivityTaskCanceledRequest,
    ) -> Result<RespondActivityTaskCanceledResponse, EngineError> {
        let mut state = self.shared.lock();
        let attempt = running_attempt(&state, &request.task_token)?;
        answer(
            &mut state,
            &attempt,
            AttemptOutcome::Canceled(request.details),
            &request.identity,
        )?;
        Ok(RespondActivityTaskCanceledResponse::default())
    }

    pub(crate) async fn record_activity_task_heartbeat(
        &self,
        request: RecordActivityTaskHeartbeatRequest,
    ) -> Result<RecordActivityTaskHeartbeatResponse, EngineError> {
        let mut state = self.shared.lock();
        let attempt = running_attempt(&state, &request.task_token)?;
        heartbeat(&mut state, attempt, request.details)
    }
}

/// Records a heartbeat of a running attempt (its details, and the heartbeat timeout re-armed);
/// tells the worker whether the activity was asked to cancel.
pub(super) fn heartbeat(
    state: &mut State,
    (key, scheduled_event_id, attempt): (ExecutionKey, i64, i32),
    details: Option<temporalio_protos::temporal::api::common::v1::Payloads>,
) -> Result<RecordActivityTaskHeartbeatResponse, EngineError> {
    if state.activity_attempt_lost(&key, scheduled_event_id, attempt) {
        return Err(activity_not_found());
    }
    let now = state.now();
    let Some(activity) = state
        .executions
        .get_mut(&key)
        .map(std::sync::Arc::make_mut)
        .and_then(|e| e.activities.get_mut(&scheduled_event_id))
    else {
        return Err(activity_not_found());
    };
    if details.is_some() {
        activity.heartbeat_details = details;
    }
    activity.last_heartbeat_time = Some(now);
    let cancel_requested = activity.cancel_requested_event_id.is_some();
    let (attempt, heartbeat) = (activity.attempt, activity.heartbeat);
    if let Some(timeout) = heartbeat {
        state.timers.add(
            now + timeout,
            TimerTarget::ActivityTimeout {
                key,
                scheduled_event_id,
                attempt,
                kind: ActivityTimeoutKind::Heartbeat,
            },
        );
        state.timer_wake.notify_one();
    }
    Ok(RecordActivityTaskHeartbeatResponse {
        cancel_requested,
        ..RecordActivityTaskHeartbeatResponse::default()
    })
}

/// A failed attempt's last heartbeat details, kept for the timeout failure and the next attempt.
pub(super) fn keep_heartbeat_details(
    state: &mut State,
    (key, scheduled_event_id, _): &(ExecutionKey, i64, i32),
    details: Option<temporalio_protos::temporal::api::common::v1::Payloads>,
) {
    if let Some(details) = details
        && let Some(activity) = state
            .executions
            .get_mut(key)
            .map(std::sync::Arc::make_mut)
            .and_then(|e| e.activities.get_mut(scheduled_event_id))
    {
        activity.heartbeat_details = Some(details);
    }
}

/// Applies a worker's answer to an attempt, unless a fault decided otherwise.
pub(super) fn answer(
    state: &mut State,
    (key, scheduled_event_id, attempt): &(ExecutionKey, i64, i32),
    outcome: AttemptOutcome,
    identity: &str,
) -> Result<(), EngineError> {
    let (outcome, reply) = match state.activity_answer_fate(key, *scheduled_event_id, *attempt) {
        Some(ActivityFate::Lost | ActivityFate::LoseAnswer) => return Err(activity_not_found()),
        Some(ActivityFate::FailWith(failure)) => (AttemptOutcome::Failed(failure), Ok(())),
        Some(ActivityFate::ReplyLost) => (
            outcome,
            Err(EngineError::Unavailable(
                "injected fault: the reply to this activity answer was lost".to_string(),
            )),
        ),
        None => (outcome, Ok(())),
    };
    state.finish_activity_attempt(key, *scheduled_event_id, outcome, identity);
    reply
}

/// The run, activity and attempt a token names, when that attempt is the one running now.
fn running_attempt(
    state: &State,
    task_token: &[u8],
) -> Result<(ExecutionKey, i64, i32), EngineError> {
    let token = TaskToken::decode(task_token)?;
    if token.kind != TaskKind::Activity {
        return Err(EngineError::InvalidArgument(
            "the task token is not an activity task's".to_string(),
        ));
    }
    let key = ExecutionKey {
        namespace: token.namespace,
        workflow_id: token.workflow_id,
        run_id: token.run_id,
    };
    let execution = state.execution(&key)?;
    if !execution.is_running() {
        return Err(EngineError::NotFound(
            "workflow execution already completed".to_string(),
        ));
    }
    match execution.activities.get(&token.scheduled_event_id) {
        Some(activity)
            if activity.attempt == token.attempt
                && matches!(activity.phase, ActivityPhase::Started { .. }) =>
        {
            Ok((key, token.scheduled_event_id, token.attempt))
        }
        _ => Err(activity_not_found()),
    }
}

pub(super) fn activity_not_found() -> EngineError {
    EngineError::NotFound("activity task not found".to_string())
}
