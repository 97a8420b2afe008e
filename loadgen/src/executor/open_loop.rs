//! The open model: a scheduler issues each start at its intended time, whatever the target
//! does.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use super::LoopEnd;
use super::interrupt::interrupted;
use super::iteration::{Shared, drain, run_iteration};
use super::options::RunOptions;
use super::target::Target;
use crate::LoadgenError;
use crate::model::{ArrivalModel, Schedule, StopCondition};

/// Issues the schedule, then drains.
///
/// The scheduler sleeps until each intended time and spawns the iteration. If it wakes late
/// (a busy machine), it issues at once and the lag is recorded; it never shifts later starts.
/// If `max_in_flight` iterations are running, the start is dropped and counted.
pub(super) async fn run<T: Target>(
    shared: &Arc<Shared<T>>,
    arrival: &ArrivalModel,
    stop: &StopCondition,
    options: &mut RunOptions,
) -> Result<LoopEnd, LoadgenError> {
    let mut schedule = Schedule::new(arrival, stop)?;
    let permits = Arc::new(Semaphore::new(options.max_in_flight));
    let mut tasks = JoinSet::new();
    let mut was_interrupted = false;
    // Bounded by the schedule, which the stop condition bounds.
    for (iteration, offset) in (0u64..).zip(schedule.by_ref()) {
        // Reap finished tasks so the set holds at most `max_in_flight` of them.
        while let Some(joined) = tasks.try_join_next() {
            if let Err(error) = joined {
                shared.record_join_error(&error);
            }
        }
        let intended = shared.origin + offset;
        if Instant::now() < intended {
            tokio::select! {
                biased;
                () = interrupted(&mut options.interrupt) => {
                    was_interrupted = true;
                    break;
                }
                () = sleep_until(intended) => {}
            }
        } else if options
            .interrupt
            .as_ref()
            .is_some_and(|signal| signal.is_interrupted())
        {
            was_interrupted = true;
            break;
        }
        let lag = Instant::now().saturating_duration_since(intended);
        match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => {
                shared.record(|recorder| recorder.issued(offset, lag));
                let task_shared = Arc::clone(shared);
                tasks.spawn(async move {
                    run_iteration(&task_shared, iteration, intended).await;
                    drop(permit);
                });
            }
            Err(_) => shared.record(|recorder| recorder.dropped(offset)),
        }
    }
    let issue_window = if was_interrupted {
        shared.offset(Instant::now())
    } else {
        schedule
            .end_offset()
            .unwrap_or_else(|| shared.offset(Instant::now()))
    };
    let unfinished = drain(shared, &mut tasks, options.drain_timeout, || {}).await;
    Ok(LoopEnd {
        issue_window,
        interrupted: was_interrupted,
        unfinished,
    })
}
