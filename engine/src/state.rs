//! Everything the engine knows, behind one lock: namespaces, executions, task queues, timers,
//! the clock. Handlers lock it, change it and unlock without awaiting in between, so every
//! change is atomic and the order of changes is the order of the history.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;

use crate::clock::{Clock, TimeMode};
use crate::error::EngineError;
use crate::execution::Execution;
use crate::ids::ExecutionKey;
use crate::ids::IdGenerator;
use crate::matching::Matching;
use crate::namespace::NamespaceRecord;
use crate::timers::TimerWheel;

/// The whole mutable state of the engine.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) clock: Clock,
    pub(crate) ids: IdGenerator,
    pub(crate) namespaces: BTreeMap<String, NamespaceRecord>,
    pub(crate) executions: BTreeMap<ExecutionKey, Execution>,
    /// (namespace, workflow id) to the id of its latest run.
    pub(crate) current_runs: BTreeMap<(String, String), String>,
    pub(crate) matching: Matching,
    pub(crate) timers: TimerWheel,
    /// Task ids increase across the whole engine, as the real server's do per shard.
    next_task_id: i64,
    /// Wakes the timer driver when timers or outstanding work change.
    pub(crate) timer_wake: Arc<Notify>,
    /// Queries dispatched to workers, waiting for their answer, by query id.
    pub(crate) pending_queries: BTreeMap<i64, tokio::sync::oneshot::Sender<QueryAnswer>>,
    next_query_id: i64,
    /// Canned tasks handed out or waiting, by id, with whoever waits for the answer.
    pub(crate) canned_waiters:
        BTreeMap<i64, tokio::sync::oneshot::Sender<crate::canned::CannedAnswer>>,
    /// Effects of a workflow task's commands that happen once the task is complete.
    pub(crate) deferred: Vec<Deferred>,
    /// The installed fault plan and its bookkeeping.
    pub(crate) faults: crate::faults::FaultState,
}

/// An effect a command asks for, performed after its workflow task completes, so that events it
/// causes land after that task's events (as the real server's transfer tasks do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Deferred {
    StartChild {
        parent: ExecutionKey,
        initiated_event_id: i64,
    },
    SignalExternal {
        sender: ExecutionKey,
        initiated_event_id: i64,
    },
    CancelExternal {
        sender: ExecutionKey,
        initiated_event_id: i64,
    },
}

/// A worker's answer to a query.
#[derive(Debug, Clone)]
pub(crate) struct QueryAnswer {
    pub(crate) result:
        Result<Option<temporalio_protos::temporal::api::common::v1::Payloads>, String>,
}

impl State {
    pub(crate) fn new(mode: TimeMode, seed: u64, timer_wake: Arc<Notify>) -> Self {
        let mut namespaces = BTreeMap::new();
        let mut ids = IdGenerator::new(seed);
        namespaces.insert(
            "default".to_string(),
            NamespaceRecord::new("default", ids.uuid(), Duration::from_secs(86_400)),
        );
        State {
            clock: Clock::new(mode),
            ids,
            namespaces,
            executions: BTreeMap::new(),
            current_runs: BTreeMap::new(),
            matching: Matching::default(),
            timers: TimerWheel::default(),
            next_task_id: 1_048_576,
            timer_wake,
            pending_queries: BTreeMap::new(),
            next_query_id: 0,
            deferred: Vec::new(),
            faults: crate::faults::FaultState::default(),
            canned_waiters: BTreeMap::new(),
        }
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.clock.now()
    }

    pub(crate) fn next_task_id(&mut self) -> i64 {
        self.next_task_id += 1;
        self.next_task_id
    }

    pub(crate) fn next_query_id(&mut self) -> i64 {
        self.next_query_id += 1;
        self.next_query_id
    }

    /// Fails unless the namespace exists.
    pub(crate) fn namespace(&self, name: &str) -> Result<&NamespaceRecord, EngineError> {
        if name.is_empty() {
            return Err(EngineError::InvalidArgument(
                "Namespace is not set on request.".to_string(),
            ));
        }
        self.namespaces
            .get(name)
            .ok_or_else(|| EngineError::NamespaceNotFound(name.to_string()))
    }

    /// The key of a run: the given run id, or the latest run when it is empty.
    pub(crate) fn resolve(
        &self,
        namespace: &str,
        workflow_id: &str,
        run_id: &str,
    ) -> Result<ExecutionKey, EngineError> {
        self.namespace(namespace)?;
        if workflow_id.is_empty() {
            return Err(EngineError::InvalidArgument(
                "WorkflowId is not set on request.".to_string(),
            ));
        }
        if !run_id.is_empty() && !is_uuid(run_id) {
            return Err(EngineError::InvalidArgument("Invalid RunId.".to_string()));
        }
        let run_id = if run_id.is_empty() {
            self.current_runs
                .get(&(namespace.to_string(), workflow_id.to_string()))
                .cloned()
                .ok_or_else(|| not_found(workflow_id, run_id))?
        } else {
            run_id.to_string()
        };
        let key = ExecutionKey {
            namespace: namespace.to_string(),
            workflow_id: workflow_id.to_string(),
            run_id,
        };
        if !self.executions.contains_key(&key) {
            return Err(not_found(workflow_id, &key.run_id));
        }
        Ok(key)
    }

    pub(crate) fn execution(&self, key: &ExecutionKey) -> Result<&Execution, EngineError> {
        self.executions
            .get(key)
            .ok_or_else(|| not_found(&key.workflow_id, &key.run_id))
    }

    pub(crate) fn execution_mut(
        &mut self,
        key: &ExecutionKey,
    ) -> Result<&mut Execution, EngineError> {
        self.executions
            .get_mut(key)
            .ok_or_else(|| not_found(&key.workflow_id, &key.run_id))
    }
}

pub(crate) fn not_found(workflow_id: &str, run_id: &str) -> EngineError {
    EngineError::NotFound(format!(
        "workflow execution not found for workflow ID \"{workflow_id}\" and run ID \"{run_id}\""
    ))
}

/// Run ids are UUIDs in their canonical text form; the server refuses anything else.
fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(index, ch)| match index {
            8 | 13 | 18 | 23 => ch == '-',
            _ => ch.is_ascii_hexdigit(),
        })
}
