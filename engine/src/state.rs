//! Everything the engine knows, behind one lock: namespaces, executions, task queues, timers,
//! the clock. Handlers lock it, change it and unlock without awaiting in between, so every
//! change is atomic and the order of changes is the order of the history.
//!
//! The large collections are persistent (`imbl`): `State::snapshot` copies the whole state in
//! O(1), and a request that panics halfway is undone by restoring the snapshot taken when it
//! locked (`shared::StateGuard`).

use std::collections::BTreeMap;

use imbl::OrdMap;
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
    pub(crate) namespaces: OrdMap<String, NamespaceRecord>,
    /// Keys and runs behind `Arc`s: a persistent map copies whole nodes when one entry changes
    /// after a snapshot, and copying an `Arc` is a counter, not a run.
    pub(crate) executions: OrdMap<Arc<ExecutionKey>, Arc<Execution>>,
    /// (namespace, workflow id) to the id of its latest run.
    pub(crate) current_runs: CurrentRuns,
    pub(crate) matching: Matching,
    /// Schedules, by namespace and schedule id (`schedules/`).
    pub(crate) schedules: OrdMap<crate::schedules::ScheduleKey, Arc<crate::schedules::Schedule>>,
    pub(crate) timers: TimerWheel,
    /// Task ids increase across the whole engine, as the real server's do per shard.
    next_task_id: i64,
    /// Wakes the timer driver when timers or outstanding work change.
    pub(crate) timer_wake: Arc<Notify>,
    next_query_id: i64,
    /// Callers waiting for a worker's answer. Channels to the outside are not part of a
    /// snapshot: a rollback keeps them, and drops those the undone request added.
    pub(crate) waiters: Waiters,
    /// Hooks tests use to strike inside a rule; like the waiters, not rolled back, so a hook
    /// that struck stays spent.
    pub(crate) test_hooks: TestHooks,
    /// Effects of a workflow task's commands that happen once the task is complete.
    pub(crate) deferred: Vec<Deferred>,
    /// The installed fault plan and its bookkeeping.
    pub(crate) faults: crate::faults::FaultState,
}

/// Callers waiting for a worker's answer, by id.
#[derive(Debug, Default)]
pub(crate) struct Waiters {
    /// Queries dispatched to workers, by query id.
    pub(crate) queries: BTreeMap<i64, tokio::sync::oneshot::Sender<QueryAnswer>>,
    /// Canned tasks handed out or waiting, by id.
    pub(crate) canned: BTreeMap<i64, tokio::sync::oneshot::Sender<crate::canned::CannedAnswer>>,
}

/// Hooks that make a rule fail where a test says.
#[derive(Debug, Default)]
pub(crate) struct TestHooks {
    /// Panic right after writing this many more events (1: the next event written).
    pub(crate) panic_after_writes: Option<u32>,
}

impl TestHooks {
    /// Counts one written event; true when the hook strikes now.
    pub(crate) fn strikes_after_write(&mut self) -> bool {
        match self.panic_after_writes {
            Some(1) => {
                self.panic_after_writes = None;
                true
            }
            Some(left) => {
                self.panic_after_writes = Some(left - 1);
                false
            }
            None => false,
        }
    }
}

/// The state as it was when a request locked it, everything but the waiters: what a panicking
/// request is rolled back to. Taking one costs O(1) (persistent collections share structure).
#[derive(Debug)]
pub(crate) struct Snapshot {
    clock: Clock,
    ids: IdGenerator,
    namespaces: OrdMap<String, NamespaceRecord>,
    executions: OrdMap<Arc<ExecutionKey>, Arc<Execution>>,
    current_runs: CurrentRuns,
    matching: Matching,
    schedules: OrdMap<crate::schedules::ScheduleKey, Arc<crate::schedules::Schedule>>,
    timers: TimerWheel,
    next_task_id: i64,
    next_query_id: i64,
    deferred: Vec<Deferred>,
    faults: crate::faults::FaultState,
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
        let mut namespaces = OrdMap::new();
        let mut ids = IdGenerator::new(seed);
        namespaces.insert(
            "default".to_string(),
            NamespaceRecord::new("default", ids.uuid(), Duration::from_secs(86_400)),
        );
        State {
            clock: Clock::new(mode),
            ids,
            namespaces,
            executions: OrdMap::new(),
            current_runs: CurrentRuns::default(),
            matching: Matching::default(),
            schedules: OrdMap::new(),
            timers: TimerWheel::default(),
            next_task_id: 1_048_576,
            timer_wake,
            next_query_id: 0,
            waiters: Waiters::default(),
            test_hooks: TestHooks::default(),
            deferred: Vec::new(),
            faults: crate::faults::FaultState::default(),
        }
    }

    /// A copy of everything but the waiters, to restore if the request that locked panics.
    pub(crate) fn snapshot(&self) -> Snapshot {
        // Destructured so that a new field cannot be left out of the snapshot by accident.
        let State {
            clock,
            ids,
            namespaces,
            executions,
            current_runs,
            matching,
            schedules,
            timers,
            next_task_id,
            timer_wake: _,
            next_query_id,
            waiters: _,
            test_hooks: _,
            deferred,
            faults,
        } = self;
        Snapshot {
            clock: clock.clone(),
            ids: ids.clone(),
            namespaces: namespaces.clone(),
            executions: executions.clone(),
            current_runs: current_runs.clone(),
            matching: matching.clone(),
            schedules: schedules.clone(),
            timers: timers.clone(),
            next_task_id: *next_task_id,
            next_query_id: *next_query_id,
            deferred: deferred.clone(),
            faults: faults.clone(),
        }
    }

    /// Puts the state back as it was at `snapshot`. Waiters the undone request added are
    /// dropped, so whoever waits on them gets an error instead of waiting for ever.
    pub(crate) fn restore(&mut self, snapshot: Snapshot) {
        let Snapshot {
            clock,
            ids,
            namespaces,
            executions,
            current_runs,
            matching,
            schedules,
            timers,
            next_task_id,
            next_query_id,
            deferred,
            faults,
        } = snapshot;
        self.clock = clock;
        self.ids = ids;
        self.namespaces = namespaces;
        self.executions = executions;
        self.current_runs = current_runs;
        self.matching = matching;
        self.schedules = schedules;
        self.timers = timers;
        self.next_task_id = next_task_id;
        self.next_query_id = next_query_id;
        self.deferred = deferred;
        self.faults = faults;
        // Query and canned task ids both come from `next_query_id`.
        self.waiters.queries.retain(|id, _| *id <= next_query_id);
        self.waiters.canned.retain(|id, _| *id <= next_query_id);
        self.timer_wake.notify_one();
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
            .map(|run| &**run)
            .ok_or_else(|| not_found(&key.workflow_id, &key.run_id))
    }

    pub(crate) fn execution_mut(
        &mut self,
        key: &ExecutionKey,
    ) -> Result<&mut Execution, EngineError> {
        self.executions
            .get_mut(key)
            .map(std::sync::Arc::make_mut)
            .ok_or_else(|| not_found(&key.workflow_id, &key.run_id))
    }
}

/// (namespace, workflow id) to the id of its latest run. Entries behind `Arc`s, as the runs are:
/// the first insert after a snapshot copies the map's node (up to 64 entries), and copying an
/// entry should be two counters, not three strings.
#[derive(Debug, Clone, Default)]
pub(crate) struct CurrentRuns(OrdMap<Arc<(String, String)>, Arc<String>>);

impl CurrentRuns {
    /// The latest run id of (namespace, workflow id).
    pub(crate) fn get(&self, id: &(String, String)) -> Option<&String> {
        self.0.get(id).map(|run_id| &**run_id)
    }

    /// Makes `run_id` the latest run of (namespace, workflow id).
    pub(crate) fn insert(&mut self, id: (String, String), run_id: String) {
        self.0.insert(Arc::new(id), Arc::new(run_id));
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
