//! The executor against the simulated target, in paused tokio time: exact and fast.

use std::sync::Arc;
use std::time::Duration;

use wfkit_loadgen::executor::{STATUS_TIMEOUT, Target, TargetError};
use wfkit_loadgen::measure::Phase;
use wfkit_loadgen::{
    ArrivalModel, LoadModel, RunOptions, Schedule, SimulatedTarget, StopCondition, interrupt_pair,
    run_load,
};

fn quick_target() -> Arc<SimulatedTarget> {
    Arc::new(SimulatedTarget::new(
        Duration::from_millis(2),
        Duration::from_millis(8),
    ))
}

fn rate(rate_per_s: f64) -> LoadModel {
    LoadModel::Open(ArrivalModel::Constant { rate_per_s })
}

fn seconds(value: u64) -> StopCondition {
    StopCondition::duration(Duration::from_secs(value))
}

#[tokio::test(start_paused = true)]
async fn achieved_rate_matches_the_target_when_the_target_keeps_up() {
    let result = run_load(
        quick_target(),
        rate(100.0),
        seconds(10),
        RunOptions::default(),
    )
    .await
    .expect("runs");
    assert_eq!(result.counts.scheduled, 1_000);
    assert_eq!(result.counts.issued, 1_000);
    assert_eq!(result.counts.completed, 1_000);
    assert_eq!(result.counts.late, 0);
    assert_eq!(result.counts.dropped, 0);
    assert_eq!(result.counts.unfinished, 0);
    assert_eq!(result.target_rate_per_s, Some(100.0));
    let issued = result.issued_per_s();
    let completed = result.completed_per_s();
    assert!((issued - 100.0).abs() <= 5.0, "issued {issued}/s");
    assert!((completed - 100.0).abs() <= 5.0, "completed {completed}/s");
    assert_eq!(result.by_intended.buckets.len(), 10);
    assert!(result.by_intended.buckets.iter().all(|b| b.issued == 100));
    assert_eq!(result.histograms.start_latency_us.max() / 1_000, 2);
    assert!(!result.interrupted);
}

#[tokio::test(start_paused = true)]
async fn poisson_runs_issue_exactly_their_schedule() {
    let arrival = ArrivalModel::Poisson {
        rate_per_s: 100.0,
        seed: 42,
    };
    let stop = seconds(10);
    let planned = Schedule::new(&arrival, &stop).expect("valid").count() as u64;
    let result = run_load(
        quick_target(),
        LoadModel::Open(arrival),
        stop,
        RunOptions::default(),
    )
    .await
    .expect("runs");
    assert_eq!(result.counts.issued, planned);
    assert_eq!(planned, 969);
    assert_eq!(result.counts.late, 0);
}

#[tokio::test(start_paused = true)]
async fn starts_over_the_in_flight_cap_are_dropped_not_queued() {
    let slow = Arc::new(SimulatedTarget::new(
        Duration::from_millis(1),
        Duration::from_secs(1),
    ));
    let result = run_load(
        slow,
        rate(100.0),
        seconds(1),
        RunOptions::default().with_max_in_flight(5),
    )
    .await
    .expect("runs");
    assert_eq!(result.counts.scheduled, 100);
    assert_eq!(result.counts.issued, 5);
    assert_eq!(result.counts.dropped, 95);
    assert_eq!(result.counts.completed, 5);
    assert_eq!(result.by_intended.buckets[0].dropped, 95);
}

/// A target that, once, freezes the load generator's clock-keeping for 100 ms: as if the
/// machine paused (GC, CPU starvation).
struct Hiccup {
    at_iteration: u64,
}

impl Target for Hiccup {
    type Started = ();

    async fn start(&self, iteration: u64) -> Result<(), TargetError> {
        if iteration == self.at_iteration {
            tokio::time::advance(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    async fn wait(&self, _started: ()) -> Result<(), TargetError> {
        tokio::time::sleep(Duration::from_millis(5)).await;
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn late_starts_are_counted_and_never_shift_the_schedule() {
    let result = run_load(
        Arc::new(Hiccup { at_iteration: 50 }),
        rate(100.0),
        seconds(1),
        RunOptions::default(),
    )
    .await
    .expect("runs");
    // Every start was still issued, at once when overdue; later starts kept their times.
    assert_eq!(result.counts.issued, 100);
    assert_eq!(result.counts.dropped, 0);
    assert!(
        (8..=10).contains(&result.counts.late),
        "late {}",
        result.counts.late
    );
    assert_eq!(result.by_intended.buckets[0].late, result.counts.late);
    let lag_max_ms = result.histograms.schedule_lag_us.max() / 1_000;
    assert!((80..=100).contains(&lag_max_ms), "lag {lag_max_ms} ms");
    // The late iterations' corrected latency includes their lag; the uncorrected one does
    // not. Only the iteration that hit the hiccup itself was slow from its actual start.
    let slow = |histogram: &hdrhistogram::Histogram<u64>| histogram.count_between(50_000, 200_000);
    assert_eq!(slow(&result.histograms.end_to_end_uncorrected_us), 1);
    assert!(slow(&result.histograms.end_to_end_corrected_us) >= 5);
}

#[tokio::test(start_paused = true)]
async fn an_interrupt_stops_issuing_and_marks_the_result() {
    let (interrupter, signal) = interrupt_pair();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1_505)).await;
        interrupter.interrupt();
    });
    let result = run_load(
        quick_target(),
        rate(100.0),
        seconds(10),
        RunOptions::default().with_interrupt(signal),
    )
    .await
    .expect("runs");
    assert!(result.interrupted);
    assert_eq!(result.counts.issued, 151);
    assert_eq!(result.counts.completed, 151, "in-flight iterations drained");
    assert!(
        result.elapsed < Duration::from_secs(2),
        "{:?}",
        result.elapsed
    );
    assert_eq!(result.issue_window, Duration::from_millis(1_505));
}

#[tokio::test(start_paused = true)]
async fn the_drain_period_bounds_the_run_and_counts_unfinished_iterations() {
    let stuck = Arc::new(SimulatedTarget::new(
        Duration::from_millis(1),
        Duration::from_secs(3_600),
    ));
    let result = run_load(
        stuck,
        rate(10.0),
        seconds(1),
        RunOptions::default().with_drain_timeout(Duration::from_secs(2)),
    )
    .await
    .expect("runs");
    assert_eq!(result.counts.issued, 10);
    assert_eq!(result.counts.unfinished, 10);
    assert_eq!(result.counts.completed, 0);
    assert!(
        result.elapsed <= Duration::from_secs(3),
        "{:?}",
        result.elapsed
    );
}

#[tokio::test(start_paused = true)]
async fn iterations_past_the_timeout_fail_with_their_own_status() {
    let slow = Arc::new(SimulatedTarget::new(
        Duration::from_millis(1),
        Duration::from_secs(1),
    ));
    let result = run_load(
        slow,
        rate(10.0),
        seconds(1),
        RunOptions::default().with_iteration_timeout(Duration::from_millis(500)),
    )
    .await
    .expect("runs");
    assert_eq!(result.counts.failed, 10);
    assert_eq!(result.errors.len(), 1);
    assert_eq!(result.errors[0].phase, Phase::Wait);
    assert_eq!(result.errors[0].status, STATUS_TIMEOUT);
    assert_eq!(result.errors[0].count, 10);
}

#[tokio::test(start_paused = true)]
async fn errors_are_counted_by_status() {
    let flaky = Arc::new(
        SimulatedTarget::new(Duration::from_millis(1), Duration::from_millis(1))
            .with_failures(10, "UNAVAILABLE"),
    );
    let result = run_load(
        flaky,
        rate(100.0),
        StopCondition::iterations(100),
        RunOptions::default(),
    )
    .await
    .expect("runs");
    assert_eq!(result.counts.issued, 100);
    assert_eq!(result.counts.failed, 10);
    assert_eq!(result.counts.completed, 90);
    assert_eq!(result.errors.len(), 1);
    assert_eq!(result.errors[0].phase, Phase::Start);
    assert_eq!(result.errors[0].status, "UNAVAILABLE");
    let failed_by_second: u64 = result.by_intended.buckets.iter().map(|b| b.failed).sum();
    assert_eq!(failed_by_second, 10);
}

#[tokio::test(start_paused = true)]
async fn closed_model_stops_after_its_iterations() {
    let result = run_load(
        quick_target(),
        LoadModel::Closed { in_flight: 3 },
        StopCondition::iterations(10),
        RunOptions::default(),
    )
    .await
    .expect("runs");
    assert_eq!(result.counts.issued, 10);
    assert_eq!(result.counts.completed, 10);
    assert_eq!(result.target_rate_per_s, None);
    // Four rounds of 10 ms on three workers.
    assert_eq!(result.elapsed, Duration::from_millis(40));
}

#[tokio::test(start_paused = true)]
async fn invalid_settings_are_refused_before_anything_starts() {
    let error = run_load(
        quick_target(),
        rate(100.0),
        StopCondition::default(),
        RunOptions::default(),
    )
    .await
    .expect_err("needs a stop condition");
    assert_eq!(error.code(), "WFL004");
    let error = run_load(
        quick_target(),
        rate(100.0),
        seconds(1),
        RunOptions::default().with_max_in_flight(0),
    )
    .await
    .expect_err("needs a positive cap");
    assert_eq!(error.code(), "WFL005");
    assert!(error.to_string().contains("max_in_flight"), "{error}");
}

/// One run on the real clock, multi-threaded, with tolerances that no slow machine breaks: the
/// count is fixed by the schedule; only lateness could vary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_time_smoke_run() {
    let target = Arc::new(SimulatedTarget::new(
        Duration::from_millis(1),
        Duration::from_millis(1),
    ));
    let result = run_load(target, rate(200.0), seconds(1), RunOptions::default())
        .await
        .expect("runs");
    assert_eq!(result.counts.scheduled, 200);
    assert_eq!(
        result.counts.issued + result.counts.dropped,
        result.counts.scheduled
    );
    assert_eq!(
        result.counts.completed + result.counts.failed + result.counts.unfinished,
        result.counts.issued
    );
    assert!(
        result.elapsed < Duration::from_secs(30),
        "{:?}",
        result.elapsed
    );
}

#[tokio::test(start_paused = true)]
async fn an_interrupt_stops_the_closed_model_too() {
    let (interrupter, signal) = interrupt_pair();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(95)).await;
        interrupter.interrupt();
    });
    let result = run_load(
        quick_target(),
        LoadModel::Closed { in_flight: 2 },
        seconds(60),
        RunOptions::default().with_interrupt(signal),
    )
    .await
    .expect("runs");
    assert!(result.interrupted);
    // Each worker finished the iteration it was in (90..100 ms) and stopped.
    assert_eq!(result.counts.issued, 20);
    assert_eq!(result.counts.completed, 20);
    assert_eq!(result.elapsed, Duration::from_millis(100));
}
