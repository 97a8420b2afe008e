//! The closed model: `in_flight` workers, each starting its next iteration when the previous
//! one ends.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use super::LoopEnd;
use super::interrupt::interrupted;
use super::iteration::{Shared, drain, run_iteration};
use super::options::RunOptions;
use super::target::Target;
use crate::model::StopCondition;

/// What the workers share besides the recorder.
struct Control {
    stopping: AtomicBool,
    next_iteration: AtomicU64,
    in_flight: AtomicU64,
    stop_at: Option<Instant>,
    iterations: Option<u64>,
}

/// Runs the workers until the stop condition or an interrupt, then drains.
pub(super) async fn run<T: Target>(
    shared: &Arc<Shared<T>>,
    workers: usize,
    stop: &StopCondition,
    options: &mut RunOptions,
) -> LoopEnd {
    let control = Arc::new(Control {
        stopping: AtomicBool::new(false),
        next_iteration: AtomicU64::new(0),
        in_flight: AtomicU64::new(0),
        stop_at: stop.duration.map(|duration| shared.origin + duration),
        iterations: stop.iterations,
    });
    let mut tasks = JoinSet::new();
    for _ in 0..workers {
        let shared = Arc::clone(shared);
        let control = Arc::clone(&control);
        tasks.spawn(async move { worker(&shared, &control).await });
    }
    let mut was_interrupted = false;
    {
        let all_done = async {
            while let Some(joined) = tasks.join_next().await {
                if let Err(error) = joined {
                    shared.record_join_error(&error);
                    // A worker that panicked was inside an iteration.
                    control.in_flight.fetch_sub(1, Ordering::AcqRel);
                }
            }
        };
        let stop_time = async {
            match control.stop_at {
                Some(at) => sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            () = interrupted(&mut options.interrupt) => was_interrupted = true,
            () = all_done => {}
            () = stop_time => {}
        }
    }
    control.stopping.store(true, Ordering::Release);
    let now = shared.offset(Instant::now());
    let issue_window = match stop.duration {
        Some(duration) if !was_interrupted => now.min(duration),
        _ => now,
    };
    // A worker that panicked was inside an iteration, which is now counted as failed.
    let on_panic = || {
        control.in_flight.fetch_sub(1, Ordering::AcqRel);
    };
    drain(shared, &mut tasks, options.drain_timeout, on_panic).await;
    LoopEnd {
        issue_window,
        interrupted: was_interrupted,
        unfinished: control.in_flight.load(Ordering::Acquire),
    }
}

async fn worker<T: Target>(shared: &Shared<T>, control: &Control) {
    // Bounded: the stop time, the iteration count or the stop flag ends it; each iteration is
    // bounded by the iteration timeout.
    loop {
        if control.stopping.load(Ordering::Acquire) {
            return;
        }
        let now = Instant::now();
        if control.stop_at.is_some_and(|at| now >= at) {
            return;
        }
        let iteration = control.next_iteration.fetch_add(1, Ordering::AcqRel);
        if control.iterations.is_some_and(|limit| iteration >= limit) {
            return;
        }
        control.in_flight.fetch_add(1, Ordering::AcqRel);
        let offset = shared.offset(now);
        shared.record(|recorder| recorder.issued(offset, Duration::ZERO));
        run_iteration(shared, iteration, now).await;
        control.in_flight.fetch_sub(1, Ordering::AcqRel);
        // Let other tasks run even if the target answers without ever yielding.
        tokio::task::coop::consume_budget().await;
    }
}
