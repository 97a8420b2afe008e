//! Compares the commands new code issued for a workflow task with the command events the
//! recording has for it: by kind and identity (activity type and id, timer id, marker name,
//! child type and id, signal name), never by payload, as the SDKs compare.

use temporalio_protos::temporal::api::command::v1::Command;
use temporalio_protos::temporal::api::command::v1::command::Attributes as C;
use temporalio_protos::temporal::api::history::v1::HistoryEvent;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes as E;

use crate::verdict::{Divergence, Hint, hint};

/// Marker sdk-core writes for `patched()`.
pub(crate) const PATCH_MARKER: &str = "core_patch";

/// A command or an event reduced to what replay compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Activity {
        activity_type: String,
        activity_id: String,
    },
    CancelActivity {
        scheduled_event_id: i64,
    },
    Timer {
        timer_id: String,
    },
    CancelTimer {
        timer_id: String,
    },
    Marker {
        name: String,
    },
    Child {
        workflow_type: String,
        workflow_id: String,
    },
    SignalExternal {
        signal_name: String,
    },
    CancelExternal {
        workflow_id: String,
    },
    UpsertSearchAttributes,
    ModifyProperties,
    Complete,
    Fail,
    Cancel,
    ContinueAsNew {
        workflow_type: String,
    },
    /// Updates and Nexus: compared by kind only.
    Other(&'static str),
}

impl Step {
    fn describe(&self) -> String {
        match self {
            Step::Activity {
                activity_type,
                activity_id,
            } => format!("activity {activity_type} (id {activity_id})"),
            Step::CancelActivity { scheduled_event_id } => {
                format!("cancel of the activity scheduled at {scheduled_event_id}")
            }
            Step::Timer { timer_id } => format!("timer {timer_id}"),
            Step::CancelTimer { timer_id } => format!("cancel of timer {timer_id}"),
            Step::Marker { name } => format!("marker {name}"),
            Step::Child {
                workflow_type,
                workflow_id,
            } => format!("child workflow {workflow_type} ({workflow_id})"),
            Step::SignalExternal { signal_name } => {
                format!("signal {signal_name} to another workflow")
            }
            Step::CancelExternal { workflow_id } => format!("cancel of workflow {workflow_id}"),
            Step::UpsertSearchAttributes => "search attribute upsert".to_string(),
            Step::ModifyProperties => "memo change".to_string(),
            Step::Complete => "workflow completion".to_string(),
            Step::Fail => "workflow failure".to_string(),
            Step::Cancel => "workflow cancellation".to_string(),
            Step::ContinueAsNew { workflow_type } => format!("continue-as-new as {workflow_type}"),
            Step::Other(kind) => (*kind).to_string(),
        }
    }

    fn closes(&self) -> bool {
        matches!(
            self,
            Step::Complete | Step::Fail | Step::Cancel | Step::ContinueAsNew { .. }
        )
    }
}

pub(crate) fn command_step(command: &Command) -> Option<Step> {
    Some(match command.attributes.as_ref()? {
        C::ScheduleActivityTaskCommandAttributes(a) => Step::Activity {
            activity_type: a
                .activity_type
                .as_ref()
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            activity_id: a.activity_id.clone(),
        },
        C::RequestCancelActivityTaskCommandAttributes(a) => Step::CancelActivity {
            scheduled_event_id: a.scheduled_event_id,
        },
        C::StartTimerCommandAttributes(a) => Step::Timer {
            timer_id: a.timer_id.clone(),
        },
        C::CancelTimerCommandAttributes(a) => Step::CancelTimer {
            timer_id: a.timer_id.clone(),
        },
        C::RecordMarkerCommandAttributes(a) => Step::Marker {
            name: a.marker_name.clone(),
        },
        C::StartChildWorkflowExecutionCommandAttributes(a) => Step::Child {
            workflow_type: a
                .workflow_type
                .as_ref()
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            workflow_id: a.workflow_id.clone(),
        },
        C::SignalExternalWorkflowExecutionCommandAttributes(a) => Step::SignalExternal {
            signal_name: a.signal_name.clone(),
        },
        C::RequestCancelExternalWorkflowExecutionCommandAttributes(a) => Step::CancelExternal {
            workflow_id: a.workflow_id.clone(),
        },
        C::UpsertWorkflowSearchAttributesCommandAttributes(_) => Step::UpsertSearchAttributes,
        C::ModifyWorkflowPropertiesCommandAttributes(_) => Step::ModifyProperties,
        C::CompleteWorkflowExecutionCommandAttributes(_) => Step::Complete,
        C::FailWorkflowExecutionCommandAttributes(_) => Step::Fail,
        C::CancelWorkflowExecutionCommandAttributes(_) => Step::Cancel,
        C::ContinueAsNewWorkflowExecutionCommandAttributes(a) => Step::ContinueAsNew {
            workflow_type: a
                .workflow_type
                .as_ref()
                .map(|t| t.name.clone())
                .unwrap_or_default(),
        },
        // Update protocol messages are not command events of their own kind here.
        C::ProtocolMessageCommandAttributes(_) => return None,
        C::ScheduleNexusOperationCommandAttributes(_) => Step::Other("nexus operation"),
        C::RequestCancelNexusOperationCommandAttributes(_) => Step::Other("nexus operation cancel"),
    })
}

pub(crate) fn event_step(event: &HistoryEvent) -> Option<Step> {
    Some(match event.attributes.as_ref()? {
        E::ActivityTaskScheduledEventAttributes(a) => Step::Activity {
            activity_type: a
                .activity_type
                .as_ref()
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            activity_id: a.activity_id.clone(),
        },
        E::ActivityTaskCancelRequestedEventAttributes(a) => Step::CancelActivity {
            scheduled_event_id: a.scheduled_event_id,
        },
        E::TimerStartedEventAttributes(a) => Step::Timer {
            timer_id: a.timer_id.clone(),
        },
        E::TimerCanceledEventAttributes(a) => Step::CancelTimer {
            timer_id: a.timer_id.clone(),
        },
        E::MarkerRecordedEventAttributes(a) => Step::Marker {
            name: a.marker_name.clone(),
        },
        E::StartChildWorkflowExecutionInitiatedEventAttributes(a) => Step::Child {
            workflow_type: a
                .workflow_type
                .as_ref()
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            workflow_id: a.workflow_id.clone(),
        },
        E::SignalExternalWorkflowExecutionInitiatedEventAttributes(a) => Step::SignalExternal {
            signal_name: a.signal_name.clone(),
        },
        E::RequestCancelExternalWorkflowExecutionInitiatedEventAttributes(a) => {
            Step::CancelExternal {
                workflow_id: a
                    .workflow_execution
                    .as_ref()
                    .map(|w| w.workflow_id.clone())
                    .unwrap_or_default(),
            }
        }
        E::UpsertWorkflowSearchAttributesEventAttributes(_) => Step::UpsertSearchAttributes,
        E::WorkflowPropertiesModifiedEventAttributes(_) => Step::ModifyProperties,
        E::WorkflowExecutionCompletedEventAttributes(_) => Step::Complete,
        E::WorkflowExecutionFailedEventAttributes(_) => Step::Fail,
        E::WorkflowExecutionCanceledEventAttributes(_) => Step::Cancel,
        E::WorkflowExecutionContinuedAsNewEventAttributes(a) => Step::ContinueAsNew {
            workflow_type: a
                .workflow_type
                .as_ref()
                .map(|t| t.name.clone())
                .unwrap_or_default(),
        },
        E::NexusOperationScheduledEventAttributes(_) => Step::Other("nexus operation"),
        E::NexusOperationCancelRequestedEventAttributes(_) => Step::Other("nexus operation cancel"),
        // Update events come from protocol messages, not from commands compared here.
        _ => return None,
    })
}

/// Compares in order; the first difference, with a hint, or `None` when they match.
pub(crate) fn compare(
    commands: &[Command],
    recorded: &[&HistoryEvent],
) -> Option<(Divergence, Hint)> {
    let new: Vec<Step> = commands.iter().filter_map(command_step).collect();
    let old: Vec<(&HistoryEvent, Step)> = recorded
        .iter()
        .filter_map(|e| event_step(e).map(|s| (*e, s)))
        .collect();
    let mut new_index = 0;
    let mut old_index = 0;
    while new_index < new.len() || old_index < old.len() {
        let actual = new.get(new_index);
        let expected = old.get(old_index);
        // sdk-core upserts TemporalChangeVersion after a patch marker only under a flag; a
        // missing upsert there is not a divergence (core skips it the same way).
        if let (Some((_, Step::UpsertSearchAttributes)), Some(previous)) =
            (expected, old_index.checked_sub(1).and_then(|i| old.get(i)))
            && matches!(&previous.1, Step::Marker { name } if name == PATCH_MARKER)
            && actual != Some(&Step::UpsertSearchAttributes)
        {
            old_index += 1;
            continue;
        }
        if let (Some(actual), Some((_, expected))) = (actual, expected)
            && actual == expected
        {
            new_index += 1;
            old_index += 1;
            continue;
        }
        let divergence = Divergence {
            event_id: expected.map(|(e, _)| e.event_id),
            event_type: expected
                .map(|(e, _)| wfkit_history::event::type_name(wfkit_history::event::event_type(e))),
            expected: expected.map(|(_, s)| s.describe()),
            actual: actual.map(Step::describe),
            sdk_message: None,
        };
        return Some((divergence, hint_for(actual, expected.map(|(_, s)| s))));
    }
    None
}

/// True when the new commands record a patch marker the recorded task does not have: running
/// the last task fresh took the new branch of a `patched()` call.
pub(crate) fn adds_patch_marker(commands: &[Command], recorded: &[&HistoryEvent]) -> bool {
    let recorded_patches = recorded
        .iter()
        .filter(|e| matches!(event_step(e), Some(Step::Marker { name }) if name == PATCH_MARKER))
        .count();
    let new_patches = commands
        .iter()
        .filter(|c| matches!(command_step(c), Some(Step::Marker { name }) if name == PATCH_MARKER))
        .count();
    new_patches > recorded_patches
}

fn hint_for(actual: Option<&Step>, expected: Option<&Step>) -> Hint {
    match (actual, expected) {
        (
            Some(Step::Activity {
                activity_type: a, ..
            }),
            Some(Step::Activity {
                activity_type: b, ..
            }),
        ) if a != b => hint(
            "activity-type-changed",
            format!(
                "the code runs activity {a} where the history ran {b}: an activity was inserted, replaced, renamed or reordered without a patch"
            ),
        ),
        (Some(Step::Activity { .. }), Some(Step::Activity { .. })) => hint(
            "activity-order-changed",
            "the same activity now has another id: activities were added, removed or reordered before it",
        ),
        (Some(Step::Marker { name }), _) if name == PATCH_MARKER => hint(
            "patch-missing",
            "the code takes a {patched} branch the history never took; histories recorded before the change need the old branch",
        ),
        (_, Some(Step::Marker { name })) if name == PATCH_MARKER => hint(
            "patch-removed",
            "the history carries a patch marker the code no longer checks: keep {deprecate_patch} until those histories are gone",
        ),
        (Some(new), Some(old)) if new.closes() && !old.closes() => hint(
            "early-completion",
            "the workflow now ends where the history went on: a step was removed or a condition changed",
        ),
        (Some(new), Some(old)) if old.closes() && !new.closes() => hint(
            "step-before-completion",
            format!(
                "the code adds a step ({}) before the workflow ends: guard new steps with {{patched}}",
                new.describe()
            ),
        ),
        (Some(Step::Timer { .. }), Some(Step::Activity { .. }))
        | (Some(Step::Activity { .. }), Some(Step::Timer { .. })) => hint(
            "step-kind-changed",
            "a sleep became an activity, or the other way round, without a patch",
        ),
        (Some(new), None) => hint(
            "command-added",
            format!(
                "the code issues {} that the history does not have: guard new steps with {{patched}}",
                new.describe()
            ),
        ),
        (None, Some(old)) => hint(
            "command-removed",
            format!(
                "the history has {} that the code no longer issues: a step was removed without a patch",
                old.describe()
            ),
        ),
        _ => hint(
            "command-changed",
            "the code issues a different command where the history recorded this event",
        ),
    }
}
