//! The workflow-task structure of a recorded history: which tasks completed, and which command
//! events each completed task produced.

use temporalio_protos::temporal::api::enums::v1::EventType;
use temporalio_protos::temporal::api::history::v1::{History, HistoryEvent};

/// Workflow task boundaries of one history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Ids of the WorkflowTaskStarted events directly followed by WorkflowTaskCompleted.
    pub(crate) completed_starts: Vec<i64>,
    /// Id of the last WorkflowTaskStarted when the task it started did not complete (it
    /// failed, timed out or is still running).
    pub(crate) unfinished_start: Option<i64>,
}

impl Shape {
    pub(crate) fn of(history: &History) -> Shape {
        let events = &history.events;
        let completed_starts = events
            .windows(2)
            .filter(|pair| {
                is(&pair[0], EventType::WorkflowTaskStarted)
                    && is(&pair[1], EventType::WorkflowTaskCompleted)
            })
            .map(|pair| pair[0].event_id)
            .collect::<Vec<_>>();
        let last_start = events
            .iter()
            .rev()
            .find(|e| is(e, EventType::WorkflowTaskStarted))
            .map(|e| e.event_id);
        let unfinished_start = last_start.filter(|id| completed_starts.last() != Some(id));
        Shape {
            completed_starts,
            unfinished_start,
        }
    }

    /// The started id of the completed task before `started`, or 0.
    pub(crate) fn previous(&self, started: i64) -> i64 {
        self.completed_starts
            .iter()
            .rev()
            .find(|id| **id < started)
            .copied()
            .unwrap_or(0)
    }
}

fn is(event: &HistoryEvent, event_type: EventType) -> bool {
    event.event_type == event_type as i32
}

/// The command events a completed task wrote: those right after its WorkflowTaskCompleted, up
/// to the first event that is not a command event.
pub(crate) fn recorded_commands(history: &History, started_event_id: i64) -> Vec<&HistoryEvent> {
    // Events are numbered from 1: the WorkflowTaskCompleted is at index `started_event_id`.
    history
        .events
        .iter()
        .skip(started_event_id as usize + 1)
        .take_while(|event| event.is_command_event())
        .collect()
}
