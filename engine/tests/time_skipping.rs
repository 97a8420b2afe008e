//! Time skipping: the `long_sleep` scenario (a 30-day timer, then an activity that fails twice
//! and is retried after 1 h and then 2 h) runs on the engine with time skipping on, with the
//! official Rust SDK's worker and client, and ends as its spec says. Days of workflow time pass
//! on the engine's clock; the wall time it took is printed (`-- --nocapture` shows it), never
//! asserted.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use temporalio_protos::temporal::api::{
    enums::v1::EventType,
    history::v1::{History, history_event::Attributes},
};
use wfkit_engine::TestEngine;
use wfkit_scenarios::{BackgroundWorker, ServerTarget, run_scenario, spec};

fn count(history: &History, event_type: EventType) -> usize {
    history
        .events
        .iter()
        .filter(|e| e.event_type == event_type as i32)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_sleep_skips_thirty_days_of_timers_and_retries() -> Result<()> {
    let scenario = spec::time_skipping()
        .into_iter()
        .find(|s| s.name == "long_sleep")
        .context("the long_sleep scenario is in spec::time_skipping()")?;
    let engine = TestEngine::start().await?;
    let target = ServerTarget::new(engine.address().to_string(), "default");
    let task_queue = "time-skipping";
    let worker = BackgroundWorker::start(&target, task_queue).await?;
    let client = target.connect().await?;

    let clock_before = engine.now();
    let wall = Instant::now();
    let run = run_scenario(&client, task_queue, &scenario, "time-skipping-long_sleep").await;
    let wall_ms = wall.elapsed().as_millis();
    let clock_after = engine.now();
    worker.stop().await?;
    engine.stop().await;
    let run = run.context("scenario long_sleep")?;

    let advanced = clock_after
        .duration_since(clock_before)
        .unwrap_or(Duration::ZERO);
    println!(
        "long_sleep: {wall_ms} ms of wall time for {:.2} days ({} s) of engine time",
        advanced.as_secs_f64() / 86_400.0,
        advanced.as_secs()
    );

    let problems = run.problems(&scenario);
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    ensure!(
        count(&run.history, EventType::TimerFired) == 1,
        "long_sleep: one TimerFired"
    );
    let attempts: Vec<i32> = run
        .history
        .events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskStartedEventAttributes(a)) => Some(a.attempt),
            _ => None,
        })
        .collect();
    ensure!(
        attempts == [3],
        "long_sleep: ActivityTaskStarted attempts {attempts:?}, expected [3]"
    );
    let wanted = Duration::from_secs(spec::LONG_SLEEP_MIN_VIRTUAL_SECS);
    ensure!(
        advanced >= wanted,
        "the engine clock advanced {} s, expected at least {} s (30 days + 3 hours)",
        advanced.as_secs(),
        wanted.as_secs()
    );
    Ok(())
}
