//! The scheduler: what a schedule does when it wakes (the server's V1 scheduler workflow,
//! `service/worker/scheduler/workflow.go`; rules and sources in `docs/schedules-semantics.md`).
//!
//! A pass takes the spec times that came due (counting those past the catchup window as
//! missed), works through backfills, starts what the overlap policies allow, and sets the timer
//! for the next time. A workflow the schedule started that closes is seen at once
//! ([`State::scheduled_run_closed`]), which wakes the schedule for its buffered starts.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::common::v1::{Payload, SearchAttributes, WorkflowExecution};
use temporalio_protos::temporal::api::enums::v1::{
    ScheduleOverlapPolicy, WorkflowExecutionStatus, WorkflowIdReusePolicy,
};
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::schedule::v1::ScheduleActionResult;
use temporalio_protos::temporal::api::schedule::v1::schedule_action::Action;
use temporalio_protos::temporal::api::workflowservice::v1::StartWorkflowExecutionRequest;

use crate::ids::ExecutionKey;
use crate::schedules::{
    BACKFILL_ACTIONS_PER_PASS, BufferedStart, MAX_BUFFERED_STARTS, RECENT_ACTIONS, Schedule,
    ScheduleKey, overlap,
};
use crate::state::State;
use crate::time::timestamp;
use crate::transitions::start_request::{start_workflow, validate};

/// Search attributes the server adds to every workflow a schedule starts.
const SCHEDULED_START_TIME: &str = "TemporalScheduledStartTime";
const SCHEDULED_BY_ID: &str = "TemporalScheduledById";

impl State {
    /// A schedule to change (copied on write).
    pub(crate) fn schedule_mut(&mut self, key: &ScheduleKey) -> Option<&mut Schedule> {
        self.schedules.get_mut(key).map(Arc::make_mut)
    }

    /// One pass of the scheduler; see the module documentation.
    pub(crate) fn run_scheduler(&mut self, key: &ScheduleKey) {
        let now = self.now();
        let Some(schedule) = self.schedule_mut(key) else {
            return;
        };
        // The timer that woke this pass (if any) is spent.
        if schedule.armed_wakeup.is_some_and(|at| at <= now) {
            schedule.armed_wakeup = None;
        }
        let start = schedule.last_processed;
        let end = start.max(now);
        let overlap = ScheduleOverlapPolicy::Unspecified;
        let next = take_due_times(schedule, start, end, overlap, false, None);
        schedule.last_processed = end;
        self.process_backfills(key);
        self.process_buffer(key);
        self.arm_scheduler(key, next);
    }

    /// Sets the schedule's timer for `next` (the next spec time), unless it is already set for
    /// it, or the schedule can take no scheduled action (paused, or out of actions) and has no
    /// backfill to work through.
    fn arm_scheduler(&mut self, key: &ScheduleKey, next: Option<SystemTime>) {
        let now = self.now();
        let Some(schedule) = self.schedule_mut(key) else {
            return;
        };
        let next = if !schedule.backfills.is_empty() {
            // Backfills take a pass's worth of actions at a time.
            Some(now)
        } else if schedule.can_take_scheduled_action() {
            next
        } else {
            None
        };
        let Some(at) = next else {
            return;
        };
        if schedule
            .armed_wakeup
            .is_some_and(|armed| armed <= at && armed > now)
        {
            return;
        }
        schedule.armed_wakeup = Some(at);
        self.timers.add(
            at,
            crate::timers::TimerTarget::Scheduler { key: key.clone() },
        );
        self.timer_wake.notify_one();
    }

    /// Wakes the schedule at once, after the current request (a trigger, a closed workflow).
    pub(crate) fn wake_scheduler(&mut self, key: &ScheduleKey) {
        let now = self.now();
        self.timers.add(
            now,
            crate::timers::TimerTarget::Scheduler { key: key.clone() },
        );
        self.timer_wake.notify_one();
    }

    /// Works through backfills, at most a pass's worth of actions.
    fn process_backfills(&mut self, key: &ScheduleKey) {
        let Some(schedule) = self.schedule_mut(key) else {
            return;
        };
        let mut budget = BACKFILL_ACTIONS_PER_PASS;
        while budget > 0 && schedule.buffer.len() < MAX_BUFFERED_STARTS / 2 {
            let Some(backfill) = schedule.backfills.first().cloned() else {
                break;
            };
            let next = take_due_times(
                schedule,
                backfill.after,
                backfill.end,
                backfill.overlap,
                true,
                Some(&mut budget),
            );
            match (next, schedule.backfills.first_mut()) {
                // More times are left in it: go on from the last one taken.
                (Some(next), Some(first)) if next <= backfill.end && budget == 0 => {
                    first.after = next - Duration::from_nanos(1);
                }
                _ => {
                    schedule.backfills.remove(0);
                }
            }
        }
    }

    /// Starts what the overlap policies allow, cancels or terminates what they ask to.
    fn process_buffer(&mut self, key: &ScheduleKey) {
        self.forget_closed_runs(key);
        let Some(schedule) = self.schedule_mut(key) else {
            return;
        };
        let has_action = schedule
            .definition
            .action
            .as_ref()
            .is_some_and(|action| matches!(action.action, Some(Action::StartWorkflow(_))));
        if !has_action || schedule.buffer.is_empty() {
            schedule.buffer.clear();
            return;
        }
        let running = !schedule.info.running_workflows.is_empty();
        let buffer = std::mem::take(&mut schedule.buffer);
        let resolution = overlap::resolve(buffer, running, schedule.overlap_policy());
        schedule.info.overlap_skipped += resolution.skipped;
        schedule.buffer = resolution.buffer;
        let running_runs = schedule.info.running_workflows.clone();
        let mut starts: Vec<(BufferedStart, bool)> = resolution
            .overlapping
            .into_iter()
            .map(|start| (start, false))
            .collect();
        if let Some(start) = resolution.non_overlapping {
            starts.push((start, true));
        }
        for (start, tracked) in starts {
            self.take_action(key, &start, tracked);
        }
        let identity = scheduler_identity(key);
        for run in running_runs {
            let Some(current) = self.current_run_key(&key.namespace, &run.workflow_id) else {
                continue;
            };
            if resolution.need_terminate {
                self.terminate(
                    &current,
                    "terminated by schedule overlap policy",
                    None,
                    &identity,
                );
            } else if resolution.need_cancel {
                self.request_cancel(&current, "cancelled by schedule overlap policy", &identity);
            }
        }
    }

    /// Starts one buffered start, if the schedule may still act; records the action.
    fn take_action(&mut self, key: &ScheduleKey, start: &BufferedStart, tracked: bool) {
        let Some(schedule) = self.schedule_mut(key) else {
            return;
        };
        if !start.manual {
            if !schedule.can_take_scheduled_action() {
                return;
            }
            if let Some(state) = schedule.definition.state.as_mut()
                && state.limited_actions
            {
                state.remaining_actions -= 1;
                schedule.conflict_token += 1;
            }
        }
        let Some(request) = start_request(schedule, start, tracked) else {
            return;
        };
        let workflow_id = request.workflow_id.clone();
        let mut request = request;
        // A start the server refuses (an id already used, a bad task queue) is dropped, as the
        // real scheduler drops it, and counts as nothing.
        if validate(&mut request).is_err() {
            return;
        }
        let Ok(response) = start_workflow(self, request) else {
            return;
        };
        if !response.started {
            return;
        }
        let now = self.now();
        let Some(schedule) = self.schedule_mut(key) else {
            return;
        };
        let execution = WorkflowExecution {
            workflow_id,
            run_id: response.run_id,
        };
        schedule.info.action_count += 1;
        schedule.info.recent_actions.push(ScheduleActionResult {
            schedule_time: Some(timestamp(start.actual)),
            actual_time: Some(timestamp(now)),
            start_workflow_result: Some(execution.clone()),
            start_workflow_status: WorkflowExecutionStatus::Running as i32,
        });
        let excess = schedule
            .info
            .recent_actions
            .len()
            .saturating_sub(RECENT_ACTIONS);
        schedule.info.recent_actions.drain(..excess);
        if tracked {
            schedule.info.running_workflows.push(execution);
        }
    }

    /// Drops from the running list the workflows whose chain is no longer running.
    fn forget_closed_runs(&mut self, key: &ScheduleKey) {
        let Some(schedule) = self.schedules.get(key) else {
            return;
        };
        let still_running: Vec<bool> = schedule
            .info
            .running_workflows
            .iter()
            .map(|run| self.chain_running(&key.namespace, run))
            .collect();
        if still_running.iter().all(|running| *running) {
            return;
        }
        if let Some(schedule) = self.schedule_mut(key) {
            let mut flags = still_running.into_iter();
            schedule
                .info
                .running_workflows
                .retain(|_| flags.next().unwrap_or(true));
        }
    }

    /// Whether the chain of runs a schedule started (`run.run_id` is its first run) still runs.
    pub(crate) fn chain_running(&self, namespace: &str, run: &WorkflowExecution) -> bool {
        self.current_run_key(namespace, &run.workflow_id)
            .and_then(|key| self.executions.get(&key))
            .is_some_and(|current| {
                current.is_running() && current.first_execution_run_id == run.run_id
            })
    }

    fn current_run_key(&self, namespace: &str, workflow_id: &str) -> Option<ExecutionKey> {
        let run_id = self
            .current_runs
            .get(&(namespace.to_string(), workflow_id.to_string()))?;
        Some(ExecutionKey {
            namespace: namespace.to_string(),
            workflow_id: workflow_id.to_string(),
            run_id: run_id.clone(),
        })
    }

    /// A run closed for good (no retry or continue-as-new follows): if a schedule started its
    /// chain, the schedule records how it ended, pauses on a failure if it should, and wakes
    /// for the starts that waited on it.
    pub(crate) fn scheduled_run_closed(
        &mut self,
        key: &ExecutionKey,
        status: WorkflowExecutionStatus,
        close_event: &Attributes,
    ) {
        let Some(first_run_id) = self
            .executions
            .get(key)
            .map(|execution| execution.first_execution_run_id.clone())
        else {
            return;
        };
        let owners: Vec<ScheduleKey> = self
            .schedules
            .iter()
            .filter(|(schedule_key, schedule)| {
                schedule_key.namespace == key.namespace
                    && schedule.info.recent_actions.iter().any(|action| {
                        action.start_workflow_result.as_ref().is_some_and(|run| {
                            run.workflow_id == key.workflow_id && run.run_id == first_run_id
                        })
                    })
            })
            .map(|(schedule_key, _)| schedule_key.clone())
            .collect();
        for owner in owners {
            let Some(schedule) = self.schedule_mut(&owner) else {
                continue;
            };
            let tracked = schedule
                .info
                .running_workflows
                .iter()
                .any(|run| run.workflow_id == key.workflow_id && run.run_id == first_run_id);
            if !tracked {
                // ALLOW_ALL starts are not followed, as on the server.
                continue;
            }
            schedule
                .info
                .running_workflows
                .retain(|run| !(run.workflow_id == key.workflow_id && run.run_id == first_run_id));
            for action in schedule.info.recent_actions.iter_mut() {
                let ours = action.start_workflow_result.as_ref().is_some_and(|run| {
                    run.workflow_id == key.workflow_id && run.run_id == first_run_id
                });
                if ours {
                    action.start_workflow_status = status as i32;
                }
            }
            match close_event {
                Attributes::WorkflowExecutionCompletedEventAttributes(completed)
                    if completed.result.is_some() =>
                {
                    schedule.last_completion_result = completed.result.clone();
                    schedule.continued_failure = None;
                }
                Attributes::WorkflowExecutionFailedEventAttributes(failed) => {
                    schedule.continued_failure = failed.failure.clone();
                }
                _ => {}
            }
            let failed = matches!(
                status,
                WorkflowExecutionStatus::Failed | WorkflowExecutionStatus::TimedOut
            );
            if failed && schedule.pause_on_failure() && !schedule.paused() {
                let notes = match close_event {
                    Attributes::WorkflowExecutionFailedEventAttributes(failed) => format!(
                        "paused due to workflow failure: {}: {}",
                        key.workflow_id,
                        failed
                            .failure
                            .as_ref()
                            .map(|f| f.message.as_str())
                            .unwrap_or_default()
                    ),
                    _ => format!("paused due to workflow timeout: {}", key.workflow_id),
                };
                let state = schedule
                    .definition
                    .state
                    .get_or_insert_with(Default::default);
                state.paused = true;
                state.notes = notes;
                schedule.conflict_token += 1;
            }
            self.wake_scheduler(&owner);
        }
    }

    /// The next `count` action times after the last pass, as Describe and List show them.
    pub(crate) fn future_action_times(schedule: &Schedule, count: usize) -> Vec<SystemTime> {
        let mut times = Vec::new();
        let limit = match schedule.definition.state.as_ref() {
            Some(state) if state.limited_actions => {
                count.min(usize::try_from(state.remaining_actions.max(0)).unwrap_or(0))
            }
            _ => count,
        };
        let mut after = schedule.last_processed;
        let update_time = schedule.update_time();
        while times.len() < limit {
            let Some(next) = schedule.spec.next_time(after) else {
                break;
            };
            after = next.next;
            if update_time.is_some_and(|updated| updated > next.next) {
                continue;
            }
            times.push(next.next);
        }
        times
    }
}

/// Takes the spec times after `start` up to `end` (the server's `processTimeRange`): each is
/// buffered, or counted as missed when it is older than the catchup window. Scheduled times
/// are skipped whole while the schedule is paused or out of actions; manual ones (a backfill)
/// are taken regardless. Returns the first time after `end`.
fn take_due_times(
    schedule: &mut Schedule,
    start: SystemTime,
    end: SystemTime,
    overlap: ScheduleOverlapPolicy,
    manual: bool,
    mut budget: Option<&mut usize>,
) -> Option<SystemTime> {
    if !manual && !schedule.can_take_scheduled_action() {
        return schedule.spec.next_time(end).map(|next| next.next);
    }
    let catchup = schedule.catchup_window();
    let update_time = schedule.update_time();
    let mut after = start;
    loop {
        let next = schedule.spec.next_time(after)?;
        if next.next > end {
            return Some(next.next);
        }
        after = next.next;
        if !manual {
            if update_time.is_some_and(|updated| updated > next.next) {
                continue;
            }
            let late = end.duration_since(next.next).unwrap_or_default();
            if late > catchup {
                schedule.info.missed_catchup_window += 1;
                continue;
            }
        }
        if schedule.buffer.len() >= MAX_BUFFERED_STARTS {
            schedule.info.buffer_dropped += 1;
        } else {
            schedule.buffer.push(BufferedStart {
                nominal: next.nominal,
                actual: next.next,
                overlap,
                manual,
            });
        }
        if let Some(budget) = budget.as_deref_mut() {
            *budget = budget.saturating_sub(1);
            if *budget == 0 {
                return schedule.spec.next_time(after).map(|next| next.next);
            }
        }
    }
}

/// `temporal-scheduler-<namespace>-<schedule id>`: who starts, cancels and terminates.
pub(crate) fn scheduler_identity(key: &ScheduleKey) -> String {
    format!("temporal-scheduler-{}-{}", key.namespace, key.schedule_id)
}

/// The start request of one action (`startWorkflow`): the action's workflow, its id suffixed
/// with the nominal time, and the two search attributes the server adds.
fn start_request(
    schedule: &Schedule,
    start: &BufferedStart,
    tracked: bool,
) -> Option<StartWorkflowExecutionRequest> {
    let Some(Action::StartWorkflow(action)) = schedule
        .definition
        .action
        .as_ref()
        .and_then(|action| action.action.clone())
    else {
        return None;
    };
    let nominal = rfc3339_seconds(start.nominal);
    let mut search_attributes = action
        .search_attributes
        .clone()
        .unwrap_or_else(SearchAttributes::default);
    search_attributes.indexed_fields.insert(
        SCHEDULED_START_TIME.to_string(),
        json_payload(&nominal, "Datetime"),
    );
    search_attributes.indexed_fields.insert(
        SCHEDULED_BY_ID.to_string(),
        json_payload(&schedule.key.schedule_id, "Keyword"),
    );
    let policy = if start.manual {
        WorkflowIdReusePolicy::AllowDuplicate
    } else {
        WorkflowIdReusePolicy::RejectDuplicate
    };
    Some(StartWorkflowExecutionRequest {
        namespace: schedule.key.namespace.clone(),
        workflow_id: format!("{}-{nominal}", action.workflow_id),
        workflow_type: action.workflow_type,
        task_queue: action.task_queue,
        input: action.input,
        workflow_execution_timeout: action.workflow_execution_timeout,
        workflow_run_timeout: action.workflow_run_timeout,
        workflow_task_timeout: action.workflow_task_timeout,
        identity: scheduler_identity(&schedule.key),
        request_id: format!(
            "{}-{}-{nominal}-{}",
            schedule.key.namespace, schedule.key.schedule_id, schedule.info.action_count
        ),
        workflow_id_reuse_policy: policy as i32,
        retry_policy: action.retry_policy,
        memo: action.memo,
        search_attributes: Some(search_attributes),
        header: action.header,
        user_metadata: action.user_metadata,
        priority: action.priority,
        // ALLOW_ALL starts do not hear of the runs before them.
        last_completion_result: tracked
            .then(|| schedule.last_completion_result.clone())
            .flatten(),
        continued_failure: tracked
            .then(|| schedule.continued_failure.clone())
            .flatten(),
        ..StartWorkflowExecutionRequest::default()
    })
}

/// A search attribute value as the server writes it: JSON text with its type in the metadata.
fn json_payload(text: &str, kind: &str) -> Payload {
    Payload {
        metadata: [
            ("encoding".to_string(), b"json/plain".to_vec()),
            ("type".to_string(), kind.as_bytes().to_vec()),
        ]
        .into_iter()
        .collect(),
        data: format!("\"{text}\"").into_bytes(),
        ..Payload::default()
    }
}

/// RFC 3339 in UTC, whole seconds: `2026-12-03T18:40:00Z`.
pub(crate) fn rfc3339_seconds(time: SystemTime) -> String {
    let seconds = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    jiff::Timestamp::from_second(i64::try_from(seconds).unwrap_or(i64::MAX))
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
