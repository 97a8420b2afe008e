//! Task queues: tasks waiting for a worker, and the long polls waiting for a task.
//!
//! A queue holds references to tasks, not the tasks themselves: a poller takes a reference
//! under the state lock and starts the task then, after checking that it is still current. A
//! poller that goes away never loses a task, because nothing is handed over until it is started.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::Notify;

use crate::ids::ExecutionKey;

/// The bound on tasks in one queue; past it the engine refuses new work rather than grow.
pub(crate) const MAX_QUEUED_TASKS: usize = 100_000;

/// Workflow or activity tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum QueueKind {
    Workflow,
    Activity,
}

/// Names one task queue.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct QueueKey {
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) kind: QueueKind,
}

/// Who polled: what the started events record about the worker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Poller {
    pub(crate) identity: String,
    pub(crate) request_id: String,
    /// The worker's build id, when it sent one (recorded as `workerVersion` on started events).
    pub(crate) build_id: String,
}

impl Poller {
    /// The version stamp started events carry, as the real server writes it.
    pub(crate) fn worker_version(
        &self,
    ) -> Option<temporalio_protos::temporal::api::common::v1::WorkerVersionStamp> {
        (!self.build_id.is_empty()).then(|| {
            temporalio_protos::temporal::api::common::v1::WorkerVersionStamp {
                build_id: self.build_id.clone(),
                use_versioning: false,
            }
        })
    }
}

/// A reference to a task: the run, the scheduled event and the attempt it was queued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaskRef {
    pub(crate) key: ExecutionKey,
    pub(crate) scheduled_event_id: i64,
    pub(crate) attempt: i32,
}

/// One queue. Tasks are a persistent vector: a queue is part of every snapshot of the state
/// (`State::snapshot`), and copying a long backlog per request would cost O(backlog).
#[derive(Debug, Default, Clone)]
pub(crate) struct Queue {
    tasks: imbl::Vector<Arc<TaskRef>>,
    /// Query tasks go to workflow task pollers before workflow tasks.
    queries: VecDeque<QueryTask>,
    /// Canned tasks (id, prepared response) go first of all.
    canned: VecDeque<(
        i64,
        Box<temporalio_protos::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse>,
    )>,
    notify: Arc<Notify>,
    /// When a worker last polled this queue (real time: it says whether workers are there).
    last_polled: Option<std::time::Instant>,
}

/// A query waiting for a workflow worker.
#[derive(Debug, Clone)]
pub(crate) struct QueryTask {
    pub(crate) id: i64,
    pub(crate) key: ExecutionKey,
    pub(crate) query: temporalio_protos::temporal::api::query::v1::WorkflowQuery,
}

/// All task queues. Keys and queues behind `Arc`s: the first change after a snapshot copies the
/// map's node (up to 64 entries), and copying an entry should be two counters, not two strings
/// and a queue (a poll changes its queue, so this happens on nearly every request).
#[derive(Debug, Default, Clone)]
pub(crate) struct Matching {
    queues: imbl::OrdMap<Arc<QueueKey>, Arc<Queue>>,
}

impl Matching {
    /// The queue, created empty if new, to change (copied first if a snapshot shares it).
    fn queue_mut(&mut self, queue: &QueueKey) -> &mut Queue {
        if !self.queues.contains_key(queue) {
            self.queues.insert(Arc::new(queue.clone()), Arc::default());
        }
        Arc::make_mut(
            self.queues
                .get_mut(queue)
                .expect("the queue is in the map: inserted above if it was not"),
        )
    }

    /// An existing queue, to change (copied first if a snapshot shares it).
    fn existing_mut(&mut self, queue: &QueueKey) -> Option<&mut Queue> {
        self.queues.get_mut(queue).map(Arc::make_mut)
    }

    /// Queues a task and wakes one poller.
    pub(crate) fn push(&mut self, queue: QueueKey, task: TaskRef) {
        let entry = self.queue_mut(&queue);
        if entry.tasks.len() >= MAX_QUEUED_TASKS {
            // The oldest task stays; the newest is dropped and will be recovered by its
            // schedule-to-start timeout. A limit that never triggers in tests, but bounds memory.
            return;
        }
        entry.tasks.push_back(Arc::new(task));
        entry.notify.notify_one();
    }

    /// Queues a query task and wakes one poller.
    pub(crate) fn push_query(&mut self, queue: QueueKey, task: QueryTask) {
        let entry = self.queue_mut(&queue);
        entry.queries.push_back(task);
        entry.notify.notify_one();
    }

    /// Queues a canned task and wakes one poller.
    pub(crate) fn push_canned(
        &mut self,
        queue: QueueKey,
        id: i64,
        response: Box<
            temporalio_protos::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse,
        >,
    ) {
        let entry = self.queue_mut(&queue);
        entry.canned.push_back((id, response));
        entry.notify.notify_one();
    }

    /// Takes the oldest canned task of a queue.
    pub(crate) fn pop_canned(
        &mut self,
        queue: &QueueKey,
    ) -> Option<(
        i64,
        Box<temporalio_protos::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse>,
    )> {
        self.existing_mut(queue)?.canned.pop_front()
    }

    /// Drops a canned task nobody took in time.
    pub(crate) fn remove_canned(&mut self, queue: &QueueKey, id: i64) {
        if let Some(entry) = self.existing_mut(queue) {
            entry.canned.retain(|(canned, _)| *canned != id);
        }
    }

    /// Takes the oldest query task of a queue.
    pub(crate) fn pop_query(&mut self, queue: &QueueKey) -> Option<QueryTask> {
        self.existing_mut(queue)?.queries.pop_front()
    }

    /// Takes the oldest task of a queue.
    pub(crate) fn pop(&mut self, queue: &QueueKey) -> Option<TaskRef> {
        self.existing_mut(queue)?
            .tasks
            .pop_front()
            .map(Arc::unwrap_or_clone)
    }

    /// Wakes every waiting poll of every queue, so each looks again (a worker crashed).
    pub(crate) fn wake_all(&self) {
        for queue in self.queues.values() {
            queue.notify.notify_waiters();
        }
    }

    /// The notifier pollers of this queue wait on.
    /// A worker polls `queue` now.
    pub(crate) fn note_poll(&mut self, queue: &QueueKey) {
        self.queue_mut(queue).last_polled = Some(std::time::Instant::now());
    }

    /// Whether a worker polled `queue` within `window`.
    pub(crate) fn polled_within(&self, queue: &QueueKey, window: std::time::Duration) -> bool {
        self.queues
            .get(queue)
            .and_then(|entry| entry.last_polled)
            .is_some_and(|at| at.elapsed() <= window)
    }

    pub(crate) fn notifier(&mut self, queue: &QueueKey) -> Arc<Notify> {
        if let Some(entry) = self.queues.get(queue) {
            return entry.notify.clone();
        }
        self.queue_mut(queue).notify.clone()
    }

    /// Removes every reference to a task (it was started elsewhere, timed out or moved).
    pub(crate) fn remove(&mut self, queue: &QueueKey, key: &ExecutionKey, scheduled_event_id: i64) {
        if let Some(entry) = self.existing_mut(queue) {
            entry.tasks.retain(|task| {
                !(task.key == *key && task.scheduled_event_id == scheduled_event_id)
            });
        }
    }

    /// Number of tasks waiting in a queue (the backlog hint).
    pub(crate) fn backlog(&self, queue: &QueueKey) -> usize {
        self.queues.get(queue).map_or(0, |q| q.tasks.len())
    }
}
