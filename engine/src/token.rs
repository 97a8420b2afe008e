//! Task tokens: what the engine hands a worker with a task, and reads back on completion.
//!
//! The bytes are opaque to workers. They name the execution, the task and its attempt, so a
//! completion for a task that is no longer current (a retried activity, a timed-out workflow
//! task) is recognised as stale.

use crate::error::EngineError;

/// Which kind of task a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskKind {
    Workflow,
    Activity,
    Query,
    /// A canned task (see `canned.rs`); its "scheduled event id" is the canned task's id.
    Canned,
}

/// The decoded content of a task token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaskToken {
    pub(crate) kind: TaskKind,
    pub(crate) namespace: String,
    pub(crate) workflow_id: String,
    pub(crate) run_id: String,
    /// The scheduled event of the task (for queries, the query's sequence number).
    pub(crate) scheduled_event_id: i64,
    pub(crate) attempt: i32,
}

const MAGIC: &str = "wfkit1";

impl TaskToken {
    /// Fields joined by NUL: none of them can contain NUL (ids are validated as text).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let kind = match self.kind {
            TaskKind::Workflow => "w",
            TaskKind::Activity => "a",
            TaskKind::Query => "q",
            TaskKind::Canned => "c",
        };
        [
            MAGIC,
            kind,
            &self.namespace,
            &self.workflow_id,
            &self.run_id,
            &self.scheduled_event_id.to_string(),
            &self.attempt.to_string(),
        ]
        .join("\0")
        .into_bytes()
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<TaskToken, EngineError> {
        let bad = || EngineError::InvalidArgument("Error deserializing task token.".to_string());
        let text = std::str::from_utf8(bytes).map_err(|_| bad())?;
        let parts: Vec<&str> = text.split('\0').collect();
        let [
            magic,
            kind,
            namespace,
            workflow_id,
            run_id,
            scheduled,
            attempt,
        ] = parts.as_slice()
        else {
            return Err(bad());
        };
        if *magic != MAGIC {
            return Err(bad());
        }
        let kind = match *kind {
            "w" => TaskKind::Workflow,
            "a" => TaskKind::Activity,
            "q" => TaskKind::Query,
            "c" => TaskKind::Canned,
            _ => return Err(bad()),
        };
        Ok(TaskToken {
            kind,
            namespace: namespace.to_string(),
            workflow_id: workflow_id.to_string(),
            run_id: run_id.to_string(),
            scheduled_event_id: scheduled.parse().map_err(|_| bad())?,
            attempt: attempt.parse().map_err(|_| bad())?,
        })
    }
}
