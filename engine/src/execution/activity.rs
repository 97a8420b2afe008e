//! An activity as its run holds it: the current attempt, its phase and timeouts, and the pure
//! rules of retries (the policy's defaults, the backoff) and timeouts (their failure). What the
//! engine does with an activity (queue, dispatch, retry, time out, close) is in
//! `transitions/activity.rs`.

use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::common::v1::{ActivityType, Header, Payloads, RetryPolicy};
use temporalio_protos::temporal::api::enums::v1::TimeoutType;
use temporalio_protos::temporal::api::failure::v1::{
    Failure, TimeoutFailureInfo, failure::FailureInfo,
};

use crate::matching::{Poller, QueueKey, QueueKind};
use crate::time::{duration, nonzero_duration, proto_duration};
use crate::timers::ActivityTimeoutKind;

/// Where an activity stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ActivityPhase {
    /// In the queue, waiting for a worker.
    Scheduled,
    /// A worker runs the current attempt.
    Started {
        started_time: SystemTime,
        poller: Poller,
    },
    /// Waiting out the backoff before the next attempt.
    BackingOff,
}

/// An open activity of a run.
#[derive(Debug, Clone)]
pub(crate) struct Activity {
    pub(crate) scheduled_event_id: i64,
    pub(crate) activity_id: String,
    pub(crate) activity_type: ActivityType,
    pub(crate) task_queue: String,
    pub(crate) header: Option<Header>,
    pub(crate) input: Option<Payloads>,
    pub(crate) schedule_to_close: Option<Duration>,
    pub(crate) schedule_to_start: Option<Duration>,
    pub(crate) start_to_close: Duration,
    pub(crate) heartbeat: Option<Duration>,
    pub(crate) retry_policy: RetryPolicy,
    pub(crate) scheduled_time: SystemTime,
    pub(crate) attempt_scheduled_time: SystemTime,
    pub(crate) attempt: i32,
    pub(crate) phase: ActivityPhase,
    pub(crate) last_failure: Option<Failure>,
    pub(crate) heartbeat_details: Option<Payloads>,
    pub(crate) last_heartbeat_time: Option<SystemTime>,
    /// The ActivityTaskCancelRequested event id, once the workflow asked to cancel.
    pub(crate) cancel_requested_event_id: Option<i64>,
}

impl Activity {
    pub(crate) fn is_outstanding(&self) -> bool {
        !matches!(self.phase, ActivityPhase::BackingOff)
    }

    pub(crate) fn queue(&self, namespace: &str) -> QueueKey {
        QueueKey {
            namespace: namespace.to_string(),
            name: self.task_queue.clone(),
            kind: QueueKind::Activity,
        }
    }
}

/// How an attempt ended, as the worker (or a timeout) reports it.
#[derive(Debug, Clone)]
pub(crate) enum AttemptOutcome {
    Completed(Option<Payloads>),
    Failed(Box<Failure>),
    TimedOut(ActivityTimeoutKind),
    Canceled(Option<Payloads>),
}

/// The server's retry policy defaults for anything the command left unset.
pub(crate) fn fill_retry_policy(policy: Option<RetryPolicy>) -> RetryPolicy {
    let mut policy = policy.unwrap_or_default();
    let initial =
        nonzero_duration(policy.initial_interval.as_ref()).unwrap_or(Duration::from_secs(1));
    policy.initial_interval = Some(proto_duration(initial));
    if policy.backoff_coefficient == 0.0 {
        policy.backoff_coefficient = 2.0;
    }
    if nonzero_duration(policy.maximum_interval.as_ref()).is_none() {
        policy.maximum_interval = Some(proto_duration(initial * 100));
    }
    policy
}

/// The delay before attempt `attempt + 1`: initial * coefficient^(attempt-1), capped.
pub(crate) fn backoff(policy: &RetryPolicy, attempt: i32) -> Duration {
    let initial = duration(policy.initial_interval.as_ref()).unwrap_or(Duration::from_secs(1));
    let maximum = duration(policy.maximum_interval.as_ref()).unwrap_or(initial * 100);
    let factor = policy
        .backoff_coefficient
        .max(1.0)
        .powi((attempt - 1).clamp(0, 64));
    let seconds = (initial.as_secs_f64() * factor).min(maximum.as_secs_f64());
    Duration::from_secs_f64(seconds.max(0.0))
}

pub(crate) fn timeout_type(kind: ActivityTimeoutKind) -> TimeoutType {
    match kind {
        ActivityTimeoutKind::ScheduleToStart => TimeoutType::ScheduleToStart,
        ActivityTimeoutKind::StartToClose => TimeoutType::StartToClose,
        ActivityTimeoutKind::ScheduleToClose => TimeoutType::ScheduleToClose,
        ActivityTimeoutKind::Heartbeat => TimeoutType::Heartbeat,
    }
}

pub(crate) fn timeout_failure(
    kind: ActivityTimeoutKind,
    details: Option<Payloads>,
    last_failure: Option<Failure>,
) -> Failure {
    let name = match kind {
        ActivityTimeoutKind::ScheduleToStart => "ScheduleToStart",
        ActivityTimeoutKind::StartToClose => "StartToClose",
        ActivityTimeoutKind::ScheduleToClose => "ScheduleToClose",
        ActivityTimeoutKind::Heartbeat => "Heartbeat",
    };
    Failure {
        message: format!("activity {name} timeout"),
        source: "Server".to_string(),
        cause: last_failure.map(Box::new),
        failure_info: Some(FailureInfo::TimeoutFailureInfo(TimeoutFailureInfo {
            timeout_type: timeout_type(kind) as i32,
            last_heartbeat_details: details,
        })),
        ..Failure::default()
    }
}

impl Activity {
    /// Heartbeats re-arm a new timer each time, so an old timer is current only when no
    /// heartbeat came within the timeout.
    pub(crate) fn heartbeat_deadline_passed(&self, now: SystemTime) -> bool {
        let Some(timeout) = self.heartbeat else {
            return false;
        };
        let last = self.last_heartbeat_time.unwrap_or(match self.phase {
            ActivityPhase::Started { started_time, .. } => started_time,
            _ => self.attempt_scheduled_time,
        });
        now >= last + timeout
    }
}
