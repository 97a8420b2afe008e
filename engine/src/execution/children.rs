//! The links between a parent run and its children, as each run holds them, and how a child's
//! close maps to the parent's view. What the engine does with children is in
//! `transitions/children.rs`.

use temporalio_protos::temporal::api::common::v1::Payloads;
use temporalio_protos::temporal::api::enums::v1::{ParentClosePolicy, WorkflowExecutionStatus};
use temporalio_protos::temporal::api::failure::v1::Failure;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

use crate::ids::ExecutionKey;

/// The parent of a child run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParentLink {
    pub(crate) key: ExecutionKey,
    pub(crate) namespace_id: String,
    pub(crate) initiated_event_id: i64,
}

/// A child as its parent tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChildLink {
    pub(crate) workflow_id: String,
    pub(crate) run_id: String,
    pub(crate) workflow_type: String,
    pub(crate) started_event_id: i64,
    pub(crate) parent_close_policy: ParentClosePolicy,
}

/// How a child run ended, for the parent's event.
#[derive(Debug, Clone)]
pub(crate) enum ChildClose {
    Completed(Option<Payloads>),
    Failed(Option<Box<Failure>>),
    Canceled(Option<Payloads>),
    TimedOut,
    Terminated,
}

/// How a closing status maps to the parent's view.
pub(crate) fn child_close_of(
    status: WorkflowExecutionStatus,
    attributes: &Attributes,
) -> Option<ChildClose> {
    // A run that a retry or the next cron run follows leaves the child open under that run.
    let followed = match attributes {
        Attributes::WorkflowExecutionCompletedEventAttributes(a) => a.new_execution_run_id.as_str(),
        Attributes::WorkflowExecutionFailedEventAttributes(a) => a.new_execution_run_id.as_str(),
        Attributes::WorkflowExecutionTimedOutEventAttributes(a) => a.new_execution_run_id.as_str(),
        _ => "",
    };
    if !followed.is_empty() {
        return None;
    }
    Some(match (status, attributes) {
        (
            WorkflowExecutionStatus::Completed,
            Attributes::WorkflowExecutionCompletedEventAttributes(a),
        ) => ChildClose::Completed(a.result.clone()),
        (
            WorkflowExecutionStatus::Failed,
            Attributes::WorkflowExecutionFailedEventAttributes(a),
        ) => ChildClose::Failed(a.failure.clone().map(Box::new)),
        (
            WorkflowExecutionStatus::Canceled,
            Attributes::WorkflowExecutionCanceledEventAttributes(a),
        ) => ChildClose::Canceled(a.details.clone()),
        (WorkflowExecutionStatus::TimedOut, _) => ChildClose::TimedOut,
        (WorkflowExecutionStatus::Terminated, _) => ChildClose::Terminated,
        // A child that continues as new stays open under its new run.
        _ => return None,
    })
}
