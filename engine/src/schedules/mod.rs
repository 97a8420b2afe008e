//! Schedules: what each schedule is (its definition, compiled spec, counters, buffered starts
//! and backfills) and nothing of how it acts. The scheduler's rules are in
//! `transitions/scheduler.rs`, the RPCs in `frontend/schedules.rs`; the semantics, with the
//! real server's sources, in `engine/docs/schedules-semantics.md`.
//!
//! The real server runs each schedule as a hidden workflow; the engine keeps a schedule as
//! plain state woken by the timer wheel, so time skipping runs a month of actions in
//! milliseconds, and it learns at once when a workflow it started closes.

pub(crate) mod overlap;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::common::v1::{Memo, Payloads, SearchAttributes};
use temporalio_protos::temporal::api::enums::v1::ScheduleOverlapPolicy;
use temporalio_protos::temporal::api::failure::v1::Failure;
use temporalio_protos::temporal::api::schedule::v1::{
    Schedule as ScheduleDefinition, ScheduleInfo,
};
use wfkit_calendar::schedule::Spec;

/// The default catchup window: a year.
pub(crate) const DEFAULT_CATCHUP_WINDOW: Duration = Duration::from_secs(365 * 24 * 3600);
/// The shortest catchup window; shorter ones are raised to it.
pub(crate) const MIN_CATCHUP_WINDOW: Duration = Duration::from_secs(10);
/// Starts waiting on overlap, at most; more are dropped and counted.
pub(crate) const MAX_BUFFERED_STARTS: usize = 1000;
/// Recent actions Describe shows (List shows the last [`LIST_RECENT_ACTIONS`]).
pub(crate) const RECENT_ACTIONS: usize = 10;
pub(crate) const LIST_RECENT_ACTIONS: usize = 5;
/// Future action times Describe shows (List shows [`LIST_FUTURE_ACTION_TIMES`]).
pub(crate) const FUTURE_ACTION_TIMES: usize = 10;
pub(crate) const LIST_FUTURE_ACTION_TIMES: usize = 5;
/// Actions one backfill pass takes before the scheduler looks again.
pub(crate) const BACKFILL_ACTIONS_PER_PASS: usize = 10;
/// Pause and unpause notes, at most, in bytes.
pub(crate) const MAX_NOTES_BYTES: usize = 1000;

/// Names a schedule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ScheduleKey {
    pub(crate) namespace: String,
    pub(crate) schedule_id: String,
}

/// A start waiting for its overlap policy to let it run.
#[derive(Debug, Clone)]
pub(crate) struct BufferedStart {
    /// The spec's time (it names the workflow).
    pub(crate) nominal: SystemTime,
    /// The nominal time plus jitter: when it was due.
    pub(crate) actual: SystemTime,
    /// Unspecified: the schedule's policy when the start is processed.
    pub(crate) overlap: ScheduleOverlapPolicy,
    /// A trigger or a backfill: not subject to pause, limits or the catchup window.
    pub(crate) manual: bool,
}

/// A backfill still being worked through: its start moves forward as actions are taken.
#[derive(Debug, Clone)]
pub(crate) struct Backfill {
    /// Exclusive: the first time taken is the first one after it.
    pub(crate) after: SystemTime,
    /// Inclusive.
    pub(crate) end: SystemTime,
    pub(crate) overlap: ScheduleOverlapPolicy,
}

/// One schedule.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    pub(crate) key: ScheduleKey,
    /// Spec (as echoed), action, policies and state, with the server's defaults filled in.
    pub(crate) definition: ScheduleDefinition,
    pub(crate) spec: Arc<Spec>,
    /// Counters, running workflows, recent actions, create and update times.
    pub(crate) info: ScheduleInfo,
    pub(crate) memo: Option<Memo>,
    pub(crate) search_attributes: Option<SearchAttributes>,
    /// Starts at 1; each update, pause, unpause and decrement of remaining actions adds one.
    pub(crate) conflict_token: i64,
    /// The request id that created it: the same create again is answered as a success.
    pub(crate) create_request_id: String,
    /// Request ids of the patches and updates applied: the same one again is not applied.
    pub(crate) applied_request_ids: BTreeSet<String>,
    /// Every spec time up to this one has been handled (started, buffered, missed or skipped).
    pub(crate) last_processed: SystemTime,
    pub(crate) buffer: Vec<BufferedStart>,
    pub(crate) backfills: Vec<Backfill>,
    /// Handed to the next scheduled start (not to ALLOW_ALL ones).
    pub(crate) last_completion_result: Option<Payloads>,
    pub(crate) continued_failure: Option<Failure>,
    /// When the scheduler's timer is set for, so that it is set once per wakeup.
    pub(crate) armed_wakeup: Option<SystemTime>,
}

impl Schedule {
    /// The schedule's own overlap policy (SKIP when unset).
    pub(crate) fn overlap_policy(&self) -> ScheduleOverlapPolicy {
        let policy = self
            .definition
            .policies
            .as_ref()
            .map_or(0, |policies| policies.overlap_policy);
        match ScheduleOverlapPolicy::try_from(policy) {
            Ok(ScheduleOverlapPolicy::Unspecified) | Err(_) => ScheduleOverlapPolicy::Skip,
            Ok(policy) => policy,
        }
    }

    /// The catchup window, raised to the minimum.
    pub(crate) fn catchup_window(&self) -> Duration {
        self.definition
            .policies
            .as_ref()
            .and_then(|policies| crate::time::duration(policies.catchup_window.as_ref()))
            .unwrap_or(DEFAULT_CATCHUP_WINDOW)
            .max(MIN_CATCHUP_WINDOW)
    }

    pub(crate) fn paused(&self) -> bool {
        self.definition
            .state
            .as_ref()
            .is_some_and(|state| state.paused)
    }

    pub(crate) fn pause_on_failure(&self) -> bool {
        self.definition
            .policies
            .as_ref()
            .is_some_and(|policies| policies.pause_on_failure)
    }

    /// Whether a scheduled (not manual) action may be taken: not paused, actions left.
    pub(crate) fn can_take_scheduled_action(&self) -> bool {
        let limited = self
            .definition
            .state
            .as_ref()
            .is_some_and(|state| state.limited_actions && state.remaining_actions <= 0);
        !self.paused() && !limited
    }

    /// The update time, if the schedule was ever updated: spec times before it are not taken.
    pub(crate) fn update_time(&self) -> Option<SystemTime> {
        self.info
            .update_time
            .and_then(|time| SystemTime::try_from(time).ok())
    }
}
