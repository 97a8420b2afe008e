//! Child workflows: started after the parent's workflow task completes, reported back to the
//! parent as they start and close, and closed with the parent by their parent close policy.

use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::{
    ParentClosePolicy, RetryState, StartChildWorkflowExecutionFailedCause,
};
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    ChildWorkflowExecutionCanceledEventAttributes, ChildWorkflowExecutionCompletedEventAttributes,
    ChildWorkflowExecutionFailedEventAttributes, ChildWorkflowExecutionStartedEventAttributes,
    ChildWorkflowExecutionTerminatedEventAttributes, ChildWorkflowExecutionTimedOutEventAttributes,
    StartChildWorkflowExecutionFailedEventAttributes,
    StartChildWorkflowExecutionInitiatedEventAttributes,
};
use temporalio_protos::temporal::api::workflowservice::v1::StartWorkflowExecutionRequest;

use crate::execution::BufferedEvent;
use crate::execution::children::{ChildClose, ChildLink, ParentLink};
use crate::ids::ExecutionKey;
use crate::state::State;
use crate::transitions::start::RunOrigin;
impl State {
    /// Starts the child a StartChildWorkflowExecutionInitiated event asked for, and reports
    /// the start (or why it failed) to the parent.
    // `control` is deprecated but still copied: the real server does.
    #[allow(deprecated)]
    pub(crate) fn start_child(&mut self, parent: &ExecutionKey, initiated_event_id: i64) {
        let Some(initiated) =
            self.event_attributes(parent, initiated_event_id, |attributes| match attributes {
                Attributes::StartChildWorkflowExecutionInitiatedEventAttributes(a) => {
                    Some(a.clone())
                }
                _ => None,
            })
        else {
            return;
        };
        let namespace = if initiated.namespace.is_empty() {
            parent.namespace.clone()
        } else {
            initiated.namespace.clone()
        };
        let namespace_id = self
            .namespaces
            .get(&namespace)
            .map(|n| n.id.clone())
            .unwrap_or_default();
        let running = self
            .current_runs
            .get(&(namespace.clone(), initiated.workflow_id.clone()))
            .and_then(|run_id| {
                self.executions.get(&ExecutionKey {
                    namespace: namespace.clone(),
                    workflow_id: initiated.workflow_id.clone(),
                    run_id: run_id.clone(),
                })
            })
            .is_some_and(|run| run.is_running());
        if running || !self.namespaces.contains_key(&namespace) {
            let cause = if running {
                StartChildWorkflowExecutionFailedCause::WorkflowAlreadyExists
            } else {
                StartChildWorkflowExecutionFailedCause::NamespaceNotFound
            };
            self.record_external(
                parent,
                BufferedEvent::plain(
                    Attributes::StartChildWorkflowExecutionFailedEventAttributes(
                        StartChildWorkflowExecutionFailedEventAttributes {
                            namespace,
                            namespace_id,
                            workflow_id: initiated.workflow_id.clone(),
                            workflow_type: initiated.workflow_type.clone(),
                            cause: cause as i32,
                            control: initiated.control.clone(),
                            initiated_event_id,
                            workflow_task_completed_event_id: initiated
                                .workflow_task_completed_event_id,
                        },
                    ),
                ),
            );
            return;
        }
        let request = child_request(&namespace, &initiated);
        let run_id = self.ids.uuid();
        let link = ParentLink {
            key: parent.clone(),
            namespace_id: self
                .namespaces
                .get(&parent.namespace)
                .map(|n| n.id.clone())
                .unwrap_or_default(),
            initiated_event_id,
        };
        let child = self.start_run(request, run_id.clone(), RunOrigin::Child(link));
        let policy = ParentClosePolicy::try_from(initiated.parent_close_policy)
            .unwrap_or(ParentClosePolicy::Terminate);
        let workflow_type = initiated.workflow_type.clone();
        self.record_external(
            parent,
            BufferedEvent::plain(Attributes::ChildWorkflowExecutionStartedEventAttributes(
                ChildWorkflowExecutionStartedEventAttributes {
                    namespace,
                    namespace_id,
                    initiated_event_id,
                    workflow_execution: Some(WorkflowExecution {
                        workflow_id: child.workflow_id.clone(),
                        run_id: run_id.clone(),
                    }),
                    workflow_type: workflow_type.clone(),
                    header: initiated.header.clone(),
                },
            )),
        );
        // The started event's id is known once it is written (it may wait in the buffer).
        let started_event_id = self
            .executions
            .get(parent)
            .map_or(0, |p| p.history.len() as i64);
        if let Some(parent_run) = self
            .executions
            .get_mut(parent)
            .map(std::sync::Arc::make_mut)
        {
            parent_run.children.insert(
                initiated_event_id,
                ChildLink {
                    workflow_id: child.workflow_id,
                    run_id,
                    workflow_type: workflow_type.map(|t| t.name).unwrap_or_default(),
                    started_event_id,
                    parent_close_policy: policy,
                },
            );
        }
    }

    /// A child run closed: its parent hears of it.
    pub(crate) fn report_child_close(&mut self, child: &ExecutionKey, how: ChildClose) {
        let Some(link) = self.executions.get(child).and_then(|c| c.parent.clone()) else {
            return;
        };
        let Some(parent) = self
            .executions
            .get_mut(&link.key)
            .map(std::sync::Arc::make_mut)
        else {
            return;
        };
        let Some(entry) = parent.children.remove(&link.initiated_event_id) else {
            return;
        };
        let started_event_id =
            find_child_started(parent, link.initiated_event_id).unwrap_or(entry.started_event_id);
        let namespace = child.namespace.clone();
        let namespace_id = link.namespace_id.clone();
        // The parent knows the child by the run it started, whatever runs followed it.
        let workflow_execution = Some(WorkflowExecution {
            workflow_id: entry.workflow_id.clone(),
            run_id: entry.run_id.clone(),
        });
        let workflow_type = Some(WorkflowType {
            name: entry.workflow_type.clone(),
        });
        let initiated_event_id = link.initiated_event_id;
        let attributes = match how {
            ChildClose::Completed(result) => {
                Attributes::ChildWorkflowExecutionCompletedEventAttributes(
                    ChildWorkflowExecutionCompletedEventAttributes {
                        result,
                        namespace,
                        namespace_id,
                        workflow_execution,
                        workflow_type,
                        initiated_event_id,
                        started_event_id,
                    },
                )
            }
            ChildClose::Failed(failure) => Attributes::ChildWorkflowExecutionFailedEventAttributes(
                ChildWorkflowExecutionFailedEventAttributes {
                    failure: failure.map(|f| *f),
                    namespace,
                    namespace_id,
                    workflow_execution,
                    workflow_type,
                    initiated_event_id,
                    started_event_id,
                    retry_state: RetryState::RetryPolicyNotSet as i32,
                },
            ),
            ChildClose::Canceled(details) => {
                Attributes::ChildWorkflowExecutionCanceledEventAttributes(
                    ChildWorkflowExecutionCanceledEventAttributes {
                        details,
                        namespace,
                        namespace_id,
                        workflow_execution,
                        workflow_type,
                        initiated_event_id,
                        started_event_id,
                    },
                )
            }
            ChildClose::TimedOut => Attributes::ChildWorkflowExecutionTimedOutEventAttributes(
                ChildWorkflowExecutionTimedOutEventAttributes {
                    namespace,
                    namespace_id,
                    workflow_execution,
                    workflow_type,
                    initiated_event_id,
                    started_event_id,
                    retry_state: RetryState::Timeout as i32,
                },
            ),
            ChildClose::Terminated => Attributes::ChildWorkflowExecutionTerminatedEventAttributes(
                ChildWorkflowExecutionTerminatedEventAttributes {
                    namespace,
                    namespace_id,
                    workflow_execution,
                    workflow_type,
                    initiated_event_id,
                    started_event_id,
                },
            ),
        };
        self.record_external(&link.key, BufferedEvent::plain(attributes));
    }

    /// The parent closed: each open child is terminated, asked to cancel, or left running,
    /// as its parent close policy says.
    pub(crate) fn apply_parent_close_policies(&mut self, parent: &ExecutionKey) {
        let Some(children) = self
            .executions
            .get_mut(parent)
            .map(std::sync::Arc::make_mut)
            .map(|p| std::mem::take(&mut p.children))
        else {
            return;
        };
        for (_, child) in children {
            let Ok(key) = self.resolve(&parent.namespace, &child.workflow_id, &child.run_id) else {
                continue;
            };
            match child.parent_close_policy {
                ParentClosePolicy::Abandon => {}
                ParentClosePolicy::RequestCancel => self.request_cancel(&key, "parent closed", ""),
                _ => self.terminate(&key, "by parent close policy", None, ""),
            }
        }
    }
}

fn find_child_started(
    parent: &crate::execution::Execution,
    initiated_event_id: i64,
) -> Option<i64> {
    parent
        .history
        .iter()
        .rev()
        .find_map(|event| match event.attributes.as_ref()? {
            Attributes::ChildWorkflowExecutionStartedEventAttributes(a)
                if a.initiated_event_id == initiated_event_id =>
            {
                Some(event.event_id)
            }
            _ => None,
        })
}

fn child_request(
    namespace: &str,
    initiated: &StartChildWorkflowExecutionInitiatedEventAttributes,
) -> StartWorkflowExecutionRequest {
    StartWorkflowExecutionRequest {
        namespace: namespace.to_string(),
        workflow_id: initiated.workflow_id.clone(),
        workflow_type: initiated.workflow_type.clone(),
        task_queue: initiated.task_queue.clone(),
        input: initiated.input.clone(),
        workflow_execution_timeout: initiated.workflow_execution_timeout,
        workflow_run_timeout: initiated.workflow_run_timeout,
        workflow_task_timeout: initiated.workflow_task_timeout,
        workflow_id_reuse_policy: initiated.workflow_id_reuse_policy,
        retry_policy: initiated.retry_policy.clone(),
        cron_schedule: initiated.cron_schedule.clone(),
        memo: initiated.memo.clone(),
        search_attributes: initiated.search_attributes.clone(),
        header: initiated.header.clone(),
        priority: initiated.priority.clone(),
        ..StartWorkflowExecutionRequest::default()
    }
}
