//! Acceptance: against a target that stalls for one second, the corrected p99 shows the stall
//! and the uncorrected one does not (closed model), and the open model never hides it.
//!
//! The target stalls every response between t = 1.0 s and t = 2.0 s: a response due inside
//! the window is delivered at 2.0 s. Paused tokio time makes every number exact.

use std::sync::Arc;
use std::time::Duration;

use wfkit_loadgen::measure::Percentiles;
use wfkit_loadgen::{
    ArrivalModel, LoadModel, RunOptions, RunResult, SimulatedTarget, StopCondition, run_load,
};

const STALL_FROM: Duration = Duration::from_secs(1);
const STALL_UNTIL: Duration = Duration::from_secs(2);

fn stalling_target() -> Arc<SimulatedTarget> {
    Arc::new(
        SimulatedTarget::new(Duration::from_millis(2), Duration::from_millis(8))
            .with_stall(STALL_FROM, STALL_UNTIL),
    )
}

fn p99_ms(percentiles: &Percentiles) -> f64 {
    percentiles.p99_us as f64 / 1_000.0
}

fn summary(result: &RunResult) -> (Percentiles, Percentiles, Percentiles) {
    let find = |name: &str| {
        result
            .percentiles()
            .into_iter()
            .find(|(found, _)| *found == name)
            .map(|(_, percentiles)| percentiles)
            .expect("every histogram is summarised")
    };
    (
        find("end_to_end_corrected_us"),
        find("end_to_end_uncorrected_us"),
        find("start_latency_us"),
    )
}

#[tokio::test(start_paused = true)]
async fn closed_model_uncorrected_p99_hides_the_stall_and_corrected_p99_shows_it() {
    let result = run_load(
        stalling_target(),
        LoadModel::Closed { in_flight: 4 },
        StopCondition::duration(Duration::from_secs(3)),
        RunOptions::default(),
    )
    .await
    .expect("runs");
    let (corrected, uncorrected, _) = summary(&result);

    // Each worker ran 100 iterations before the stall, one across it, 99 after it.
    assert_eq!(result.counts.completed, 4 * 200);
    assert_eq!(result.counts.failed, 0);
    // The naive view: 4 slow samples out of 800 sit above the 99th percentile.
    assert!(
        p99_ms(&uncorrected) < 20.0,
        "uncorrected p99 {} ms should hide the stall",
        p99_ms(&uncorrected)
    );
    assert!(uncorrected.max_us >= 1_000_000, "the stall is in the max");
    // The corrected view restores the samples a constant-rate client would have taken.
    assert_eq!(result.correction_interval_us, Some(10_000));
    assert!(
        p99_ms(&corrected) >= 500.0,
        "corrected p99 {} ms should show the stall",
        p99_ms(&corrected)
    );
    // About 100 restored samples per worker (1010 ms / 10 ms).
    assert!(
        (4 * 299..=4 * 301).contains(&corrected.count),
        "{}",
        corrected.count
    );
}

#[tokio::test(start_paused = true)]
async fn closed_model_correction_uses_the_configured_interval() {
    let result = run_load(
        stalling_target(),
        LoadModel::Closed { in_flight: 1 },
        StopCondition::duration(Duration::from_secs(3)),
        RunOptions::default().with_closed_expected_interval(Duration::from_millis(20)),
    )
    .await
    .expect("runs");
    assert_eq!(result.correction_interval_us, Some(20_000));
    let (corrected, uncorrected, _) = summary(&result);
    // 1010 ms / 20 ms: about 50 restored samples.
    let restored = corrected.count - uncorrected.count;
    assert!((49..=50).contains(&restored), "{restored}");
}

#[tokio::test(start_paused = true)]
async fn open_model_shows_the_stall_in_both_views_because_nothing_was_omitted() {
    let result = run_load(
        stalling_target(),
        LoadModel::Open(ArrivalModel::Constant { rate_per_s: 100.0 }),
        StopCondition::duration(Duration::from_secs(3)),
        RunOptions::default(),
    )
    .await
    .expect("runs");
    let (corrected, uncorrected, start) = summary(&result);

    // The schedule kept issuing through the stall: nothing late, nothing dropped.
    assert_eq!(result.counts.issued, 300);
    assert_eq!(result.counts.completed, 300);
    assert_eq!(result.counts.late, 0);
    assert_eq!(result.counts.dropped, 0);
    // About a third of the iterations waited for the stall to end.
    assert!(
        p99_ms(&corrected) >= 500.0,
        "corrected p99 {} ms",
        p99_ms(&corrected)
    );
    assert!(
        p99_ms(&uncorrected) >= 500.0,
        "uncorrected p99 {} ms",
        p99_ms(&uncorrected)
    );
    assert!(p99_ms(&start) >= 500.0, "start p99 {} ms", p99_ms(&start));
    // Before the stall everything took 10 ms.
    assert_eq!(corrected.p50_us / 1_000, 10);

    // Over time: the stalled iterations all complete in the interval starting at 2 s.
    let intervals = &result.by_completion.intervals;
    let at_two = intervals[2].decode().expect("decodes");
    assert!(at_two.end_to_end_corrected_us.max() >= 990_000);
    assert_eq!(
        intervals[1].completed, 0,
        "nothing completes during the stall"
    );
}
