//! One run of a workflow: its history and the mutable state derived from it (its workflow task,
//! buffered events, open activities, timers and children). This module owns the data of a run;
//! the rules that change it across owners (matching, timers) are in `transitions/`.

pub(crate) mod activity;
pub(crate) mod children;
pub(crate) mod event_log;
pub(crate) mod retry_policy;
pub(crate) mod updates;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::enums::v1::WorkflowExecutionStatus;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    ActivityTaskStartedEventAttributes, HistoryEvent,
};
use temporalio_protos::temporal::api::workflowservice::v1::StartWorkflowExecutionRequest;
use tokio::sync::Notify;

use crate::ids::ExecutionKey;
use crate::time::timestamp;
use activity::Activity;

/// Where the run's workflow task stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum WorkflowTask {
    /// No workflow task: the workflow waits for something to happen.
    Idle,
    /// Scheduled, waiting for a worker (on `queue`: the normal or the sticky queue).
    Scheduled {
        /// 0 for a transient retry (its event is not written).
        scheduled_event_id: i64,
        attempt: i32,
        sticky: bool,
        scheduled_time: SystemTime,
        /// History length when scheduled: a transient retry that sees new events is written.
        written_events: usize,
        /// Carries updates only, and leaves no events if the worker rejects them all (the
        /// real server's speculative task). Unwritten until something else happens, like a
        /// transient retry.
        speculative: bool,
    },
    /// A worker is running it.
    Started {
        scheduled_event_id: i64,
        started_event_id: i64,
        attempt: i32,
        scheduled_time: SystemTime,
        started_time: SystemTime,
        /// The unwritten events of a transient retry or a speculative task.
        transient: Option<Box<[HistoryEvent; 2]>>,
        speculative: bool,
    },
}

/// An event that arrived while a workflow task was running; written when that task ends.
#[derive(Debug, Clone)]
pub(crate) enum BufferedEvent {
    /// An event written as it is.
    Plain(Box<Attributes>),
    /// An activity's final attempt: its started event, then the close event, which refers to the
    /// started event's id (only known when both are written).
    ActivityClosed {
        started: Box<ActivityTaskStartedEventAttributes>,
        closed: Box<Attributes>,
    },
}

impl BufferedEvent {
    pub(crate) fn plain(attributes: Attributes) -> Self {
        BufferedEvent::Plain(Box::new(attributes))
    }
}

/// A query waiting for the run's next workflow task (see `transitions/queries.rs`).
#[derive(Debug, Clone)]
pub(crate) struct BufferedQuery {
    /// The engine's query id; its caller waits in `State::waiters`.
    pub(crate) id: i64,
    pub(crate) query: temporalio_protos::temporal::api::query::v1::WorkflowQuery,
    /// On the workflow task that is running now.
    pub(crate) on_task: bool,
}

/// The sticky queue of the worker that last completed a workflow task of this run.
#[derive(Debug, Clone)]
pub(crate) struct Sticky {
    pub(crate) queue: String,
    pub(crate) schedule_to_start: Duration,
}

/// A workflow run.
#[derive(Debug, Clone)]
pub(crate) struct Execution {
    pub(crate) key: ExecutionKey,
    pub(crate) workflow_type: String,
    pub(crate) task_queue: String,
    pub(crate) workflow_task_timeout: Duration,
    pub(crate) run_timeout: Option<Duration>,
    /// Shared: copying a run (a snapshot taken, then the run changed) must not copy its input.
    pub(crate) start_request: Arc<StartWorkflowExecutionRequest>,
    pub(crate) first_execution_run_id: String,
    /// 1 for a first run; a retry counts up from its predecessor's attempt.
    pub(crate) attempt: i32,
    pub(crate) start_time: SystemTime,
    /// When the first workflow task is due: the start time plus any cron, retry or start
    /// delay. A cron schedule's next time counts from it.
    pub(crate) execution_time: SystemTime,
    /// The workflow execution's deadline (its execution timeout), the same for every run of a
    /// chain; no retry or cron run starts after it.
    pub(crate) expiration: Option<SystemTime>,
    pub(crate) close_time: Option<SystemTime>,
    pub(crate) status: WorkflowExecutionStatus,
    /// Persistent, so that a snapshot of the state does not copy histories; each event behind
    /// an `Arc`, since the vector's operations move whole chunks of elements (on the stack, too)
    /// and an event is large.
    /// Written only by `append` (the log's writing methods are private to this module).
    pub(crate) history: event_log::EventLog,
    pub(crate) workflow_task: WorkflowTask,
    pub(crate) buffered: Vec<BufferedEvent>,
    pub(crate) sticky: Option<Sticky>,
    /// Open activities by their scheduled event id.
    pub(crate) activities: BTreeMap<i64, Activity>,
    /// Open timers: timer id to its TimerStarted event id.
    pub(crate) timers: BTreeMap<String, i64>,
    /// The started event id of the last completed workflow task (the poll response's
    /// `previous_started_event_id`).
    pub(crate) previous_started_event_id: i64,
    /// A command asked for another workflow task after the current one.
    pub(crate) new_workflow_task_requested: bool,
    /// The parent, when this run is a child workflow.
    pub(crate) parent: Option<children::ParentLink>,
    /// Open children by their StartChildWorkflowExecutionInitiated event id.
    pub(crate) children: BTreeMap<i64, children::ChildLink>,
    /// Updates admitted to this run, by id.
    pub(crate) updates: updates::Updates,
    /// Queries waiting for the next workflow task, oldest first.
    pub(crate) queries: Vec<BufferedQuery>,
    /// Woken whenever the history grows or an update moves: history long polls and update
    /// waiters wait on it.
    pub(crate) changed: Arc<Notify>,
}

impl Execution {
    pub(crate) fn is_running(&self) -> bool {
        self.status == WorkflowExecutionStatus::Running
    }

    /// Appends one event and returns its id.
    pub(crate) fn append(&mut self, now: SystemTime, task_id: i64, attributes: Attributes) -> i64 {
        let event_id = self.history.len() as i64 + 1;
        let event = HistoryEvent {
            event_id,
            event_time: Some(timestamp(now)),
            event_type: attributes.event_type() as i32,
            task_id,
            attributes: Some(attributes),
            ..HistoryEvent::default()
        };
        self.history.push(event);
        self.changed.notify_waiters();
        event_id
    }

    /// Attaches a command's SDK metadata to the event the command wrote: its event group
    /// markers, and its user metadata (a timer's summary), as the real server carries them over.
    pub(crate) fn attach_command_metadata(
        &mut self,
        event_id: i64,
        markers: Vec<temporalio_protos::temporal::api::sdk::v1::EventGroupMarker>,
        user_metadata: Option<temporalio_protos::temporal::api::sdk::v1::UserMetadata>,
    ) {
        let Some(event) = usize::try_from(event_id - 1)
            .ok()
            .and_then(|index| self.history.get_mut(index))
        else {
            return;
        };
        event.event_group_markers = markers;
        if user_metadata.is_some() {
            event.user_metadata = user_metadata;
        }
    }

    /// Copies of the events at indexes `start..end` (clamped to the history).
    pub(crate) fn events(&self, start: usize, end: usize) -> Vec<HistoryEvent> {
        self.history.range(start, end)
    }

    /// Size of the history as binary protobuf, as the server reports it to workers.
    pub(crate) fn history_size_bytes(&self) -> i64 {
        use prost::Message;
        self.history
            .iter()
            .map(|event| event.encoded_len() as i64 + 2)
            .sum()
    }

    /// True when the pending workflow task (scheduled or started) is speculative.
    pub(crate) fn speculative_task(&self) -> bool {
        matches!(
            self.workflow_task,
            WorkflowTask::Scheduled {
                speculative: true,
                ..
            } | WorkflowTask::Started {
                speculative: true,
                ..
            }
        )
    }

    /// True when a workflow task is running on a worker, so new events must wait in the buffer.
    pub(crate) fn workflow_task_started(&self) -> bool {
        matches!(self.workflow_task, WorkflowTask::Started { .. })
    }
}
