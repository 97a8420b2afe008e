//! Canned workflow tasks on the engine handle: hand a prepared poll response to a worker and
//! wait for its answer (the data types and rules are in `canned.rs`).

use std::time::Duration;

use temporalio_protos::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse;

use crate::canned::CannedAnswer;
use crate::matching::{QueueKey, QueueKind};
use crate::namespace::NamespaceRecord;
use crate::server::Engine;
use crate::token::{TaskKind, TaskToken};

impl Engine {
    /// Hands `response` to the next worker polling `task_queue` in `namespace` (created when
    /// missing) and waits at most `deadline` for its answer. The task token is set by the
    /// engine; every other field is sent as given.
    pub async fn run_canned_task(
        &self,
        namespace: &str,
        task_queue: &str,
        mut response: PollWorkflowTaskQueueResponse,
        deadline: Duration,
    ) -> CannedAnswer {
        let queue = QueueKey {
            namespace: namespace.to_string(),
            name: task_queue.to_string(),
            kind: QueueKind::Workflow,
        };
        let (id, receiver) = {
            let mut state = self.shared.lock();
            if !state.namespaces.contains_key(namespace) {
                let record =
                    NamespaceRecord::new(namespace, state.ids.uuid(), Duration::from_secs(86_400));
                state.namespaces.insert(namespace.to_string(), record);
            }
            let id = state.next_query_id();
            let execution = response.workflow_execution.clone().unwrap_or_default();
            response.task_token = TaskToken {
                kind: TaskKind::Canned,
                namespace: namespace.to_string(),
                workflow_id: execution.workflow_id,
                run_id: execution.run_id,
                scheduled_event_id: id,
                attempt: response.attempt,
            }
            .encode();
            let (sender, receiver) = tokio::sync::oneshot::channel();
            state.waiters.canned.insert(id, sender);
            state
                .matching
                .push_canned(queue.clone(), id, Box::new(response));
            (id, receiver)
        };
        match tokio::time::timeout(deadline, receiver).await {
            Ok(Ok(answer)) => answer,
            _ => {
                let mut state = self.shared.lock();
                state.waiters.canned.remove(&id);
                state.matching.remove_canned(&queue, id);
                CannedAnswer::TimedOut
            }
        }
    }
}
