//! proptest strategies for fault plans, sized to the workflow's own history: task numbers
//! stay within the workflow tasks and activity attempts its fault-free run had (plus one, for
//! the retries faults cause), signal faults only appear when it receives signals. Shrinking
//! removes faults and moves numbers toward the first task.

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};

use crate::plan::{FaultPlan, PlannedFault};

/// The size of a workflow's fault-free run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Workflow task completions.
    pub workflow_tasks: u32,
    /// Activity attempts.
    pub activity_tasks: u32,
    /// Signals the target sends.
    pub signals: usize,
}

/// The error type injected activity failures carry.
pub const INJECTED_ERROR_TYPE: &str = "InjectedFault";

/// Clock jumps a plan may contain: a minute, an hour, a day.
const JUMPS_S: [u64; 3] = [60, 3600, 86_400];

/// One fault that fits `profile`.
pub fn fault(profile: Profile) -> BoxedStrategy<PlannedFault> {
    let workflow_tasks = 1..=profile.workflow_tasks.max(1);
    let mut choices: Vec<(u32, BoxedStrategy<PlannedFault>)> = vec![
        (
            2,
            workflow_tasks
                .clone()
                .prop_map(
                    |after_workflow_task| PlannedFault::WorkerCrashAfterWorkflowTask {
                        after_workflow_task,
                    },
                )
                .boxed(),
        ),
        (
            1,
            workflow_tasks
                .clone()
                .prop_map(|task| PlannedFault::WorkflowTaskResponseLost { task })
                .boxed(),
        ),
        (
            1,
            workflow_tasks
                .clone()
                .prop_map(|task| PlannedFault::WorkflowTaskTimesOut { task })
                .boxed(),
        ),
        (
            1,
            workflow_tasks
                .clone()
                .prop_map(|after_workflow_task| PlannedFault::EngineRestart {
                    after_workflow_task,
                })
                .boxed(),
        ),
        (
            1,
            (
                workflow_tasks.clone(),
                proptest::sample::select(JUMPS_S.to_vec()),
            )
                .prop_map(|(after_workflow_task, by_s)| PlannedFault::ClockJump {
                    after_workflow_task,
                    by_s,
                })
                .boxed(),
        ),
    ];
    if profile.activity_tasks > 0 {
        let activity_tasks = 1..=profile.activity_tasks + 1;
        choices.extend([
            (
                5,
                (
                    activity_tasks.clone(),
                    1..=3u32,
                    any::<bool>(),
                    any::<bool>(),
                )
                    .prop_map(|(task, attempts, non_retryable, after_side_effect)| {
                        PlannedFault::ActivityFails {
                            task,
                            attempts,
                            error_type: INJECTED_ERROR_TYPE.to_string(),
                            non_retryable,
                            after_side_effect,
                        }
                    })
                    .boxed(),
            ),
            (
                3,
                (activity_tasks.clone(), any::<bool>())
                    .prop_map(|(task, after_side_effect)| PlannedFault::ActivityTimesOut {
                        task,
                        after_side_effect,
                    })
                    .boxed(),
            ),
            (
                1,
                activity_tasks
                    .clone()
                    .prop_map(|task| PlannedFault::ActivityResponseLost { task })
                    .boxed(),
            ),
            (
                2,
                activity_tasks
                    .clone()
                    .prop_map(|task| PlannedFault::ActivityDeliveredTwice { task })
                    .boxed(),
            ),
            (
                2,
                activity_tasks
                    .prop_map(|task| PlannedFault::WorkerCrashDuringActivityTask { task })
                    .boxed(),
            ),
        ]);
    }
    if profile.signals > 0 {
        let signals = 0..profile.signals;
        choices.extend([
            (
                2,
                (signals.clone(), 1..=3u32)
                    .prop_map(|(signal, by_workflow_tasks)| PlannedFault::SignalDelayed {
                        signal,
                        by_workflow_tasks,
                    })
                    .boxed(),
            ),
            (
                2,
                signals
                    .clone()
                    .prop_map(|signal| PlannedFault::SignalDuplicated { signal })
                    .boxed(),
            ),
        ]);
        if profile.signals > 1 {
            choices.push((
                2,
                (0..profile.signals - 1)
                    .prop_map(|signal| PlannedFault::SignalsReordered { signal })
                    .boxed(),
            ));
        }
    }
    Union::new_weighted(choices).boxed()
}

/// A plan of one to `max_faults` faults that fit `profile` (the fault-free run is the
/// baseline, checked before any plan).
pub fn plan(profile: Profile, max_faults: usize) -> BoxedStrategy<FaultPlan> {
    proptest::collection::vec(fault(profile), 1..=max_faults.max(1))
        .prop_map(FaultPlan::new)
        .boxed()
}
