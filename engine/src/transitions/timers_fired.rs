//! What the timer driver fires: user timers, activity retries and timeouts, workflow task
//! timeouts, run timeouts and delayed first workflow tasks; and, with time skipping, the jump of
//! the clock to the next deadline when no work is outstanding.

use std::time::Duration;

use crate::state::State;
use crate::timers::TimerTarget;

/// The most deadlines fired in one pass; the driver yields to the runtime in between.
const MAX_FIRED_PER_PASS: usize = 10_000;
/// The longest the driver sleeps without looking again.
pub(crate) const MAX_SLEEP: Duration = Duration::from_secs(60);

impl State {
    /// True while any workflow or activity task waits in a queue or runs on a worker; time
    /// skipping waits for this to be false.
    pub(crate) fn has_outstanding_work(&self) -> bool {
        self.executions.iter().any(|(key, execution)| {
            execution.is_running()
                && ((execution.workflow_task != crate::execution::WorkflowTask::Idle
                    && !self.workflow_task_lost(execution))
                    || execution.activities.values().any(|activity| {
                        activity.is_outstanding() && !self.activity_lost(key, activity)
                    }))
        })
    }

    /// True while a task waits in a normal (not sticky) queue for a worker to poll it. Virtual
    /// time must not skip past such a task's timeouts: the worker may still be starting, or slow
    /// to poll on a busy machine, and real time would have waited for it too. (A task a worker
    /// holds, or one on a crashed worker's sticky queue, is different: its timeout is what
    /// brings the run forward.)
    pub(crate) fn waits_for_a_poller(&self) -> bool {
        use crate::execution::WorkflowTask;
        use crate::execution::activity::ActivityPhase;
        self.executions.values().any(|execution| {
            execution.is_running()
                && (matches!(
                    execution.workflow_task,
                    WorkflowTask::Scheduled { sticky: false, .. }
                ) || execution
                    .activities
                    .values()
                    .any(|activity| activity.phase == ActivityPhase::Scheduled))
        })
    }

    /// Fires what is due (skipping ahead when allowed; `ignore_outstanding`: even past work
    /// in progress) and returns how long to sleep, and whether work that workers hold (and no
    /// task waiting for a poller) is what keeps the clock from skipping: only then may the
    /// driver's hung-work grace let the clock move on.
    pub(crate) fn fire_due(&mut self, mut ignore_outstanding: bool) -> (Duration, bool) {
        let mut fired = 0usize;
        while fired < MAX_FIRED_PER_PASS {
            let due = self.timers.take_due(self.now());
            if due.is_empty() {
                // A fault plan's signal waits for the workflow to have nothing else to do.
                if self.deliver_idle_signal() {
                    fired += 1;
                    continue;
                }
                let Some(next) = self.timers.next_deadline_nanos() else {
                    return (MAX_SLEEP, false);
                };
                let next =
                    std::time::UNIX_EPOCH + Duration::from_nanos(next.min(u64::MAX as u128) as u64);
                // Only a clock that may skip, or virtual time, uses the answer: spare the scan
                // of every run in real time (the driver passes here on every wake).
                let busy = (self.clock.may_skip() || self.clock.is_virtual())
                    && self.has_outstanding_work();
                if self.clock.may_skip() && (!busy || ignore_outstanding) {
                    self.clock.skip_to(next);
                    // One jump past hung work: what it fires may start new work to wait for.
                    ignore_outstanding = false;
                    continue;
                }
                // Only virtual time uses the answer (the driver's hung-work grace): spare the
                // scan of every run in real time.
                let held_by_workers = busy && self.clock.is_virtual() && !self.waits_for_a_poller();
                return (self.clock.real_wait(next).min(MAX_SLEEP), held_by_workers);
            }
            for target in due {
                fired += 1;
                self.fire(target);
            }
        }
        (Duration::ZERO, false)
    }

    fn fire(&mut self, target: TimerTarget) {
        match target {
            TimerTarget::UserTimer {
                key,
                started_event_id,
            } => self.fire_user_timer(&key, started_event_id),
            TimerTarget::ActivityRetry {
                key,
                scheduled_event_id,
                attempt,
            } => self.retry_activity(&key, scheduled_event_id, attempt),
            TimerTarget::ActivityTimeout {
                key,
                scheduled_event_id,
                attempt,
                kind,
            } => self.time_out_activity(&key, scheduled_event_id, attempt, kind),
            TimerTarget::WorkflowTaskTimeout {
                key,
                scheduled_event_id,
                attempt,
                kind,
            } => self.time_out_workflow_task(&key, scheduled_event_id, attempt, kind),
            TimerTarget::WorkflowRunTimeout { key } => self.time_out_run(&key),
            TimerTarget::FirstWorkflowTask { key } => self.schedule_workflow_task(&key, 1),
            TimerTarget::Scheduler { key } => self.run_scheduler(&key),
        }
    }

    fn fire_user_timer(&mut self, key: &crate::ids::ExecutionKey, started_event_id: i64) {
        use temporalio_protos::temporal::api::history::v1::TimerFiredEventAttributes;
        use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
        let Some(execution) = self.executions.get_mut(key).map(std::sync::Arc::make_mut) else {
            return;
        };
        let Some(timer_id) = execution
            .timers
            .iter()
            .find(|(_, id)| **id == started_event_id)
            .map(|(timer_id, _)| timer_id.clone())
        else {
            return;
        };
        execution.timers.remove(&timer_id);
        self.record_external(
            key,
            crate::execution::BufferedEvent::plain(Attributes::TimerFiredEventAttributes(
                TimerFiredEventAttributes {
                    timer_id,
                    started_event_id,
                },
            )),
        );
    }
}
