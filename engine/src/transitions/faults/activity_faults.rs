//! Faults that strike when an activity attempt is handed out, and what happens to the worker's
//! answer afterwards.

use temporalio_protos::temporal::api::failure::v1::{
    ApplicationFailureInfo, Failure, failure::FailureInfo,
};

use crate::execution::activity::{Activity, AttemptOutcome};
use crate::faults::{ActivityFate, CrashPoint, Dispatch, FAULT_IDENTITY, Fault};
use crate::ids::ExecutionKey;
use crate::state::State;

/// The plan position given to a multi-attempt failure carried over from an earlier attempt of
/// the same activity (it struck already, at its own position).
const CARRIED_OVER: usize = usize::MAX;

impl State {
    /// Applies the faults aimed at the activity attempt just started for `identity`.
    pub(crate) fn activity_dispatched(
        &mut self,
        key: &ExecutionKey,
        activity: &Activity,
        identity: &str,
    ) -> Dispatch {
        let n = self.faults.next_activity_task();
        let mut strikes = self.faults.take(|fault| match fault {
            Fault::ActivityFails { activity_task, .. }
            | Fault::ActivityTimesOut { activity_task, .. }
            | Fault::ActivityResponseLost { activity_task }
            | Fault::ActivityDeliveredTwice { activity_task } => *activity_task == n,
            Fault::WorkerCrash {
                at: CrashPoint::DuringActivityTask(task),
            } => *task == n,
            _ => false,
        });
        // A multi-attempt failure that struck an earlier attempt of this activity.
        let activity_key = (key.clone(), activity.scheduled_event_id);
        if let Some((left, fault)) = self.faults.failing_activities.remove(&activity_key) {
            if left > 1 {
                self.faults
                    .failing_activities
                    .insert(activity_key.clone(), (left - 1, fault.clone()));
            }
            strikes.push((CARRIED_OVER, fault));
        }
        let task = (key.clone(), activity.scheduled_event_id, activity.attempt);
        let mut dispatch = Dispatch::Deliver { twice: false };
        for (index, fault) in strikes {
            match fault {
                Fault::ActivityFails {
                    ref error_type,
                    non_retryable,
                    after_side_effect,
                    attempts,
                    ..
                } => {
                    // Only the attempt the plan names starts the run of failing attempts: a
                    // carried-over failure starting it again would fail every later attempt.
                    // Two runs of one activity overlap into the longer one.
                    let left = self
                        .faults
                        .failing_activities
                        .get(&activity_key)
                        .map_or(0, |(left, _)| *left);
                    if index != CARRIED_OVER && attempts.saturating_sub(1) > left {
                        self.faults
                            .failing_activities
                            .insert(activity_key.clone(), (attempts - 1, fault.clone()));
                    }
                    let failure = Box::new(injected_failure(error_type, non_retryable));
                    if after_side_effect {
                        self.faults
                            .activity_fates
                            .insert(task.clone(), ActivityFate::FailWith(failure));
                    } else {
                        self.finish_activity_attempt(
                            key,
                            activity.scheduled_event_id,
                            AttemptOutcome::Failed(failure),
                            FAULT_IDENTITY,
                        );
                        return Dispatch::Withhold;
                    }
                }
                Fault::ActivityTimesOut {
                    after_side_effect, ..
                } => {
                    if after_side_effect {
                        // Lost only once the answer arrives: until then the worker is still
                        // running it, and time must not skip past its timeout.
                        self.faults
                            .activity_fates
                            .insert(task.clone(), ActivityFate::LoseAnswer);
                    } else {
                        self.faults
                            .activity_fates
                            .insert(task.clone(), ActivityFate::Lost);
                        self.timer_wake.notify_one();
                        return Dispatch::Withhold;
                    }
                }
                Fault::ActivityResponseLost { .. } => {
                    self.faults
                        .activity_fates
                        .insert(task.clone(), ActivityFate::ReplyLost);
                }
                Fault::ActivityDeliveredTwice { .. } => {
                    dispatch = Dispatch::Deliver { twice: true }
                }
                Fault::WorkerCrash { .. } => {
                    // The worker got the task (its side effect may happen) but dies with it.
                    self.crash_worker(identity);
                }
                _ => {}
            }
        }
        dispatch
    }

    /// What becomes of a worker's answer to an activity attempt; `Lost` turns into NOT_FOUND
    /// for the worker.
    pub(crate) fn activity_answer_fate(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
    ) -> Option<ActivityFate> {
        let task = (key.clone(), scheduled_event_id, attempt);
        match self.faults.activity_fates.get(&task) {
            Some(ActivityFate::LoseAnswer) => {
                // The answer never arrives: from now on the attempt only waits for its timeout.
                self.faults.activity_fates.insert(task, ActivityFate::Lost);
                self.timer_wake.notify_one();
                Some(ActivityFate::Lost)
            }
            Some(fate) => Some(fate.clone()),
            None => None,
        }
    }

    /// True when an open attempt is lost: time may skip to its timeout.
    pub(crate) fn activity_lost(&self, key: &ExecutionKey, activity: &Activity) -> bool {
        self.activity_attempt_lost(key, activity.scheduled_event_id, activity.attempt)
    }

    /// True when attempt `attempt` of the activity scheduled at `scheduled_event_id` is lost:
    /// the worker's answers and heartbeats get NOT_FOUND.
    pub(crate) fn activity_attempt_lost(
        &self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
    ) -> bool {
        !self.faults.activity_fates.is_empty()
            && matches!(
                self.faults
                    .activity_fates
                    .get(&(key.clone(), scheduled_event_id, attempt)),
                Some(ActivityFate::Lost)
            )
    }
}

/// The failure an injected activity failure carries.
fn injected_failure(error_type: &str, non_retryable: bool) -> Failure {
    Failure {
        message: format!("injected fault: activity failed with {error_type}"),
        source: "wfkit-fuzz".to_string(),
        failure_info: Some(FailureInfo::ApplicationFailureInfo(
            ApplicationFailureInfo {
                r#type: error_type.to_string(),
                non_retryable,
                ..ApplicationFailureInfo::default()
            },
        )),
        ..Failure::default()
    }
}
