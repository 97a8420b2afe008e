//! UpdateWorkflowExecution and PollWorkflowExecutionUpdate: admit an update (or find it), then
//! wait outside the lock until it reaches the stage the caller asked for.
//!
//! The wait is a long poll: past `UPDATE_LONG_POLL` the caller gets the stage reached so far
//! (ADMITTED or ACCEPTED, no outcome), as the real server answers after its 20 s. With time
//! skipping, a caller waiting on an update lets time skip, as a caller waiting on a workflow's
//! result does: a handler that sleeps for days answers in milliseconds.

use std::time::Duration;

use temporalio_protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_protos::temporal::api::enums::v1::UpdateWorkflowExecutionLifecycleStage as LifecycleStage;
use temporalio_protos::temporal::api::update::v1::{Outcome, UpdateRef};
use temporalio_protos::temporal::api::workflowservice::v1::{
    PollWorkflowExecutionUpdateRequest, PollWorkflowExecutionUpdateResponse,
    UpdateWorkflowExecutionRequest, UpdateWorkflowExecutionResponse,
};

use super::Frontend;
use crate::error::EngineError;
use crate::ids::ExecutionKey;
use crate::transitions::updates::Progress;

/// How long one call waits for its stage before answering with the stage reached (the real
/// server's `history.longPollExpirationInterval`).
const UPDATE_LONG_POLL: Duration = Duration::from_secs(20);
/// Longest update id the real server takes (`limit.maxIDLength`).
const MAX_UPDATE_ID_LENGTH: usize = 1000;

impl Frontend {
    pub(crate) async fn update_workflow_execution(
        &self,
        mut request: UpdateWorkflowExecutionRequest,
    ) -> Result<UpdateWorkflowExecutionResponse, EngineError> {
        let wait_stage = check_update_request(&mut request)?;
        let execution = request.workflow_execution.clone().unwrap_or_default();
        let mut update = request.request.clone().unwrap_or_default();
        let (key, update_id, admission) = {
            let mut state = self.shared.lock();
            // A request without an update id gets one, as on the real server (from the
            // engine's seeded ids, so that a test run is reproducible).
            let meta = update.meta.get_or_insert_default();
            if meta.update_id.is_empty() {
                meta.update_id = state.ids.uuid();
            }
            let update_id = meta.update_id.clone();
            let key = state.resolve(
                &request.namespace,
                &execution.workflow_id,
                &execution.run_id,
            )?;
            let run = state.execution(&key)?;
            if !request.first_execution_run_id.is_empty()
                && request.first_execution_run_id != run.first_execution_run_id
            {
                return Err(EngineError::NotFound(
                    "workflow execution not found".to_string(),
                ));
            }
            let admission = state.admit_update(&key, update)?;
            (key, update_id, admission)
        };
        let (stage, outcome) = self
            .wait_for_update(&key, &update_id, admission, wait_stage)
            .await?;
        Ok(UpdateWorkflowExecutionResponse {
            update_ref: Some(update_ref(&key, &update_id)),
            outcome,
            stage: stage as i32,
            ..UpdateWorkflowExecutionResponse::default()
        })
    }

    pub(crate) async fn poll_workflow_execution_update(
        &self,
        request: PollWorkflowExecutionUpdateRequest,
    ) -> Result<PollWorkflowExecutionUpdateResponse, EngineError> {
        let reference = request.update_ref.clone().ok_or_else(|| {
            EngineError::InvalidArgument("UpdateRef is not set on request.".to_string())
        })?;
        let execution = reference.workflow_execution.clone().unwrap_or_default();
        let wait_stage = request
            .wait_policy
            .as_ref()
            .map_or(LifecycleStage::Unspecified, |policy| {
                policy.lifecycle_stage()
            });
        let (key, admission) = {
            let state = self.shared.lock();
            let key = state.resolve(
                &request.namespace,
                &execution.workflow_id,
                &execution.run_id,
            )?;
            let admission = state
                .execution(&key)?
                .updates
                .find(&reference.update_id)
                .map(|update| update.admission)
                .ok_or_else(|| {
                    EngineError::NotFound(format!("update {:?} not found", reference.update_id))
                })?;
            (key, admission)
        };
        let (stage, outcome) = self
            .wait_for_update(&key, &reference.update_id, admission, wait_stage)
            .await?;
        Ok(PollWorkflowExecutionUpdateResponse {
            outcome,
            stage: stage as i32,
            update_ref: Some(update_ref(&key, &reference.update_id)),
        })
    }

    /// Waits until the update reaches `wait_stage` (UNSPECIFIED or ADMITTED: answers at once),
    /// or the long poll ends; returns the stage reached and the outcome once completed.
    pub(super) async fn wait_for_update(
        &self,
        key: &ExecutionKey,
        update_id: &str,
        admission: u64,
        wait_stage: LifecycleStage,
    ) -> Result<(LifecycleStage, Option<Outcome>), EngineError> {
        let deadline = tokio::time::Instant::now() + UPDATE_LONG_POLL;
        let _skipping = SkippingWhileWaiting::start(self, wait_stage);
        loop {
            let notified = {
                let state = self.shared.lock();
                let progress = state.update_progress(key, update_id, admission);
                let reached = match &progress {
                    Progress::Failed(kind) => return Err(kind.error()),
                    Progress::Completed(outcome) => {
                        return Ok((LifecycleStage::Completed, Some(*outcome.clone())));
                    }
                    Progress::Accepted => LifecycleStage::Accepted,
                    Progress::Admitted => LifecycleStage::Admitted,
                };
                let done = match wait_stage {
                    LifecycleStage::Completed => false,
                    LifecycleStage::Accepted => reached == LifecycleStage::Accepted,
                    _ => true,
                };
                if done || tokio::time::Instant::now() >= deadline {
                    return Ok((reached, None));
                }
                let Some(execution) = state.executions.get(key) else {
                    return Ok((reached, None));
                };
                // Registered before the lock is released: a change in between still wakes us.
                let mut notified = Box::pin(execution.changed.clone().notified_owned());
                notified.as_mut().enable();
                notified
            };
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline) => {}
            }
        }
    }
}

/// Checks an UpdateWorkflowExecution request as the real server's frontend does, in its order,
/// fills in a missing update id, and returns the stage to wait for.
pub(super) fn check_update_request(
    request: &mut UpdateWorkflowExecutionRequest,
) -> Result<LifecycleStage, EngineError> {
    let invalid = |text: &str| Err(EngineError::InvalidArgument(text.to_string()));
    if request.namespace.is_empty() {
        return invalid("Namespace is not set on request.");
    }
    let Some(execution) = request.workflow_execution.as_ref() else {
        return invalid("Execution is not set on request.");
    };
    if execution.workflow_id.is_empty() {
        return invalid("WorkflowId is not set on request.");
    }
    let Some(update) = request.request.as_mut() else {
        return invalid("Update request is not set on request.");
    };
    let Some(meta) = update.meta.as_mut() else {
        return invalid("Update meta is not set on request.");
    };
    if meta.update_id.len() > MAX_UPDATE_ID_LENGTH {
        return invalid("UpdateId length exceeds limit.");
    }
    let Some(input) = update.input.as_ref() else {
        return invalid("Update input is not set on request.");
    };
    if input.name.is_empty() {
        return invalid("Update name is not set on request.");
    }
    let stage = request
        .wait_policy
        .as_ref()
        .map_or(LifecycleStage::Unspecified, |policy| {
            policy.lifecycle_stage()
        });
    match stage {
        LifecycleStage::Unspecified | LifecycleStage::Completed => Ok(LifecycleStage::Completed),
        LifecycleStage::Accepted => Ok(LifecycleStage::Accepted),
        LifecycleStage::Admitted => Err(EngineError::PermissionDenied(
            "UpdateWorkflowExecution issued asynchronously and waiting on update admitted is not supported."
                .to_string(),
        )),
    }
}

pub(super) fn update_ref(key: &ExecutionKey, update_id: &str) -> UpdateRef {
    UpdateRef {
        workflow_execution: Some(WorkflowExecution {
            workflow_id: key.workflow_id.clone(),
            run_id: key.run_id.clone(),
        }),
        update_id: update_id.to_string(),
    }
}

/// With time skipping: while a caller waits for an update's outcome, time may skip (one
/// `UnlockTimeSkipping` for the length of the wait, given back however the wait ends).
struct SkippingWhileWaiting<'a> {
    frontend: &'a Frontend,
    released: bool,
}

impl<'a> SkippingWhileWaiting<'a> {
    fn start(frontend: &'a Frontend, wait_stage: LifecycleStage) -> Self {
        let released = wait_stage == LifecycleStage::Completed
            && frontend.shared.config.time_mode == crate::clock::TimeMode::Skipping
            && frontend.shared.lock().clock.unlock();
        if released {
            frontend.shared.timer_wake.notify_one();
        }
        SkippingWhileWaiting { frontend, released }
    }
}

impl Drop for SkippingWhileWaiting<'_> {
    fn drop(&mut self) {
        if self.released {
            self.frontend.shared.lock().clock.lock();
        }
    }
}
