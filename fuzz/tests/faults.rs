//! One test per fault kind: each hand-written plan runs against a small workflow (official Rust
//! SDK workers on the wfkit engine, in virtual time) and the history, side effects, fault log
//! and worker incarnations show that the fault did exactly what its doc says. Every case also
//! passes the built-in invariants, and runs twice to the same history.
//!
//! Counting (see `wfkit_fuzz::plan`): `task=N` of an activity fault is the N-th activity
//! attempt handed out; `after-workflow-task=N` is the N-th workflow task completion accepted.
//! In `TwoSteps` the first attempt of `step_one` is activity task 1, and workflow task 1 is the
//! one that schedules it.

use crate::fault_workflows;

use std::time::Duration;

use anyhow::{Context, bail, ensure};
use serde::de::DeserializeOwned;
use temporalio_protos::temporal::api::enums::v1::{EventType, RetryState, TimeoutType};
use temporalio_protos::temporal::api::failure::v1::Failure;
use temporalio_protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::history::v1::{
    ActivityTaskFailedEventAttributes, ActivityTaskStartedEventAttributes, History, HistoryEvent,
};
use wfkit_engine::faults::{FAULT_IDENTITY_NAME, FaultEvent};
use wfkit_fuzz::{CaseEnd, CaseOutcome, FaultPlan, Fuzz, FuzzTarget, Workers};

use fault_workflows::collect_signals::ITEM_SIGNAL;
use fault_workflows::{FIRST_RETRY_INTERVAL, START_TO_CLOSE};

/// The key `TwoSteps` records its side effects under.
const KEY: &str = "order-7";
/// The engine's default workflow task start-to-close timeout (the fuzz runner sets none).
const WORKFLOW_TASK_TIMEOUT: Duration = Duration::from_secs(10);
/// One hour, the `Sleep` timer of these tests.
const HOUR_S: i64 = 3600;

// ---------------------------------------------------------------------------------------------
// Targets and the runner.

/// `TwoSteps` with a retry policy of `attempts` attempts per activity.
fn two_steps(attempts: u32) -> FuzzTarget {
    FuzzTarget::new(
        "TwoSteps",
        serde_json::json!({ "key": KEY, "attempts": attempts }),
    )
}

/// `Sleep` with a timer of `seconds`.
fn sleep(seconds: i64) -> FuzzTarget {
    FuzzTarget::new("Sleep", serde_json::json!(seconds))
}

/// `CollectSignals` waiting for `count` signals; `signals` are (payload, delivered after this
/// workflow task completion).
fn collect(count: usize, signals: &[(&str, u32)]) -> FuzzTarget {
    signals.iter().fold(
        FuzzTarget::new("CollectSignals", serde_json::json!(count)),
        |target, (payload, after)| target.signal(ITEM_SIGNAL, serde_json::json!(payload), *after),
    )
}

/// Runs `plan` against `target` twice: both runs must break no built-in invariant and write
/// the same histories. Returns the first run.
fn run(target: FuzzTarget, plan: &str) -> anyhow::Result<CaseOutcome> {
    let mut fuzz = Fuzz::new(
        target,
        Workers::rust(fault_workflows::options),
        "fault_kinds",
    )?;
    fuzz.config.regressions = None;
    let plan = FaultPlan::parse(plan)?;
    let (first, violations) = fuzz.run_plan(&plan)?;
    ensure!(
        violations.is_empty(),
        "plan `{plan}` broke invariants: {violations:?}\n{}",
        describe(&first)
    );
    let (second, violations) = fuzz.run_plan(&plan)?;
    ensure!(
        violations.is_empty(),
        "plan `{plan}` broke invariants on its second run: {violations:?}\n{}",
        describe(&second)
    );
    ensure!(
        first.comparable_histories() == second.comparable_histories(),
        "plan `{plan}` wrote another history the second time:\n{}\nvs\n{}",
        describe(&first),
        describe(&second)
    );
    Ok(first)
}

// ---------------------------------------------------------------------------------------------
// Reading an outcome.

/// The case's history, one line per event (id, type, seconds since the start, identity), for
/// failure messages.
fn describe(outcome: &CaseOutcome) -> String {
    let mut text = format!(
        "end: {:?}; incarnations: {}; effects: {:?}; fault log: {:?}\n",
        outcome.end, outcome.incarnations, outcome.effects, outcome.fault_log
    );
    for history in &outcome.histories {
        for event in &history.events {
            text.push_str(&format!(
                "  {:>3} {:<40} +{}s {}\n",
                event.event_id,
                event_type(event),
                offset_s(history, event),
                identity(event).unwrap_or_default()
            ));
        }
    }
    text
}

fn event_type(event: &HistoryEvent) -> &'static str {
    EventType::try_from(event.event_type)
        .map(|kind| kind.as_str_name())
        .unwrap_or("EVENT_TYPE_UNKNOWN")
}

/// The identity an event records, for the events that record one.
fn identity(event: &HistoryEvent) -> Option<&str> {
    match event.attributes.as_ref()? {
        Attributes::WorkflowTaskStartedEventAttributes(started) => Some(&started.identity),
        Attributes::WorkflowTaskCompletedEventAttributes(completed) => Some(&completed.identity),
        Attributes::ActivityTaskStartedEventAttributes(started) => Some(&started.identity),
        Attributes::ActivityTaskCompletedEventAttributes(completed) => Some(&completed.identity),
        Attributes::ActivityTaskFailedEventAttributes(failed) => Some(&failed.identity),
        Attributes::WorkflowExecutionSignaledEventAttributes(signaled) => Some(&signaled.identity),
        _ => None,
    }
}

/// Whole seconds from the history's first event to `event` (virtual time: whole seconds
/// unless a fault jumped the clock by a fraction).
fn offset_s(history: &History, event: &HistoryEvent) -> i64 {
    let seconds = |event: &HistoryEvent| event.event_time.as_ref().map_or(0, |time| time.seconds);
    history
        .events
        .first()
        .map_or(0, |first| seconds(event) - seconds(first))
}

/// The only (last) run's history.
fn only_history(outcome: &CaseOutcome) -> anyhow::Result<&History> {
    ensure!(
        outcome.histories.len() == 1,
        "{} runs:\n{}",
        outcome.histories.len(),
        describe(outcome)
    );
    outcome.last_history().context("no history")
}

/// Checks the workflow closed with `close` (such as `WorkflowExecutionCompleted`).
fn ensure_closed(outcome: &CaseOutcome, close: &str) -> anyhow::Result<()> {
    ensure!(
        outcome.end == CaseEnd::Closed(close.to_string()),
        "expected {close}:\n{}",
        describe(outcome)
    );
    Ok(())
}

/// The completed workflow's result.
fn result<T: DeserializeOwned>(outcome: &CaseOutcome) -> anyhow::Result<T> {
    let completed = only_history(outcome)?
        .events
        .iter()
        .find_map(|event| match &event.attributes {
            Some(Attributes::WorkflowExecutionCompletedEventAttributes(completed)) => {
                Some(completed)
            }
            _ => None,
        })
        .with_context(|| format!("the workflow did not complete:\n{}", describe(outcome)))?;
    let payload = completed
        .result
        .as_ref()
        .and_then(|payloads| payloads.payloads.first())
        .context("the workflow completed without a result")?;
    Ok(serde_json::from_slice(&payload.data)?)
}

/// The closing and in-between events of one activity (by type) in a history.
#[derive(Debug, Default)]
struct ActivityEvents<'a> {
    scheduled: Vec<&'a HistoryEvent>,
    started: Vec<(&'a HistoryEvent, &'a ActivityTaskStartedEventAttributes)>,
    completed: usize,
    failed: Vec<&'a ActivityTaskFailedEventAttributes>,
    timed_out: usize,
}

fn activity<'a>(history: &'a History, name: &str) -> ActivityEvents<'a> {
    let mut events = ActivityEvents::default();
    let mut ids = Vec::new();
    for event in &history.events {
        match &event.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(scheduled))
                if scheduled
                    .activity_type
                    .as_ref()
                    .is_some_and(|kind| kind.name == name) =>
            {
                ids.push(event.event_id);
                events.scheduled.push(event);
            }
            Some(Attributes::ActivityTaskStartedEventAttributes(started))
                if ids.contains(&started.scheduled_event_id) =>
            {
                events.started.push((event, started));
            }
            Some(Attributes::ActivityTaskCompletedEventAttributes(completed))
                if ids.contains(&completed.scheduled_event_id) =>
            {
                events.completed += 1;
            }
            Some(Attributes::ActivityTaskFailedEventAttributes(failed))
                if ids.contains(&failed.scheduled_event_id) =>
            {
                events.failed.push(failed);
            }
            Some(Attributes::ActivityTaskTimedOutEventAttributes(timed_out))
                if ids.contains(&timed_out.scheduled_event_id) =>
            {
                events.timed_out += 1;
            }
            _ => {}
        }
    }
    events
}

/// The one started event of an activity that ran to its end: its attempt, its identity, the
/// failure of the attempt before it, and how long after the schedule it started.
struct FinalAttempt<'a> {
    attempt: i32,
    identity: &'a str,
    last_failure: Option<&'a Failure>,
    after_schedule_s: i64,
}

fn final_attempt<'a>(
    outcome: &CaseOutcome,
    history: &'a History,
    name: &str,
) -> anyhow::Result<FinalAttempt<'a>> {
    let events = activity(history, name);
    let ([scheduled], [(started_event, started)]) =
        (events.scheduled.as_slice(), events.started.as_slice())
    else {
        bail!(
            "expected {name} scheduled once and started once:\n{}",
            describe(outcome)
        );
    };
    Ok(FinalAttempt {
        attempt: started.attempt,
        identity: &started.identity,
        last_failure: started.last_failure.as_ref(),
        after_schedule_s: offset_s(history, started_event) - offset_s(history, scheduled),
    })
}

/// The application error type and non-retryable flag of a failure.
fn application_failure(failure: Option<&Failure>) -> Option<(&str, bool)> {
    match failure?.failure_info.as_ref()? {
        FailureInfo::ApplicationFailureInfo(info) => Some((&info.r#type, info.non_retryable)),
        _ => None,
    }
}

/// The timeout type of a timeout failure.
fn timeout_failure(failure: Option<&Failure>) -> Option<TimeoutType> {
    match failure?.failure_info.as_ref()? {
        FailureInfo::TimeoutFailureInfo(info) => TimeoutType::try_from(info.timeout_type).ok(),
        _ => None,
    }
}

/// Checks fault number `index` of the plan struck.
fn ensure_applied(outcome: &CaseOutcome, index: usize) -> anyhow::Result<()> {
    ensure!(
        outcome.fault_log.contains(&FaultEvent::Applied { index }),
        "fault {index} never struck:\n{}",
        describe(outcome)
    );
    Ok(())
}

/// The identities of the workflow task completions, in order.
fn workflow_task_identities(history: &History) -> Vec<&str> {
    history
        .events
        .iter()
        .filter_map(|event| match &event.attributes {
            Some(Attributes::WorkflowTaskCompletedEventAttributes(completed)) => {
                Some(completed.identity.as_str())
            }
            _ => None,
        })
        .collect()
}

/// The event types of a history, in order.
fn event_types(history: &History) -> Vec<&'static str> {
    history.events.iter().map(event_type).collect()
}

/// The offset of the first event of `kind`.
fn first_offset_s(outcome: &CaseOutcome, kind: EventType) -> anyhow::Result<i64> {
    let history = only_history(outcome)?;
    history
        .events
        .iter()
        .find(|event| event.event_type == kind as i32)
        .map(|event| offset_s(history, event))
        .with_context(|| format!("no {}:\n{}", kind.as_str_name(), describe(outcome)))
}

// ---------------------------------------------------------------------------------------------
// The fault-free baselines.

#[test]
fn without_faults_each_workflow_runs_once_at_the_start_of_time() -> anyhow::Result<()> {
    let steps = run(two_steps(3), "")?;
    ensure_closed(&steps, "WorkflowExecutionCompleted")?;
    ensure!(result::<Vec<String>>(&steps)? == [format!("one-{KEY}"), format!("two-{KEY}")]);
    ensure!(steps.effect_count("step_one", KEY) == 1 && steps.effect_count("step_two", KEY) == 1);
    ensure!(steps.incarnations == 1 && steps.fault_log.is_empty());
    let history = only_history(&steps)?;
    ensure!(final_attempt(&steps, history, "step_one")?.attempt == 1);
    ensure!(
        history
            .events
            .iter()
            .all(|event| offset_s(history, event) == 0),
        "virtual time moved without a reason:\n{}",
        describe(&steps)
    );

    let slept = run(sleep(HOUR_S), "")?;
    ensure!(result::<i64>(&slept)? == HOUR_S);
    ensure!(first_offset_s(&slept, EventType::TimerFired)? == HOUR_S);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// activity-fails

/// A retryable failure before the side effect: the worker never sees attempt 1 (no side
/// effect), attempt 2 runs after the retry interval and the workflow completes.
#[test]
fn activity_fails_before_its_side_effect_and_is_retried() -> anyhow::Result<()> {
    let outcome = run(two_steps(3), "activity-fails task=1 type=InjectedFault")?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    ensure_applied(&outcome, 0)?;
    ensure!(
        outcome.effect_count("step_one", KEY) == 1,
        "attempt 1 reached the worker:\n{}",
        describe(&outcome)
    );
    let history = only_history(&outcome)?;
    let step_one = final_attempt(&outcome, history, "step_one")?;
    ensure!(step_one.attempt == 2, "{}", describe(&outcome));
    ensure!(application_failure(step_one.last_failure) == Some(("InjectedFault", false)));
    ensure!(step_one.after_schedule_s >= FIRST_RETRY_INTERVAL.as_secs() as i64);
    let events = activity(history, "step_one");
    ensure!(events.completed == 1 && events.failed.is_empty());
    ensure!(outcome.effect_count("step_two", KEY) == 1);
    Ok(())
}

/// A retryable failure after the side effect: the worker runs attempt 1 (side effect), its
/// answer is replaced by the failure, attempt 2 runs again: two side effects.
#[test]
fn activity_fails_after_its_side_effect_and_is_retried() -> anyhow::Result<()> {
    let outcome = run(
        two_steps(3),
        "activity-fails task=1 type=InjectedFault after-side-effect",
    )?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    ensure!(
        outcome.effect_count("step_one", KEY) == 2,
        "expected attempts 1 and 2 to run:\n{}",
        describe(&outcome)
    );
    let history = only_history(&outcome)?;
    let step_one = final_attempt(&outcome, history, "step_one")?;
    ensure!(step_one.attempt == 2, "{}", describe(&outcome));
    ensure!(application_failure(step_one.last_failure) == Some(("InjectedFault", false)));
    ensure!(activity(history, "step_one").completed == 1);
    Ok(())
}

/// A non-retryable failure ends the activity at attempt 1 with the injected error type and
/// retry state NON_RETRYABLE_FAILURE (so the workflow fails, and `step_two` never runs);
/// before the side effect nothing ran, after it the side effect happened once.
#[test]
fn non_retryable_activity_failure_is_not_retried() -> anyhow::Result<()> {
    for (plan, side_effects, identity) in [
        (
            "activity-fails task=1 type=CardDeclined non-retryable",
            0,
            FAULT_IDENTITY_NAME,
        ),
        (
            "activity-fails task=1 type=CardDeclined non-retryable after-side-effect",
            1,
            "wfkit-fuzz-worker-0",
        ),
    ] {
        let outcome = run(two_steps(3), plan)?;
        ensure_closed(&outcome, "WorkflowExecutionFailed")?;
        ensure!(
            outcome.effect_count("step_one", KEY) == side_effects,
            "{plan}: expected {side_effects} side effects:\n{}",
            describe(&outcome)
        );
        let history = only_history(&outcome)?;
        let events = activity(history, "step_one");
        let [failed] = events.failed.as_slice() else {
            bail!(
                "{plan}: expected one ActivityTaskFailed:\n{}",
                describe(&outcome)
            );
        };
        ensure!(application_failure(failed.failure.as_ref()) == Some(("CardDeclined", true)));
        ensure!(failed.retry_state == RetryState::NonRetryableFailure as i32);
        ensure!(
            failed.identity == identity,
            "{plan}: failed by {}",
            failed.identity
        );
        ensure!(final_attempt(&outcome, history, "step_one")?.attempt == 1);
        ensure!(activity(history, "step_two").scheduled.is_empty());
        ensure!(outcome.effect_count("step_two", KEY) == 0);
    }
    Ok(())
}

/// `attempts=N` fails N attempts of the activity: with a retry policy of 3 attempts, 3 failing
/// attempts exhaust it (MAXIMUM_ATTEMPTS_REACHED at attempt 3) and 2 do not (attempt 3
/// completes). Failures before the side effect: the worker runs only the attempt that succeeds.
#[test]
fn activity_fails_n_attempts_exhausts_a_retry_policy_of_n() -> anyhow::Result<()> {
    let exhausted = run(two_steps(3), "activity-fails task=1 attempts=3")?;
    ensure_closed(&exhausted, "WorkflowExecutionFailed")?;
    ensure!(exhausted.effect_count("step_one", KEY) == 0);
    let history = only_history(&exhausted)?;
    let events = activity(history, "step_one");
    let [failed] = events.failed.as_slice() else {
        bail!("expected one ActivityTaskFailed:\n{}", describe(&exhausted));
    };
    ensure!(failed.retry_state == RetryState::MaximumAttemptsReached as i32);
    ensure!(application_failure(failed.failure.as_ref()) == Some(("InjectedFault", false)));
    let step_one = final_attempt(&exhausted, history, "step_one")?;
    ensure!(step_one.attempt == 3, "{}", describe(&exhausted));
    // Backoff 1 s, then 2 s.
    ensure!(step_one.after_schedule_s >= 3, "{}", describe(&exhausted));

    // One failing attempt fewer: the last attempt runs (after the failing ones, when they
    // fail after their side effects) and completes.
    for (plan, side_effects) in [
        ("activity-fails task=1 attempts=2", 1),
        ("activity-fails task=1 attempts=2 after-side-effect", 3),
    ] {
        let survived = run(two_steps(3), plan)?;
        ensure_closed(&survived, "WorkflowExecutionCompleted")?;
        ensure!(
            survived.effect_count("step_one", KEY) == side_effects,
            "{plan}:\n{}",
            describe(&survived)
        );
        let survived_history = only_history(&survived)?;
        let step_one = final_attempt(&survived, survived_history, "step_one")?;
        ensure!(step_one.attempt == 3, "{plan}:\n{}", describe(&survived));
        ensure!(application_failure(step_one.last_failure) == Some(("InjectedFault", false)));
        ensure!(activity(survived_history, "step_one").completed == 1);
        // The run of failures is the first activity's only.
        ensure!(final_attempt(&survived, survived_history, "step_two")?.attempt == 1);
    }
    Ok(())
}

/// The fault strikes the attempt it names: task 2 is the first attempt of `step_two`.
#[test]
fn activity_fails_strikes_the_named_attempt() -> anyhow::Result<()> {
    let outcome = run(two_steps(3), "activity-fails task=2 after-side-effect")?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    let history = only_history(&outcome)?;
    ensure!(final_attempt(&outcome, history, "step_one")?.attempt == 1);
    ensure!(final_attempt(&outcome, history, "step_two")?.attempt == 2);
    ensure!(outcome.effect_count("step_one", KEY) == 1);
    ensure!(outcome.effect_count("step_two", KEY) == 2);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// activity-times-out

/// A timeout before the side effect: the task is lost on the way, the worker never runs
/// attempt 1, the attempt times out and attempt 2 completes. After the side effect: the worker
/// runs attempt 1 but its answer is lost; two side effects. The attempt times out by its
/// heartbeat timeout when it has one, else by its start-to-close timeout.
#[test]
fn activity_times_out_and_is_retried() -> anyhow::Result<()> {
    let heartbeat_s = 2;
    let start_to_close_s = START_TO_CLOSE.as_secs() as i64;
    for (heartbeat, plan, side_effects) in [
        (None, "activity-times-out task=1", 1),
        (None, "activity-times-out task=1 after-side-effect", 2),
        (Some(heartbeat_s), "activity-times-out task=1", 1),
        (
            Some(heartbeat_s),
            "activity-times-out task=1 after-side-effect",
            2,
        ),
    ] {
        let target = FuzzTarget::new(
            "TwoSteps",
            serde_json::json!({ "key": KEY, "attempts": 3, "heartbeat_s": heartbeat }),
        );
        let outcome = run(target, plan)?;
        ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
        ensure_applied(&outcome, 0)?;
        ensure!(
            outcome.effect_count("step_one", KEY) == side_effects,
            "{plan}: expected {side_effects} side effects:\n{}",
            describe(&outcome)
        );
        let history = only_history(&outcome)?;
        let step_one = final_attempt(&outcome, history, "step_one")?;
        ensure!(step_one.attempt == 2, "{plan}:\n{}", describe(&outcome));
        let (timeout, timeout_s) = match heartbeat {
            Some(seconds) => (TimeoutType::Heartbeat, seconds as i64),
            None => (TimeoutType::StartToClose, start_to_close_s),
        };
        ensure!(
            timeout_failure(step_one.last_failure) == Some(timeout),
            "{plan} (heartbeat {heartbeat:?}): last failure {:?}",
            step_one.last_failure
        );
        // Attempt 1 ran out its timeout, then the retry interval passed; nothing else.
        let waited_s = timeout_s + FIRST_RETRY_INTERVAL.as_secs() as i64;
        ensure!(
            step_one.after_schedule_s == waited_s,
            "{plan} (heartbeat {heartbeat:?}): attempt 2 started {}s after the schedule, \
             expected {waited_s}s:\n{}",
            step_one.after_schedule_s,
            describe(&outcome)
        );
        let events = activity(history, "step_one");
        ensure!(events.completed == 1 && events.timed_out == 0 && events.failed.is_empty());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// activity-response-lost

/// The answer is applied once (one completion, at attempt 1, no retry), the worker sees
/// UNAVAILABLE, and the side effect happened once.
#[test]
fn activity_response_lost_is_applied_once() -> anyhow::Result<()> {
    let outcome = run(two_steps(3), "activity-response-lost task=1")?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    ensure_applied(&outcome, 0)?;
    ensure!(
        outcome.effect_count("step_one", KEY) == 1,
        "{}",
        describe(&outcome)
    );
    let history = only_history(&outcome)?;
    let step_one = final_attempt(&outcome, history, "step_one")?;
    ensure!(step_one.attempt == 1 && step_one.last_failure.is_none());
    ensure!(activity(history, "step_one").completed == 1);
    ensure!(result::<Vec<String>>(&outcome)?.len() == 2);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// activity-delivered-twice

/// The attempt reaches the worker twice (two side effects) but only the first answer counts:
/// one completion, attempt 1.
#[test]
fn activity_delivered_twice_runs_twice_and_completes_once() -> anyhow::Result<()> {
    let outcome = run(two_steps(3), "activity-delivered-twice task=1")?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    ensure_applied(&outcome, 0)?;
    ensure!(
        outcome.effect_count("step_one", KEY) == 2,
        "expected two deliveries to run:\n{}",
        describe(&outcome)
    );
    ensure!(outcome.effect_count("step_two", KEY) == 1);
    let history = only_history(&outcome)?;
    ensure!(final_attempt(&outcome, history, "step_one")?.attempt == 1);
    ensure!(activity(history, "step_one").completed == 1);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// workflow-task-times-out

/// The first completion never arrives: the task times out (start-to-close) and is retried;
/// the workflow still completes, and the activity it scheduled is scheduled once.
#[test]
fn workflow_task_times_out_and_is_retried() -> anyhow::Result<()> {
    let outcome = run(two_steps(3), "workflow-task-times-out task=1")?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    ensure_applied(&outcome, 0)?;
    let history = only_history(&outcome)?;
    let timed_out: Vec<&HistoryEvent> = history
        .events
        .iter()
        .filter(|event| event.event_type == EventType::WorkflowTaskTimedOut as i32)
        .collect();
    let [timed_out] = timed_out.as_slice() else {
        bail!("expected one WorkflowTaskTimedOut:\n{}", describe(&outcome));
    };
    let Some(Attributes::WorkflowTaskTimedOutEventAttributes(attributes)) = &timed_out.attributes
    else {
        bail!("a WorkflowTaskTimedOut event without its attributes");
    };
    ensure!(attributes.timeout_type == TimeoutType::StartToClose as i32);
    ensure!(offset_s(history, timed_out) >= WORKFLOW_TASK_TIMEOUT.as_secs() as i64);
    // Nothing was scheduled before the timeout: the lost completion's commands were dropped.
    ensure!(
        event_types(history)[..timed_out.event_id as usize]
            == [
                "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
                "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED",
                "EVENT_TYPE_WORKFLOW_TASK_STARTED",
                "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT",
            ],
        "{}",
        describe(&outcome)
    );
    ensure!(activity(history, "step_one").scheduled.len() == 1);
    ensure!(outcome.effect_count("step_one", KEY) == 1);
    Ok(())
}

/// A completion that times out is not accepted, so it does not count: the retried task is
/// accepted completion 1, a fault placed after it strikes there, and a second timeout of
/// `task=1` times out the retried task too.
#[test]
fn a_timed_out_completion_is_not_counted_as_accepted() -> anyhow::Result<()> {
    let outcome = run(
        two_steps(3),
        "workflow-task-times-out task=1\nclock-jump after-workflow-task=1 by=3600s",
    )?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    ensure!(
        applied(&outcome)
            == [
                FaultEvent::Applied { index: 0 },
                FaultEvent::Applied { index: 1 }
            ],
        "{}",
        describe(&outcome)
    );
    // The jump struck right after the retried task scheduled step_one.
    let history = only_history(&outcome)?;
    let scheduled = activity(history, "step_one").scheduled[0];
    ensure!(
        offset_s(history, scheduled) < HOUR_S,
        "{}",
        describe(&outcome)
    );
    ensure!(
        final_attempt(&outcome, history, "step_one")?.after_schedule_s >= HOUR_S,
        "{}",
        describe(&outcome)
    );

    // The retried task is transient (attempt 2): its timeout writes no event, and the task
    // that completes is attempt 3, two timeouts after the start.
    let twice = run(
        two_steps(3),
        "workflow-task-times-out task=1\nworkflow-task-times-out task=1",
    )?;
    ensure_closed(&twice, "WorkflowExecutionCompleted")?;
    ensure!(
        applied(&twice)
            == [
                FaultEvent::Applied { index: 0 },
                FaultEvent::Applied { index: 1 }
            ],
        "{}",
        describe(&twice)
    );
    let history = only_history(&twice)?;
    let attempts: Vec<(i32, i64)> = history
        .events
        .iter()
        .filter_map(|event| match &event.attributes {
            Some(Attributes::WorkflowTaskScheduledEventAttributes(scheduled)) => {
                Some((scheduled.attempt, offset_s(history, event)))
            }
            _ => None,
        })
        .collect();
    let timeout_s = WORKFLOW_TASK_TIMEOUT.as_secs() as i64;
    ensure!(
        attempts[..2] == [(1, 0), (3, 2 * timeout_s)],
        "workflow task attempts {attempts:?}:\n{}",
        describe(&twice)
    );
    ensure!(activity(history, "step_one").scheduled.len() == 1);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// workflow-task-response-lost

/// The completion is applied but the worker sees UNAVAILABLE: the workflow completes with the
/// same events as without the fault (no command applied twice).
#[test]
fn workflow_task_response_lost_applies_the_commands_once() -> anyhow::Result<()> {
    let baseline = run(two_steps(3), "")?;
    for task in 1..=3 {
        let plan = format!("workflow-task-response-lost task={task}");
        let outcome = run(two_steps(3), &plan)?;
        ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
        ensure_applied(&outcome, 0)?;
        ensure!(
            event_types(only_history(&outcome)?) == event_types(only_history(&baseline)?),
            "{plan}: the events differ from the fault-free run:\n{}\nvs\n{}",
            describe(&outcome),
            describe(&baseline)
        );
        ensure!(outcome.effect_count("step_one", KEY) == 1);
        ensure!(outcome.effect_count("step_two", KEY) == 1);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// worker-crash

/// A crash right after workflow task 1: a second worker incarnation runs everything after it,
/// at once (the crashed worker's sticky queue is not waited for), with the events of the
/// fault-free run.
#[test]
fn worker_crash_after_a_workflow_task_hands_the_rest_to_a_new_worker() -> anyhow::Result<()> {
    let baseline = run(two_steps(3), "")?;
    let outcome = run(two_steps(3), "worker-crash after-workflow-task=1")?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    let history = only_history(&outcome)?;
    ensure!(
        event_types(history) == event_types(only_history(&baseline)?)
            && history
                .events
                .iter()
                .all(|event| offset_s(history, event) == 0),
        "{}",
        describe(&outcome)
    );
    ensure!(outcome.incarnations == 2, "{}", describe(&outcome));
    ensure!(
        outcome.fault_log
            == [
                FaultEvent::Applied { index: 0 },
                FaultEvent::WorkerCrashed {
                    identity: "wfkit-fuzz-worker-0".to_string()
                }
            ],
        "{}",
        describe(&outcome)
    );
    let identities = workflow_task_identities(history);
    ensure!(
        identities.len() == 3
            && identities[0] == "wfkit-fuzz-worker-0"
            && identities[1..]
                .iter()
                .all(|id| *id == "wfkit-fuzz-worker-1"),
        "workflow task completions by {identities:?}"
    );
    for name in ["step_one", "step_two"] {
        let step = final_attempt(&outcome, history, name)?;
        ensure!(step.attempt == 1 && step.identity == "wfkit-fuzz-worker-1");
    }
    ensure!(outcome.effect_count("step_one", KEY) == 1);
    Ok(())
}

/// A crash while the worker runs activity attempt 1: the worker got the task (its side effect
/// happened) but its answer is never applied; the attempt times out and the new worker runs
/// attempt 2 and the rest of the workflow.
#[test]
fn worker_crash_during_an_activity_task_times_it_out() -> anyhow::Result<()> {
    let outcome = run(two_steps(3), "worker-crash during-activity-task=1")?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    ensure!(outcome.incarnations == 2, "{}", describe(&outcome));
    ensure!(outcome.fault_log.contains(&FaultEvent::WorkerCrashed {
        identity: "wfkit-fuzz-worker-0".to_string()
    }));
    ensure!(
        outcome.effect_count("step_one", KEY) == 2,
        "expected the crashed worker and its successor to run step_one:\n{}",
        describe(&outcome)
    );
    let history = only_history(&outcome)?;
    let step_one = final_attempt(&outcome, history, "step_one")?;
    ensure!(step_one.attempt == 2 && step_one.identity == "wfkit-fuzz-worker-1");
    ensure!(timeout_failure(step_one.last_failure) == Some(TimeoutType::StartToClose));
    ensure!(step_one.after_schedule_s >= (START_TO_CLOSE + FIRST_RETRY_INTERVAL).as_secs() as i64);
    let identities = workflow_task_identities(history);
    ensure!(
        identities[0] == "wfkit-fuzz-worker-0"
            && identities[1..]
                .iter()
                .all(|id| *id == "wfkit-fuzz-worker-1"),
        "workflow task completions by {identities:?}"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// engine-restart

/// The engine restarts after workflow task 1 (keeping its state): the workflow completes with
/// the same events as without the restart.
#[test]
fn engine_restart_keeps_the_workflow_going() -> anyhow::Result<()> {
    let baseline = run(two_steps(3), "")?;
    let outcome = run(two_steps(3), "engine-restart after-workflow-task=1")?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    ensure!(
        applied(&outcome) == [FaultEvent::Applied { index: 0 }],
        "{}",
        describe(&outcome)
    );
    ensure!(outcome.incarnations == 1);
    ensure!(
        event_types(only_history(&outcome)?) == event_types(only_history(&baseline)?),
        "{}",
        describe(&outcome)
    );
    ensure!(outcome.effect_count("step_one", KEY) == 1);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// clock-jump

/// The clock jumps an hour after workflow task 1: every event after it is at least an hour
/// after the start (in the fault-free run all are at the start).
#[test]
fn clock_jump_moves_later_events_ahead() -> anyhow::Result<()> {
    let outcome = run(two_steps(3), "clock-jump after-workflow-task=1 by=3600s")?;
    ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
    ensure_applied(&outcome, 0)?;
    let history = only_history(&outcome)?;
    let scheduled = activity(history, "step_one").scheduled[0].event_id;
    for event in &history.events {
        let offset = offset_s(history, event);
        if event.event_id <= scheduled {
            ensure!(offset == 0, "{}", describe(&outcome));
        } else {
            ensure!(
                (HOUR_S..HOUR_S + 60).contains(&offset),
                "event {} at +{offset}s:\n{}",
                event.event_id,
                describe(&outcome)
            );
        }
    }
    Ok(())
}

/// A jump never fires a timer early: a 1-hour timer still fires an hour after it started when
/// the clock jumps half an hour or exactly an hour, and fires at the jump when the clock
/// jumps past its deadline.
#[test]
fn clock_jump_fires_a_timer_when_due_and_not_before() -> anyhow::Result<()> {
    for (jump_s, fired_s) in [(1800, HOUR_S), (HOUR_S, HOUR_S), (2 * HOUR_S, 2 * HOUR_S)] {
        let plan = format!("clock-jump after-workflow-task=1 by={jump_s}s");
        let outcome = run(sleep(HOUR_S), &plan)?;
        ensure_closed(&outcome, "WorkflowExecutionCompleted")?;
        ensure_applied(&outcome, 0)?;
        ensure!(result::<i64>(&outcome)? == HOUR_S);
        let started = first_offset_s(&outcome, EventType::TimerStarted)?;
        let fired = first_offset_s(&outcome, EventType::TimerFired)?;
        ensure!(
            started == 0 && fired == fired_s,
            "{plan}: timer started at +{started}s, fired at +{fired}s:\n{}",
            describe(&outcome)
        );
        ensure!(first_offset_s(&outcome, EventType::WorkflowExecutionCompleted)? >= fired_s);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// signals

/// The payloads of the signals in the history, in order; checks each was sent by the fault
/// injector.
fn signaled(outcome: &CaseOutcome) -> anyhow::Result<Vec<String>> {
    let mut payloads = Vec::new();
    for event in &only_history(outcome)?.events {
        if let Some(Attributes::WorkflowExecutionSignaledEventAttributes(signaled)) =
            &event.attributes
        {
            ensure!(signaled.signal_name == ITEM_SIGNAL);
            ensure!(signaled.identity == FAULT_IDENTITY_NAME);
            let payload = signaled
                .input
                .as_ref()
                .and_then(|input| input.payloads.first())
                .context("a signal without input")?;
            payloads.push(serde_json::from_slice(&payload.data)?);
        }
    }
    Ok(payloads)
}

/// Checks the workflow received `expected` (its result and the history agree) and every
/// delivery was accepted.
fn ensure_signals(outcome: &CaseOutcome, expected: &[&str]) -> anyhow::Result<()> {
    ensure_closed(outcome, "WorkflowExecutionCompleted")?;
    let received: Vec<String> = result(outcome)?;
    ensure!(
        received == expected,
        "received {received:?}, expected {expected:?}:\n{}",
        describe(outcome)
    );
    ensure!(signaled(outcome)? == expected, "{}", describe(outcome));
    let deliveries: Vec<bool> = outcome
        .fault_log
        .iter()
        .filter_map(|event| match event {
            FaultEvent::SignalDelivered { accepted, .. } => Some(*accepted),
            _ => None,
        })
        .collect();
    ensure!(
        deliveries == vec![true; expected.len()],
        "deliveries {deliveries:?}:\n{}",
        describe(outcome)
    );
    Ok(())
}

/// Three signals, one after each of the first three workflow task completions.
const ABC: [(&str, u32); 3] = [("a", 1), ("b", 2), ("c", 3)];

#[test]
fn signals_arrive_in_their_planned_order_without_faults() -> anyhow::Result<()> {
    let outcome = run(collect(3, &ABC), "")?;
    ensure_signals(&outcome, &["a", "b", "c"])?;
    // One workflow task per signal, plus the first.
    ensure!(workflow_task_identities(only_history(&outcome)?).len() == 4);
    Ok(())
}

/// Signal 0 comes two workflow tasks late: signal 1 overtakes it.
#[test]
fn signal_delayed_arrives_later() -> anyhow::Result<()> {
    let outcome = run(
        collect(3, &ABC),
        "signal-delayed signal=0 by-workflow-tasks=2",
    )?;
    ensure_signals(&outcome, &["b", "a", "c"])
}

/// Signal 0 arrives twice.
#[test]
fn signal_duplicated_arrives_twice() -> anyhow::Result<()> {
    let outcome = run(collect(4, &ABC), "signal-duplicated signal=0")?;
    ensure_signals(&outcome, &["a", "a", "b", "c"])
}

/// Signals 1 and 2 swap their delivery points.
#[test]
fn signals_reordered_swap() -> anyhow::Result<()> {
    let outcome = run(collect(3, &ABC), "signals-reordered signal=1")?;
    ensure_signals(&outcome, &["a", "c", "b"])
}

/// The `Applied` events of the fault log (what struck), without what the engine reported
/// along the way (timeouts, crashes, signals).
fn applied(outcome: &CaseOutcome) -> Vec<FaultEvent> {
    outcome
        .fault_log
        .iter()
        .filter(|event| matches!(event, FaultEvent::Applied { .. }))
        .cloned()
        .collect()
}
