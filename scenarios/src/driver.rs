//! Starts a scenario with the official client, drives it, waits for it to close and returns
//! its outcome and full history.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use serde_json::Value;
use temporalio_client::{
    Client, HistoryEventFilterType, WorkflowFetchHistoryOptions, WorkflowHandle,
    WorkflowSignalOptions, WorkflowStartOptions,
};
use temporalio_common::{HasWorkflowDefinition, SignalDefinition, WorkflowDefinition};
use temporalio_protos::temporal::api::{
    enums::v1::EventType,
    history::v1::{History, HistoryEvent},
};

use crate::{
    error::ScenarioError,
    outcome::{Outcome, outcome_from_history},
    spec::{DriverStep, ScenarioSpec},
};

/// Longest a whole scenario may take, start to close. The built-in scenarios take about a
/// second; the limit turns a missing worker into an error instead of a hang.
pub const SCENARIO_TIMEOUT_MS: u64 = 30_000;

/// Workflow execution timeout set on every scenario start, so abandoned runs do not linger on a
/// shared server.
pub const EXECUTION_TIMEOUT_MS: u64 = 60_000;

/// Pause between history polls while waiting for a workflow to become idle.
const IDLE_POLL_INTERVAL_MS: u64 = 20;

/// What a scenario run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioOutcome {
    /// The scenario's name.
    pub scenario: String,
    /// The workflow id it ran under.
    pub workflow_id: String,
    /// The run id the server assigned.
    pub run_id: String,
    /// How the workflow ended.
    pub outcome: Outcome,
    /// The complete history of the run.
    pub history: History,
}

impl ScenarioOutcome {
    /// Whether the outcome is the one the spec expects.
    #[must_use]
    pub fn matches(&self, spec: &ScenarioSpec) -> bool {
        self.outcome == spec.expected
    }
}

/// A workflow known only by its type name, with JSON input and output.
struct JsonWorkflow {
    name: String,
}

impl WorkflowDefinition for JsonWorkflow {
    type Input = Value;
    type Output = Value;
    fn name(&self) -> &str {
        &self.name
    }
}

impl HasWorkflowDefinition for JsonWorkflow {
    type Run = Self;
}

/// A signal known only by its name, with a JSON argument.
struct JsonSignal {
    name: String,
}

impl SignalDefinition for JsonSignal {
    type Workflow = JsonWorkflow;
    type Input = Value;
    fn name(&self) -> &str {
        &self.name
    }
}

/// Runs `spec` as workflow `workflow_id` on `task_queue`: starts it, performs its
/// [`DriverStep`]s, waits until it closes (at most [`SCENARIO_TIMEOUT_MS`]) and fetches its
/// full history. A worker must be polling `task_queue` (see [`crate::worker`]).
///
/// The workflow id must be unused on the server (or belong to a closed run).
pub async fn run_scenario(
    client: &Client,
    task_queue: &str,
    spec: &ScenarioSpec,
    workflow_id: &str,
) -> Result<ScenarioOutcome, ScenarioError> {
    run_scenario_within(
        client,
        task_queue,
        spec,
        workflow_id,
        Duration::from_millis(SCENARIO_TIMEOUT_MS),
    )
    .await
}

/// [`run_scenario`] with a custom limit on the whole run, from start to close.
pub async fn run_scenario_within(
    client: &Client,
    task_queue: &str,
    spec: &ScenarioSpec,
    workflow_id: &str,
    limit: Duration,
) -> Result<ScenarioOutcome, ScenarioError> {
    let deadline = Instant::now() + limit;
    let limit_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
    let timeout = |waiting_for| ScenarioError::Timeout {
        workflow_id: workflow_id.to_owned(),
        task_queue: task_queue.to_owned(),
        waiting_for,
        limit_ms,
    };

    let options = WorkflowStartOptions::new(task_queue, workflow_id)
        .execution_timeout(Duration::from_millis(EXECUTION_TIMEOUT_MS))
        .build();
    let workflow = JsonWorkflow {
        name: spec.workflow_type.clone(),
    };
    let handle = client
        .start_workflow(workflow, canonical_json(&spec.input), options)
        .await
        .map_err(|source| ScenarioError::Start {
            workflow_id: workflow_id.to_owned(),
            workflow_type: spec.workflow_type.clone(),
            source,
        })?;
    let run_id = handle.run_id().unwrap_or_default().to_owned();

    for step in &spec.steps {
        match step {
            DriverStep::Signal { name, payload } => {
                tokio::time::timeout_at(deadline.into(), wait_until_idle(&handle, workflow_id))
                    .await
                    .map_err(|_| timeout("finish its workflow task before a signal"))??;
                handle
                    .signal(
                        JsonSignal { name: name.clone() },
                        canonical_json(payload),
                        WorkflowSignalOptions::default(),
                    )
                    .await
                    .map_err(|source| ScenarioError::Signal {
                        workflow_id: workflow_id.to_owned(),
                        signal: name.clone(),
                        source,
                    })?;
            }
        }
    }

    tokio::time::timeout_at(deadline.into(), wait_for_close(&handle, workflow_id))
        .await
        .map_err(|_| timeout("close"))??;
    let history = fetch_history(&handle, workflow_id).await?;
    let outcome = outcome_from_history(&history).map_err(|source| ScenarioError::Outcome {
        workflow_id: workflow_id.to_owned(),
        source,
    })?;
    Ok(ScenarioOutcome {
        scenario: spec.name.clone(),
        workflow_id: workflow_id.to_owned(),
        run_id,
        outcome,
        history,
    })
}

/// `value` with every object's keys in sorted order, so the payload bytes the server records do
/// not depend on whether some crate in the build enabled serde_json's `preserve_order`.
fn canonical_json(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, canonical_json(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical_json).collect()),
        other => other.clone(),
    }
}

/// Fetches the complete history of the run `handle` points at.
async fn fetch_history(
    handle: &WorkflowHandle<Client, JsonWorkflow>,
    workflow_id: &str,
) -> Result<History, ScenarioError> {
    let events = handle
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .into_events()
        .await
        .map_err(|source| ScenarioError::History {
            workflow_id: workflow_id.to_owned(),
            source,
        })?;
    Ok(History { events })
}

/// Long-polls the close event until the workflow is closed.
async fn wait_for_close(
    handle: &WorkflowHandle<Client, JsonWorkflow>,
    workflow_id: &str,
) -> Result<(), ScenarioError> {
    let options = WorkflowFetchHistoryOptions::builder()
        .wait_new_event(true)
        .event_filter_type(HistoryEventFilterType::CloseEvent)
        .skip_archival(true)
        .build();
    loop {
        let events = handle
            .fetch_history(options.clone())
            .into_events()
            .await
            .map_err(|source| ScenarioError::History {
                workflow_id: workflow_id.to_owned(),
                source,
            })?;
        if !events.is_empty() {
            return Ok(());
        }
        // An empty page means the server's long poll expired before the close event; pause so a
        // server that does not long-poll is not hammered.
        tokio::time::sleep(Duration::from_millis(IDLE_POLL_INTERVAL_MS)).await;
    }
}

/// Polls the history until no workflow task is scheduled or running (the last workflow-task
/// event is `WorkflowTaskCompleted`), or the workflow is closed.
async fn wait_until_idle(
    handle: &WorkflowHandle<Client, JsonWorkflow>,
    workflow_id: &str,
) -> Result<(), ScenarioError> {
    loop {
        let history = fetch_history(handle, workflow_id).await?;
        if is_idle(&history.events) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(IDLE_POLL_INTERVAL_MS)).await;
    }
}

fn is_idle(events: &[HistoryEvent]) -> bool {
    let closed = events.last().is_some_and(|e| {
        matches!(
            EventType::try_from(e.event_type),
            Ok(EventType::WorkflowExecutionCompleted
                | EventType::WorkflowExecutionFailed
                | EventType::WorkflowExecutionCanceled
                | EventType::WorkflowExecutionTerminated
                | EventType::WorkflowExecutionTimedOut
                | EventType::WorkflowExecutionContinuedAsNew)
        )
    });
    if closed {
        return true;
    }
    let last_task_event =
        events
            .iter()
            .rev()
            .find_map(|e| match EventType::try_from(e.event_type) {
                Ok(
                    t @ (EventType::WorkflowTaskScheduled
                    | EventType::WorkflowTaskStarted
                    | EventType::WorkflowTaskCompleted
                    | EventType::WorkflowTaskFailed
                    | EventType::WorkflowTaskTimedOut),
                ) => Some(t),
                _ => None,
            });
    last_task_event == Some(EventType::WorkflowTaskCompleted)
}

/// Sends signal `name` with a JSON argument to the latest run of `workflow_id`; for drivers
/// other than [`run_scenario`] (load generators, interactive tools).
pub async fn signal_json(
    client: &Client,
    workflow_id: &str,
    name: &str,
    payload: Value,
) -> Result<(), ScenarioError> {
    let handle: WorkflowHandle<Client, JsonWorkflow> = client.get_workflow_handle(workflow_id);
    handle
        .signal(
            JsonSignal {
                name: name.to_owned(),
            },
            canonical_json(&payload),
            WorkflowSignalOptions::default(),
        )
        .await
        .map_err(|source| ScenarioError::Signal {
            workflow_id: workflow_id.to_owned(),
            signal: name.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event_type: EventType) -> HistoryEvent {
        HistoryEvent {
            event_type: event_type as i32,
            ..Default::default()
        }
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() -> Result<(), serde_json::Error> {
        let value: Value = serde_json::from_str(r#"{"b":1,"a":[{"z":0,"y":{"d":1,"c":2}}]}"#)?;
        assert_eq!(
            serde_json::to_string(&canonical_json(&value))?,
            r#"{"a":[{"y":{"c":2,"d":1},"z":0}],"b":1}"#
        );
        Ok(())
    }

    #[test]
    fn idle_only_after_workflow_task_completed() {
        let started = event(EventType::WorkflowExecutionStarted);
        let scheduled = event(EventType::WorkflowTaskScheduled);
        let running = event(EventType::WorkflowTaskStarted);
        let completed = event(EventType::WorkflowTaskCompleted);
        let timer = event(EventType::TimerStarted);
        assert!(!is_idle(&[started.clone(), scheduled.clone()]));
        assert!(!is_idle(&[
            started.clone(),
            scheduled.clone(),
            running.clone()
        ]));
        assert!(is_idle(&[
            started.clone(),
            scheduled.clone(),
            running.clone(),
            completed.clone(),
            timer,
        ]));
        assert!(!is_idle(&[
            started,
            scheduled.clone(),
            running,
            completed,
            scheduled
        ]));
    }
}
