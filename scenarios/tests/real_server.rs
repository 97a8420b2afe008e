//! Every scenario against the real Temporal server (`temporal server start-dev`), with the
//! scenario worker running in-process. Fails (never skips) when the server cannot start.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use temporalio_protos::temporal::api::{
    enums::v1::EventType,
    history::v1::{History, history_event::Attributes},
};
use wfkit_devserver::DevServer;
use wfkit_scenarios::{
    BackgroundWorker, ScenarioError, ScenarioOutcome, ServerTarget, run_scenario,
    run_scenario_within, run_worker, spec,
};

const TASK_QUEUE: &str = "wfkit-scenarios-test";

fn count(history: &History, event_type: EventType) -> usize {
    history
        .events
        .iter()
        .filter(|e| e.event_type == event_type as i32)
        .count()
}

fn find<'a>(runs: &'a [ScenarioOutcome], name: &str) -> Result<&'a ScenarioOutcome> {
    runs.iter()
        .find(|r| r.scenario == name)
        .with_context(|| format!("scenario {name} did not run"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_matches_its_spec_on_the_real_dev_server() -> Result<()> {
    let server = DevServer::start().await.context(
        "this test needs the real Temporal dev server and could not start it \
         (install the `temporal` CLI with `bash scripts/setup.sh`)",
    )?;
    let target = ServerTarget::new(server.address(), server.namespace());
    let worker = BackgroundWorker::start(&target, TASK_QUEUE).await?;
    let client = target.connect().await?;

    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for scenario in spec::all() {
        let workflow_id = format!("test-{}", scenario.name);
        let run = run_scenario(&client, TASK_QUEUE, &scenario, &workflow_id)
            .await
            .with_context(|| format!("running scenario {}", scenario.name))?;
        problems.extend(run.problems(&scenario));
        runs.push(run);
    }
    worker.stop().await?;
    server.stop().await?;
    ensure!(problems.is_empty(), "{}", problems.join("\n"));

    // The properties each scenario exists to pin, spelled out.
    let retry = find(&runs, "activity_retry")?;
    let attempts: Vec<i32> = retry
        .history
        .events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskStartedEventAttributes(a)) => Some(a.attempt),
            _ => None,
        })
        .collect();
    assert_eq!(
        attempts,
        [3],
        "activity_retry: ActivityTaskStarted attempts"
    );

    let timers = &find(&runs, "timers")?.history;
    assert_eq!(
        count(timers, EventType::TimerStarted),
        2,
        "timers: TimerStarted"
    );
    assert_eq!(
        count(timers, EventType::TimerFired),
        1,
        "timers: TimerFired"
    );
    assert_eq!(
        count(timers, EventType::TimerCanceled),
        1,
        "timers: TimerCanceled"
    );

    let signals = &find(&runs, "signals")?.history;
    assert_eq!(
        count(signals, EventType::WorkflowExecutionSignaled),
        3,
        "signals: WorkflowExecutionSignaled"
    );

    let failing = &find(&runs, "failing")?.history;
    assert_eq!(count(failing, EventType::WorkflowExecutionFailed), 1);

    let saga = &find(&runs, "saga")?.history;
    assert_eq!(
        count(saga, EventType::ActivityTaskFailed),
        1,
        "saga: the flight"
    );
    assert_eq!(count(saga, EventType::WorkflowExecutionFailed), 1);

    // continue_as_new: the driver followed the chain; each earlier run ends with
    // WorkflowExecutionContinuedAsNew naming the next run, and the last run is the one that
    // completed.
    let chain = find(&runs, "continue_as_new")?;
    assert_eq!(chain.earlier_runs.len(), 2, "continue_as_new: earlier runs");
    let mut next_run_ids = Vec::new();
    for history in &chain.earlier_runs {
        match history.events.last().and_then(|e| e.attributes.as_ref()) {
            Some(Attributes::WorkflowExecutionContinuedAsNewEventAttributes(a)) => {
                next_run_ids.push(a.new_execution_run_id.clone());
            }
            other => anyhow::bail!("continue_as_new: earlier run ends with {other:?}"),
        }
    }
    assert_eq!(
        next_run_ids.last(),
        Some(&chain.run_id),
        "continue_as_new: chain ends at the last run"
    );
    assert_eq!(
        count(&chain.history, EventType::WorkflowExecutionCompleted),
        1
    );

    let cancel = &find(&runs, "activity_heartbeat_cancel")?.history;
    assert_eq!(count(cancel, EventType::ActivityTaskCancelRequested), 1);
    assert_eq!(count(cancel, EventType::ActivityTaskCanceled), 1);

    let timeout = &find(&runs, "activity_timeout")?.history;
    assert_eq!(count(timeout, EventType::ActivityTaskTimedOut), 1);

    let query = find(&runs, "query")?;
    assert_eq!(
        query.queries,
        [(
            "state".to_owned(),
            serde_json::json!({ "approved_by": null, "request": "vacation" })
        )],
        "query: answers"
    );

    let child = &find(&runs, "child_workflow")?.history;
    assert_eq!(count(child, EventType::ChildWorkflowExecutionCompleted), 1);

    for name in ["local_activity", "patched"] {
        let history = &find(&runs, name)?.history;
        assert_eq!(
            count(history, EventType::MarkerRecorded),
            1,
            "{name}: MarkerRecorded"
        );
    }

    for run in &runs {
        let first = run.history.events.first().map(|e| e.event_type);
        assert_eq!(
            first,
            Some(EventType::WorkflowExecutionStarted as i32),
            "{}: history starts with WorkflowExecutionStarted",
            run.scenario
        );
        assert!(!run.run_id.is_empty(), "{}: run id", run.scenario);
    }
    Ok(())
}

/// Without a worker on the task queue the driver gives up at its limit and says which queue
/// nobody polls, instead of hanging.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenario_without_a_worker_times_out_naming_the_task_queue() -> Result<()> {
    let server = DevServer::start().await.context(
        "this test needs the real Temporal dev server and could not start it \
         (install the `temporal` CLI with `bash scripts/setup.sh`)",
    )?;
    let client = ServerTarget::new(server.address(), server.namespace())
        .connect()
        .await?;
    let hello = spec::by_name("hello").context("hello scenario")?;
    let result = run_scenario_within(
        &client,
        "nobody-polls-this-queue",
        &hello,
        "test-no-worker",
        Duration::from_millis(1_000),
    )
    .await;
    server.stop().await?;
    match result {
        Err(e @ ScenarioError::Timeout { .. }) => {
            let message = e.to_string();
            assert!(message.contains("nobody-polls-this-queue"), "{message}");
            assert!(message.contains("1000 ms"), "{message}");
        }
        other => anyhow::bail!("expected a timeout, got {other:?}"),
    }
    Ok(())
}

/// `run_worker` (what a `wfkit worker` command awaits in its main task) serves scenarios until
/// its stop future resolves, then returns cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_worker_serves_until_told_to_stop() -> Result<()> {
    let server = DevServer::start().await.context(
        "this test needs the real Temporal dev server and could not start it \
         (install the `temporal` CLI with `bash scripts/setup.sh`)",
    )?;
    let target = ServerTarget::new(server.address(), server.namespace());
    let client = target.connect().await?;
    let hello = spec::by_name("hello").context("hello scenario")?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let stop = async move {
        let _ = stop_rx.await;
    };
    let drive = async {
        let run = run_scenario(&client, "run-worker-test", &hello, "test-run-worker").await;
        let _ = stop_tx.send(());
        run
    };
    let (worker_result, run) = tokio::join!(run_worker(&target, "run-worker-test", stop), drive);
    server.stop().await?;
    worker_result.context("run_worker")?;
    assert_eq!(run?.outcome, hello.expected);
    Ok(())
}
