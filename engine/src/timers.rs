//! Everything that happens at a time: user timers, activity retries and timeouts, workflow
//! task timeouts, workflow run and execution timeouts. One ordered wheel, driven by one task.

use std::time::SystemTime;

use crate::ids::ExecutionKey;
use crate::time::nanos;

/// What to do when a deadline passes. Each target is checked against the current state when
/// it fires, so a target made stale (a timer canceled, an activity completed) does nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TimerTarget {
    /// A workflow's timer.
    UserTimer {
        key: ExecutionKey,
        started_event_id: i64,
    },
    /// An activity's next attempt after its backoff.
    ActivityRetry {
        key: ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
    },
    /// An activity attempt's timeout of the given kind.
    ActivityTimeout {
        key: ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
        kind: ActivityTimeoutKind,
    },
    /// A workflow task's timeout.
    WorkflowTaskTimeout {
        key: ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
        kind: WorkflowTaskTimeoutKind,
    },
    /// The first workflow task of a run that starts after a backoff.
    FirstWorkflowTask { key: ExecutionKey },
    /// A schedule's next pass: an action is due, or something it waits for happened.
    Scheduler { key: crate::schedules::ScheduleKey },
    /// The workflow run timeout.
    WorkflowRunTimeout { key: ExecutionKey },
}

/// Activity timeout kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActivityTimeoutKind {
    ScheduleToStart,
    StartToClose,
    ScheduleToClose,
    Heartbeat,
}

/// Workflow task timeout kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkflowTaskTimeoutKind {
    /// A task on a sticky queue nobody picked up: moved to the normal queue.
    StickyScheduleToStart,
    StartToClose,
}

/// Deadlines in order; equal deadlines fire in the order they were set.
#[derive(Debug, Default, Clone)]
pub(crate) struct TimerWheel {
    /// Targets behind `Arc`s: after a snapshot, a change copies whole nodes of the map.
    entries: imbl::OrdMap<(u128, u64), std::sync::Arc<TimerTarget>>,
    sequence: u64,
}

impl TimerWheel {
    pub(crate) fn add(&mut self, deadline: SystemTime, target: TimerTarget) {
        self.sequence += 1;
        self.entries.insert(
            (nanos(deadline), self.sequence),
            std::sync::Arc::new(target),
        );
    }

    /// The earliest deadline, in nanoseconds since the epoch.
    pub(crate) fn next_deadline_nanos(&self) -> Option<u128> {
        self.entries.keys().next().map(|(deadline, _)| *deadline)
    }

    /// Removes and returns every target whose deadline is at or before `now`.
    pub(crate) fn take_due(&mut self, now: SystemTime) -> Vec<TimerTarget> {
        let now = nanos(now);
        let mut due = Vec::new();
        while let Some(key) = self.entries.get_min().map(|(key, _)| *key) {
            if key.0 > now {
                break;
            }
            if let Some(target) = self.entries.remove(&key) {
                due.push(std::sync::Arc::unwrap_or_clone(target));
            }
        }
        due
    }

    /// Drops the timeouts of one workflow task (a speculative task that was dropped: the next
    /// one gets the same ids).
    pub(crate) fn remove_workflow_task_timeouts(
        &mut self,
        key: &ExecutionKey,
        scheduled_event_id: i64,
        attempt: i32,
    ) {
        let gone: Vec<(u128, u64)> = self
            .entries
            .iter()
            .filter(|(_, target)| {
                matches!(&***target, TimerTarget::WorkflowTaskTimeout { key: k, scheduled_event_id: s, attempt: a, .. }
                    if k == key && *s == scheduled_event_id && *a == attempt)
            })
            .map(|(deadline, _)| *deadline)
            .collect();
        for deadline in gone {
            self.entries.remove(&deadline);
        }
    }

    /// Drops every target of a run (it closed).
    pub(crate) fn remove_execution(&mut self, key: &ExecutionKey) {
        let gone: Vec<(u128, u64)> = self
            .entries
            .iter()
            .filter(|(_, target)| target_key(target) == Some(key))
            .map(|(deadline, _)| *deadline)
            .collect();
        for deadline in gone {
            self.entries.remove(&deadline);
        }
    }
}

/// The run a target belongs to (a schedule's wakeup belongs to none).
fn target_key(target: &TimerTarget) -> Option<&ExecutionKey> {
    match target {
        TimerTarget::UserTimer { key, .. }
        | TimerTarget::ActivityRetry { key, .. }
        | TimerTarget::ActivityTimeout { key, .. }
        | TimerTarget::WorkflowTaskTimeout { key, .. }
        | TimerTarget::FirstWorkflowTask { key }
        | TimerTarget::WorkflowRunTimeout { key } => Some(key),
        TimerTarget::Scheduler { .. } => None,
    }
}
