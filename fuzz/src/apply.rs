//! Turning a [`FaultPlan`] into the faults the engine applies. Signal faults rearrange the
//! target's own signal schedule: delays move a signal later, duplicates deliver it twice,
//! reorders swap two signals' delivery points.

use temporalio_protos::temporal::api::common::v1::{Payload, Payloads};
use wfkit_engine::faults::{CrashPoint, Fault};

use crate::plan::{FaultPlan, PlannedFault};
use crate::target::FuzzTarget;

/// The engine's faults for `plan` against `target`.
pub(crate) fn engine_faults(plan: &FaultPlan, target: &FuzzTarget) -> Vec<Fault> {
    let mut faults = Vec::new();
    // (delivery point, signal index) for every delivery, then sorted by point (stable, so
    // signals due at the same point keep their order unless reordered).
    let mut points: Vec<u32> = target
        .signals
        .iter()
        .map(|signal| signal.after_workflow_task.max(1))
        .collect();
    let mut copies = vec![1usize; target.signals.len()];
    let mut order: Vec<usize> = (0..target.signals.len()).collect();
    for fault in &plan.faults {
        match fault {
            PlannedFault::ActivityFails {
                task,
                attempts,
                error_type,
                non_retryable,
                after_side_effect,
            } => faults.push(Fault::ActivityFails {
                activity_task: *task,
                attempts: *attempts,
                error_type: error_type.clone(),
                non_retryable: *non_retryable,
                after_side_effect: *after_side_effect,
            }),
            PlannedFault::ActivityTimesOut {
                task,
                after_side_effect,
            } => faults.push(Fault::ActivityTimesOut {
                activity_task: *task,
                after_side_effect: *after_side_effect,
            }),
            PlannedFault::ActivityResponseLost { task } => {
                faults.push(Fault::ActivityResponseLost {
                    activity_task: *task,
                });
            }
            PlannedFault::ActivityDeliveredTwice { task } => {
                faults.push(Fault::ActivityDeliveredTwice {
                    activity_task: *task,
                });
            }
            PlannedFault::WorkflowTaskResponseLost { task } => {
                faults.push(Fault::WorkflowTaskResponseLost {
                    workflow_task: *task,
                });
            }
            PlannedFault::WorkflowTaskTimesOut { task } => {
                faults.push(Fault::WorkflowTaskTimesOut {
                    workflow_task: *task,
                });
            }
            PlannedFault::WorkerCrashAfterWorkflowTask {
                after_workflow_task,
            } => faults.push(Fault::WorkerCrash {
                at: CrashPoint::AfterWorkflowTask(*after_workflow_task),
            }),
            PlannedFault::WorkerCrashDuringActivityTask { task } => {
                faults.push(Fault::WorkerCrash {
                    at: CrashPoint::DuringActivityTask(*task),
                })
            }
            PlannedFault::EngineRestart {
                after_workflow_task,
            } => faults.push(Fault::EngineRestart {
                after_workflow_task: *after_workflow_task,
            }),
            PlannedFault::ClockJump {
                after_workflow_task,
                by_s,
            } => faults.push(Fault::ClockJump {
                after_workflow_task: *after_workflow_task,
                by: std::time::Duration::from_secs(*by_s),
            }),
            PlannedFault::SignalDelayed {
                signal,
                by_workflow_tasks,
            } => {
                if let Some(point) = points.get_mut(*signal) {
                    *point = point.saturating_add(*by_workflow_tasks);
                }
            }
            PlannedFault::SignalDuplicated { signal } => {
                if let Some(count) = copies.get_mut(*signal) {
                    *count += 1;
                }
            }
            PlannedFault::SignalsReordered { signal } => {
                if signal + 1 < points.len() {
                    points.swap(*signal, signal + 1);
                    order.swap(*signal, signal + 1);
                }
            }
        }
    }
    let mut deliveries: Vec<(u32, usize)> = Vec::new();
    for &index in &order {
        for _ in 0..copies[index] {
            deliveries.push((points[index], index));
        }
    }
    deliveries.sort_by_key(|(point, _)| *point);
    for (point, index) in deliveries {
        let signal = &target.signals[index];
        faults.push(Fault::Signal {
            after_workflow_task: point,
            namespace: target.namespace.clone(),
            workflow_id: target.workflow_id.clone(),
            name: signal.name.clone(),
            input: Some(json_payloads(&signal.input)),
        });
    }
    for (index, update) in target.updates.iter().enumerate() {
        faults.push(Fault::Update {
            after_workflow_task: update.after_workflow_task.max(1),
            namespace: target.namespace.clone(),
            workflow_id: target.workflow_id.clone(),
            update_id: format!("wfkit-fuzz-update-{}", index + 1),
            name: update.name.clone(),
            input: update.input.as_ref().map(json_payloads),
        });
    }
    faults
}

/// A JSON value as the one-payload `json/plain` input every SDK's default converter reads.
pub(crate) fn json_payloads(value: &serde_json::Value) -> Payloads {
    Payloads {
        payloads: vec![Payload {
            metadata: [("encoding".to_string(), b"json/plain".to_vec())]
                .into_iter()
                .collect(),
            data: serde_json::to_vec(value).unwrap_or_default(),
            ..Payload::default()
        }],
    }
}
