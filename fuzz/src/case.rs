//! One fuzz case: a fresh engine in virtual time, the plan installed, a worker (replaced after
//! each crash), the workflow run to its end or to a limit; then what happened.

use std::time::{Duration, Instant};

use temporalio_protos::temporal::api::common::v1::WorkflowType;
use temporalio_protos::temporal::api::history::v1::History;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::StartWorkflowExecutionRequest;
use wfkit_engine::faults::FaultEvent;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};

use crate::apply::{engine_faults, json_payloads};
use crate::effects::{SideEffect, SideEffects};
use crate::error::FuzzError;
use crate::plan::FaultPlan;
use crate::target::{FuzzTarget, RunningWorker, WorkerSpawn, Workers};

/// The engine's id seed in every case: the same plan gives the same run ids.
const ENGINE_SEED: u64 = 0x00f0_22ed;
/// Real time a case may take before it counts as stuck.
const CASE_WALL_LIMIT: Duration = Duration::from_secs(30);
/// How often the runner looks at the workflow.
const WATCH_INTERVAL: Duration = Duration::from_millis(2);
/// How long a case's engine may take to close its connections before it is dropped.
const ENGINE_STOP_LIMIT: Duration = Duration::from_secs(2);
/// Most worker incarnations in one case (each crash starts one).
const MAX_INCARNATIONS: u32 = 16;
/// How long a duplicate delivery may wait for a poll after the workflow closed.
const DUPLICATE_DRAIN: Duration = Duration::from_secs(2);
/// What sticky queue names become in [`CaseOutcome::comparable_histories`].
const STICKY_QUEUE_NAME: &str = "<sticky>";
/// `TASK_QUEUE_KIND_STICKY`.
const STICKY_KIND: i32 = temporalio_protos::temporal::api::enums::v1::TaskQueueKind::Sticky as i32;
/// Workflow task failures and timeouts (beyond one per fault) after which a case counts as
/// stuck: the server retries a failing task forever, so a workflow whose code keeps failing
/// never ends.
const MAX_WORKFLOW_TASK_FAILURES: u32 = 3;
/// Most runs followed through continue-as-new.
const MAX_RUNS: usize = 100;

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseEnd {
    /// The workflow closed; the close event type's name (such as `WorkflowExecutionCompleted`).
    Closed(String),
    /// A worker reported a nondeterminism error; the runner stopped there.
    Nondeterminism(String),
    /// No terminal state within the limits (virtual time, real time).
    Stuck(String),
}

/// Everything one case produced.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// The plan applied.
    pub plan: FaultPlan,
    /// How it ended.
    pub end: CaseEnd,
    /// The history of every run of the workflow, first to last.
    pub histories: Vec<History>,
    /// The side effects activities recorded.
    pub effects: Vec<SideEffect>,
    /// What the engine reported about the faults.
    pub fault_log: Vec<FaultEvent>,
    /// Worker incarnations used (1 + crashes).
    pub incarnations: u32,
    /// Real time the case took.
    pub wall_time: Duration,
}

impl CaseOutcome {
    /// The last run's history.
    pub fn last_history(&self) -> Option<&History> {
        self.histories.last()
    }

    /// The histories with the two things the SDK makes up at random made canonical: the order
    /// of its flags in `sdkMetadata` (a hash set's order) and the name of a worker's sticky
    /// queue (a fresh UUID per worker). Everything the engine writes, times and ids included,
    /// is kept: two runs of one plan give equal comparable histories.
    pub fn comparable_histories(&self) -> Vec<History> {
        let mut histories = self.histories.clone();
        for event in histories
            .iter_mut()
            .flat_map(|history| history.events.iter_mut())
        {
            match event.attributes.as_mut() {
                Some(Attributes::WorkflowTaskCompletedEventAttributes(completed)) => {
                    if let Some(metadata) = completed.sdk_metadata.as_mut() {
                        metadata.core_used_flags.sort_unstable();
                        metadata.lang_used_flags.sort_unstable();
                    }
                }
                Some(Attributes::WorkflowTaskScheduledEventAttributes(scheduled)) => {
                    if let Some(queue) = scheduled.task_queue.as_mut()
                        && queue.kind == STICKY_KIND
                    {
                        queue.name = STICKY_QUEUE_NAME.to_string();
                    }
                }
                _ => {}
            }
        }
        histories
    }

    /// Side effects of this kind and key.
    pub fn effect_count(&self, kind: &str, key: &str) -> usize {
        self.effects
            .iter()
            .filter(|effect| effect.kind == kind && effect.key == key)
            .count()
    }

    /// Activity types scheduled in every run, in order.
    pub fn scheduled_activities(&self) -> Vec<String> {
        self.histories
            .iter()
            .flat_map(|history| history.events.iter())
            .filter_map(|event| match &event.attributes {
                Some(Attributes::ActivityTaskScheduledEventAttributes(scheduled)) => scheduled
                    .activity_type
                    .as_ref()
                    .map(|activity_type| activity_type.name.clone()),
                _ => None,
            })
            .collect()
    }
}

/// The seed of worker incarnation `incarnation` in a case whose seed is `case_seed`.
pub(crate) fn incarnation_seed(case_seed: u64, incarnation: u32) -> u64 {
    // SplitMix64 finaliser: nearby inputs give unrelated seeds.
    let mut z =
        case_seed ^ (u64::from(incarnation).wrapping_add(1)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Runs one case.
pub(crate) async fn run_case(
    target: &FuzzTarget,
    workers: &Workers,
    plan: &FaultPlan,
    case_seed: u64,
) -> Result<CaseOutcome, FuzzError> {
    let started = Instant::now();
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::virtual_default(),
        seed: ENGINE_SEED,
        long_poll_timeout: Duration::from_secs(5),
        ..EngineConfig::default()
    })
    .await?;
    let epoch = engine.now();
    engine.install_faults(engine_faults(plan, target));
    let mut events = engine.fault_events();
    let effects = SideEffects::new();
    let spawn_for = |incarnation: u32| WorkerSpawn {
        address: engine.address().to_string(),
        namespace: target.namespace.clone(),
        task_queue: target.task_queue.clone(),
        identity: format!("wfkit-fuzz-worker-{incarnation}"),
        incarnation,
        seed: incarnation_seed(case_seed, incarnation),
        effects: effects.clone(),
    };
    let mut incarnations = 1;
    let mut worker = Some(workers.spawn(spawn_for(0)).await?);
    let mut retired: Vec<RunningWorker> = Vec::new();

    engine
        .start_workflow(start_request(target))
        .await
        .map_err(|error| FuzzError::Start {
            workflow_type: target.workflow_type.clone(),
            workflow_id: target.workflow_id.clone(),
            message: error.to_string(),
        })?;

    // Each injected workflow task timeout and lost completion may cost one more failure.
    let mut workflow_task_failures = 0u32;
    let failure_limit =
        MAX_WORKFLOW_TASK_FAILURES + u32::try_from(plan.faults.len()).unwrap_or(u32::MAX);
    let virtual_limit = target.execution_timeout + Duration::from_secs(24 * 3600);
    let end = loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(FaultEvent::WorkerCrashed { .. }) => {
                    if incarnations >= MAX_INCARNATIONS {
                        break CaseEnd::Stuck(format!("more than {MAX_INCARNATIONS} worker crashes"));
                    }
                    if let Some(old) = worker.take() {
                        retired.push(old);
                    }
                    worker = Some(workers.spawn(spawn_for(incarnations)).await?);
                    incarnations += 1;
                }
                Some(FaultEvent::WorkflowTaskFailed { cause, message, .. }) => {
                    if cause.contains("NON_DETERMINISTIC") {
                        break CaseEnd::Nondeterminism(message);
                    }
                    workflow_task_failures += 1;
                    if workflow_task_failures >= failure_limit {
                        break CaseEnd::Stuck(format!(
                            "workflow tasks failed {workflow_task_failures} times \
                             (last: {cause}: {message})"
                        ));
                    }
                }
                Some(FaultEvent::WorkflowTaskTimedOut { attempt, .. }) => {
                    workflow_task_failures += 1;
                    if workflow_task_failures >= failure_limit {
                        break CaseEnd::Stuck(format!(
                            "workflow tasks failed or timed out {workflow_task_failures} times \
                             (last: attempt {attempt} timed out)"
                        ));
                    }
                }
                _ => {}
            },
            () = tokio::time::sleep(WATCH_INTERVAL) => {
                if let Some(close) = closed(&engine, target) {
                    break CaseEnd::Closed(close);
                }
                let virtual_elapsed = engine
                    .now()
                    .duration_since(epoch)
                    .unwrap_or(Duration::ZERO);
                if virtual_elapsed > virtual_limit {
                    break CaseEnd::Stuck(format!(
                        "no terminal state after {} of workflow time",
                        human(virtual_elapsed)
                    ));
                }
                if started.elapsed() > CASE_WALL_LIMIT {
                    break CaseEnd::Stuck(format!(
                        "no terminal state after {} of real time (workflow time {})",
                        human(started.elapsed()),
                        human(virtual_elapsed)
                    ));
                }
            }
        }
    };
    // A second delivery still waiting must reach a worker before the case is judged, or its
    // side effect would come and go with timing.
    let drain_until = Instant::now() + DUPLICATE_DRAIN;
    while engine.has_pending_duplicates() && Instant::now() < drain_until {
        tokio::time::sleep(WATCH_INTERVAL).await;
    }
    let histories = all_runs(&engine, target);
    let fault_log = engine.fault_log();
    let mut stopping: Vec<RunningWorker> = retired;
    stopping.extend(worker);
    for worker in stopping {
        worker.stop().await;
    }
    // A worker that outlived its stop may hold a connection open; the engine does not wait.
    let _ = tokio::time::timeout(ENGINE_STOP_LIMIT, engine.stop()).await;
    Ok(CaseOutcome {
        plan: plan.clone(),
        end,
        histories,
        effects: effects.all(),
        fault_log,
        incarnations,
        wall_time: started.elapsed(),
    })
}

fn start_request(target: &FuzzTarget) -> StartWorkflowExecutionRequest {
    StartWorkflowExecutionRequest {
        namespace: target.namespace.clone(),
        workflow_id: target.workflow_id.clone(),
        workflow_type: Some(WorkflowType {
            name: target.workflow_type.clone(),
        }),
        task_queue: Some(TaskQueue {
            name: target.task_queue.clone(),
            ..TaskQueue::default()
        }),
        input: Some(json_payloads(&target.input)),
        workflow_execution_timeout: Some(prost_wkt_types::Duration {
            seconds: i64::try_from(target.execution_timeout.as_secs()).unwrap_or(i64::MAX),
            nanos: 0,
        }),
        identity: "wfkit-fuzz".to_string(),
        request_id: "wfkit-fuzz-start".to_string(),
        ..StartWorkflowExecutionRequest::default()
    }
}

/// The close event of the workflow's latest run, unless it continued as new.
fn closed(engine: &TestEngine, target: &FuzzTarget) -> Option<String> {
    let history = engine
        .history(&target.namespace, &target.workflow_id)
        .ok()?;
    let last = history.events.last()?;
    let name = match last.attributes.as_ref()? {
        Attributes::WorkflowExecutionCompletedEventAttributes(_) => "WorkflowExecutionCompleted",
        Attributes::WorkflowExecutionFailedEventAttributes(_) => "WorkflowExecutionFailed",
        Attributes::WorkflowExecutionTimedOutEventAttributes(_) => "WorkflowExecutionTimedOut",
        Attributes::WorkflowExecutionCanceledEventAttributes(_) => "WorkflowExecutionCanceled",
        Attributes::WorkflowExecutionTerminatedEventAttributes(_) => "WorkflowExecutionTerminated",
        _ => return None,
    };
    Some(name.to_string())
}

/// Every run of the workflow, following continue-as-new from the first run.
fn all_runs(engine: &TestEngine, target: &FuzzTarget) -> Vec<History> {
    let Ok(latest) = engine.history(&target.namespace, &target.workflow_id) else {
        return Vec::new();
    };
    let first_run = latest
        .events
        .first()
        .and_then(|event| match &event.attributes {
            Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => {
                Some(started.first_execution_run_id.clone())
            }
            _ => None,
        })
        .unwrap_or_default();
    let mut runs = Vec::new();
    let mut run_id = first_run;
    while runs.len() < MAX_RUNS && !run_id.is_empty() {
        let Ok(history) = engine.run_history(&target.namespace, &target.workflow_id, &run_id)
        else {
            break;
        };
        run_id = history
            .events
            .last()
            .and_then(|event| match &event.attributes {
                Some(Attributes::WorkflowExecutionContinuedAsNewEventAttributes(next)) => {
                    Some(next.new_execution_run_id.clone())
                }
                _ => None,
            })
            .unwrap_or_default();
        runs.push(history);
    }
    if runs.is_empty() {
        runs.push(latest);
    }
    runs
}

/// `1h2m3s`-style text for a duration, to the second (or milliseconds below one second).
pub(crate) fn human(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds == 0 {
        return format!("{}ms", duration.as_millis());
    }
    let (h, m, s) = (seconds / 3600, (seconds / 60) % 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}
