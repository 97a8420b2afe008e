//! Starts a scenario with the official client, drives it, waits for it to close and returns
//! its outcome and full history.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use serde_json::Value;
use temporalio_client::{
    Client, HistoryEventFilterType, NamespacedClient, WorkflowExecuteUpdateOptions,
    WorkflowExecutionInfo, WorkflowFetchHistoryOptions, WorkflowHandle, WorkflowQueryOptions,
    WorkflowSignalOptions, WorkflowStartOptions, errors::WorkflowUpdateError,
};
use temporalio_common::{
    HasWorkflowDefinition, QueryDefinition, SignalDefinition, UpdateDefinition, WorkflowDefinition,
};
use temporalio_protos::temporal::api::{
    enums::v1::EventType,
    history::v1::{History, HistoryEvent, history_event::Attributes},
};

pub use crate::scenario_outcome::ScenarioOutcome;
use crate::{
    error::ScenarioError,
    outcome::{FailureSummary, outcome_from_history},
    spec::{DriverStep, ScenarioSpec, UpdateOutcome},
};

/// Longest a whole scenario may take, start to close. The built-in scenarios take about a
/// second; the limit turns a missing worker into an error instead of a hang.
pub const SCENARIO_TIMEOUT_MS: u64 = 30_000;

/// The specs own the execution timeout; the driver names it too, for callers that import it here.
pub use crate::spec::EXECUTION_TIMEOUT_MS;

/// Pause between history polls while waiting for a workflow to become idle.
const IDLE_POLL_INTERVAL_MS: u64 = 20;

/// Most runs of one continue-as-new chain the driver follows; a workflow that continues as new
/// without end is a bug to report, not a chain to follow forever.
pub const MAX_RUNS_FOLLOWED: usize = 100;

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

/// A query known only by its name, without arguments, with a JSON answer.
struct JsonQuery {
    name: String,
}

impl QueryDefinition for JsonQuery {
    type Workflow = JsonWorkflow;
    type Input = ();
    type Output = Value;
    fn name(&self) -> &str {
        &self.name
    }
}

/// An update known only by its name, with a JSON argument and a JSON result.
struct JsonUpdate {
    name: String,
}

impl UpdateDefinition for JsonUpdate {
    type Workflow = JsonWorkflow;
    type Input = Value;
    type Output = Value;
    fn name(&self) -> &str {
        &self.name
    }
}

/// An update known only by its name, sent without an argument, with a JSON result.
struct JsonUpdateWithoutArgument {
    name: String,
}

impl UpdateDefinition for JsonUpdateWithoutArgument {
    type Workflow = JsonWorkflow;
    type Input = ();
    type Output = Value;
    fn name(&self) -> &str {
        &self.name
    }
}

/// The update id the driver gives the update of step `index` (from 0) of scenario `scenario`.
#[must_use]
pub fn update_id(scenario: &str, index: usize) -> String {
    format!("{scenario}-step-{index}")
}

/// Runs `spec` as workflow `workflow_id` on `task_queue`: starts it, performs its
/// [`DriverStep`]s, waits until it closes, following continue-as-new to the last run (at most
/// [`SCENARIO_TIMEOUT_MS`] in all), and fetches the full history of every run. A worker must be
/// polling `task_queue` (see [`crate::worker`]).
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
        .execution_timeout(Duration::from_millis(spec.execution_timeout_ms))
        .build();
    let workflow = JsonWorkflow {
        name: spec.workflow_type.clone(),
    };
    let mut handle = client
        .start_workflow(workflow, canonical_json(&spec.input), options)
        .await
        .map_err(|source| ScenarioError::Start {
            workflow_id: workflow_id.to_owned(),
            workflow_type: spec.workflow_type.clone(),
            source,
        })?;
    let mut run_id = handle.run_id().unwrap_or_default().to_owned();

    let mut queries = Vec::new();
    for (index, step) in spec.steps.iter().enumerate() {
        tokio::time::timeout_at(deadline.into(), wait_until_idle(&handle, workflow_id))
            .await
            .map_err(|_| timeout("finish its workflow task before a driver step"))??;
        match step {
            DriverStep::Signal { name, payload } => {
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
            DriverStep::Query { name, expected } => {
                let query = handle.query(
                    JsonQuery { name: name.clone() },
                    (),
                    WorkflowQueryOptions::default(),
                );
                let answer = tokio::time::timeout_at(deadline.into(), query)
                    .await
                    .map_err(|_| timeout("answer a query"))?
                    .map_err(|source| ScenarioError::Query {
                        workflow_id: workflow_id.to_owned(),
                        query: name.clone(),
                        source,
                    })?;
                if answer != *expected {
                    return Err(ScenarioError::QueryAnswer {
                        workflow_id: workflow_id.to_owned(),
                        query: name.clone(),
                        expected: expected.to_string(),
                        found: answer.to_string(),
                    });
                }
                queries.push((name.clone(), answer));
            }
            DriverStep::Update {
                name,
                payload,
                expected,
            } => {
                let update_id = update_id(&spec.name, index);
                let update = execute_update(&handle, name, payload.as_ref(), &update_id);
                let found = tokio::time::timeout_at(deadline.into(), update)
                    .await
                    .map_err(|_| timeout("finish an update"))?
                    .map_err(|source| ScenarioError::Update {
                        workflow_id: workflow_id.to_owned(),
                        update: name.clone(),
                        update_id: update_id.clone(),
                        source,
                    })?;
                if found != *expected {
                    return Err(ScenarioError::UpdateOutcome {
                        workflow_id: workflow_id.to_owned(),
                        update: name.clone(),
                        update_id,
                        expected: format!("{expected:?}"),
                        found: format!("{found:?}"),
                    });
                }
            }
        }
    }

    let mut earlier_runs = Vec::new();
    let history = loop {
        tokio::time::timeout_at(deadline.into(), wait_for_close(&handle, workflow_id))
            .await
            .map_err(|_| timeout("close"))??;
        let history = fetch_history(&handle, workflow_id).await?;
        let Some(next_run_id) = continued_as_new_to(&history) else {
            break history;
        };
        if earlier_runs.len() + 1 >= MAX_RUNS_FOLLOWED {
            return Err(ScenarioError::EndlessContinueAsNew {
                workflow_id: workflow_id.to_owned(),
                runs: MAX_RUNS_FOLLOWED,
            });
        }
        earlier_runs.push(history);
        handle = run_handle(client, workflow_id, &next_run_id);
        run_id = next_run_id;
    };
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
        earlier_runs,
        queries,
    })
}

/// Executes update `name` with id `update_id` (and `payload` as its argument, if any) and waits
/// for its outcome. An update the workflow rejected or whose handler failed is an
/// [`UpdateOutcome::Failed`]; only a failure to execute the update at all is an error.
async fn execute_update(
    handle: &WorkflowHandle<Client, JsonWorkflow>,
    name: &str,
    payload: Option<&Value>,
    update_id: &str,
) -> Result<UpdateOutcome, WorkflowUpdateError> {
    let options = WorkflowExecuteUpdateOptions::builder()
        .update_id(update_id.to_owned())
        .build();
    let name = name.to_owned();
    let result = match payload {
        Some(payload) => {
            handle
                .execute_update(JsonUpdate { name }, canonical_json(payload), options)
                .await
        }
        None => {
            handle
                .execute_update(JsonUpdateWithoutArgument { name }, (), options)
                .await
        }
    };
    match result {
        Ok(result) => Ok(UpdateOutcome::Completed { result }),
        Err(WorkflowUpdateError::Failed(failure)) => Ok(UpdateOutcome::Failed {
            failure: FailureSummary::from_failure(&failure),
        }),
        Err(error) => Err(error),
    }
}

/// The run id a closed history continued as new to, if it ended with
/// `WorkflowExecutionContinuedAsNew`.
fn continued_as_new_to(history: &History) -> Option<String> {
    match history.events.last().map(|e| &e.attributes) {
        Some(Some(Attributes::WorkflowExecutionContinuedAsNewEventAttributes(a)))
            if !a.new_execution_run_id.is_empty() =>
        {
            Some(a.new_execution_run_id.clone())
        }
        _ => None,
    }
}

/// A handle on one run of `workflow_id`.
fn run_handle(
    client: &Client,
    workflow_id: &str,
    run_id: &str,
) -> WorkflowHandle<Client, JsonWorkflow> {
    WorkflowHandle::new(
        client.clone(),
        WorkflowExecutionInfo::builder()
            .namespace(client.namespace())
            .workflow_id(workflow_id)
            .run_id(run_id)
            .build(),
    )
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

    fn closed_by_continue_as_new(next_run_id: &str) -> History {
        History {
            events: vec![HistoryEvent {
                event_type: EventType::WorkflowExecutionContinuedAsNew as i32,
                attributes: Some(Attributes::WorkflowExecutionContinuedAsNewEventAttributes(
                    temporalio_protos::temporal::api::history::v1::WorkflowExecutionContinuedAsNewEventAttributes {
                        new_execution_run_id: next_run_id.to_owned(),
                        ..Default::default()
                    },
                )),
                ..Default::default()
            }],
        }
    }

    #[test]
    fn follows_only_a_continue_as_new_that_names_the_next_run() {
        assert_eq!(
            continued_as_new_to(&closed_by_continue_as_new("run-2")),
            Some("run-2".to_owned())
        );
        assert_eq!(continued_as_new_to(&closed_by_continue_as_new("")), None);
        let completed = History {
            events: vec![event(EventType::WorkflowExecutionCompleted)],
        };
        assert_eq!(continued_as_new_to(&completed), None);
        assert_eq!(continued_as_new_to(&History::default()), None);
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
