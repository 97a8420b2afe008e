//! Coordinated omission against a real server: wfkit's engine, stalled for one second in the
//! middle of the run (`Engine::stall`: every RPC arriving during the stall waits until it
//! ends, polls and completions included).
//!
//! Which view shows the stall:
//!
//! - **Closed model** (one workflow in flight): the client waits for each workflow before it
//!   starts the next, so during the stall it records a single slow sample where a client on a
//!   schedule would have recorded one per interval. The uncorrected p99 hides the stall; the
//!   corrected p99 (HdrHistogram's correction with the expected interval) shows it.
//! - **Open model** (50/s): starts keep coming due during the stall and the executor issues
//!   each on time (none late beyond a few milliseconds, none dropped); every one of them waits
//!   for the stall. Nothing was omitted, so both end-to-end views show it.
//!
//! Assertions are orders of magnitude (a normal iteration takes milliseconds, the stall a
//! second), so a loaded machine does not make them flaky.
#![cfg(feature = "temporal")]

use crate::temporal_common;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use wfkit_engine::{Engine, EngineConfig};
use wfkit_loadgen::measure::Percentiles;
use wfkit_loadgen::{ArrivalModel, LoadModel, RunOptions, RunResult, StopCondition};
use wfkit_scenarios::load::{LoadParams, LoadScenario};

use temporal_common::{errors, run_scenario};

const STALL_AFTER: Duration = Duration::from_secs(2);
const STALL: Duration = Duration::from_secs(1);

fn percentiles(result: &RunResult, name: &str) -> Percentiles {
    result
        .percentiles()
        .into_iter()
        .find(|(found, _)| *found == name)
        .map(|(_, percentiles)| percentiles)
        .unwrap_or_default()
}

/// Runs `noop` against a fresh engine with `model` for `duration`, stalling the engine for
/// [`STALL`] after [`STALL_AFTER`].
async fn stalled_run(
    model: LoadModel,
    duration: Duration,
    name: &str,
) -> anyhow::Result<RunResult> {
    let engine = Engine::start(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        EngineConfig::default(),
    )
    .await?;
    let address = engine.address().to_string();
    let params = LoadParams::default();
    let run = run_scenario(
        &address,
        LoadScenario::Noop,
        &params,
        name,
        model,
        StopCondition::duration(duration),
        RunOptions::default().with_drain_timeout(Duration::from_secs(20)),
    );
    let stall = async {
        tokio::time::sleep(STALL_AFTER).await;
        engine.stall(STALL);
    };
    let (run, ()) = tokio::join!(run, stall);
    let (result, _target) = run?;
    engine.stop().await;
    assert_eq!(result.counts.failed, 0, "{name}: {}", errors(&result));
    assert_eq!(result.counts.unfinished, 0, "{name}");
    Ok(result)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_model_corrected_p99_shows_an_engine_stall_that_the_uncorrected_p99_hides()
-> anyhow::Result<()> {
    // Long enough for a few hundred samples even on a busy machine, so the one stalled sample
    // stays far below 1 % of them.
    let result = stalled_run(
        LoadModel::Closed { in_flight: 1 },
        Duration::from_secs(8),
        "co-closed",
    )
    .await?;
    let corrected = percentiles(&result, "end_to_end_corrected_us");
    let uncorrected = percentiles(&result, "end_to_end_uncorrected_us");
    eprintln!(
        "closed: {} samples, correction interval {:?} µs; p99 corrected {} µs, uncorrected {} µs; max {} µs",
        uncorrected.count,
        result.correction_interval_us,
        corrected.p99_us,
        uncorrected.p99_us,
        uncorrected.max_us
    );
    assert!(
        uncorrected.count >= 150,
        "only {} iterations in 8 s: the engine answered far slower than usual",
        uncorrected.count
    );
    // The stall is in the data: one iteration waited for it.
    assert!(
        uncorrected.max_us >= 800_000,
        "max {} µs",
        uncorrected.max_us
    );
    // The naive view hides it...
    assert!(
        uncorrected.p99_us < 250_000,
        "uncorrected p99 {} µs should not show the stall",
        uncorrected.p99_us
    );
    // ...the corrected view shows it, and is several times the naive one.
    assert!(
        corrected.p99_us >= 500_000,
        "corrected p99 {} µs should show the stall",
        corrected.p99_us
    );
    assert!(corrected.p99_us >= 4 * uncorrected.p99_us);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_model_issues_on_schedule_through_an_engine_stall_and_measures_it()
-> anyhow::Result<()> {
    let result = stalled_run(
        LoadModel::Open(ArrivalModel::Constant { rate_per_s: 50.0 }),
        Duration::from_secs(5),
        "co-open",
    )
    .await?;
    let corrected = percentiles(&result, "end_to_end_corrected_us");
    let uncorrected = percentiles(&result, "end_to_end_uncorrected_us");
    let lag = percentiles(&result, "schedule_lag_us");
    eprintln!(
        "open: {} issued, {} late; p99 corrected {} µs, uncorrected {} µs; schedule lag p99 {} µs",
        result.counts.issued, result.counts.late, corrected.p99_us, uncorrected.p99_us, lag.p99_us
    );
    // Every start came due and was issued: nothing omitted, nothing queued behind the stall.
    assert_eq!(result.counts.issued, 250);
    assert_eq!(result.counts.dropped, 0);
    assert!(
        lag.p99_us < 100_000,
        "the generator itself fell behind: schedule lag p99 {} µs",
        lag.p99_us
    );
    // About one start in five came due during the stall and waited for it.
    assert!(
        corrected.p99_us >= 500_000,
        "corrected p99 {} µs",
        corrected.p99_us
    );
    assert!(
        uncorrected.p99_us >= 500_000,
        "uncorrected p99 {} µs",
        uncorrected.p99_us
    );
    assert!(corrected.p50_us < 250_000, "median {} µs", corrected.p50_us);
    Ok(())
}
