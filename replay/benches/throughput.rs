//! Replay speed next to the Rust SDK's own `WorkflowReplayer`, on the same 1,000 histories in
//! one run: the recorded scenario fixtures, copied with fresh run ids. Writes
//! `reports/replay-throughput.md`. `cargo bench -p wfkit-replay --bench throughput`
//! (WFKIT_BENCH_HISTORIES changes the count).

use std::path::Path;
use std::time::{Duration, Instant};

use temporalio_protos::temporal::api::history::v1::History;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_replay::{HistoryItem, ReplayOptions, collect, replay};
use wfkit_scenarios::{BackgroundWorker, ServerTarget};

/// Copies of the fixtures, each with its own run ids (the SDK replayer keys its cache by run
/// id). Workflow ids stay: the child workflow scenario derives its child's id from its own.
fn corpus(count: usize) -> Vec<History> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scenarios");
    let originals: Vec<History> = collect(&[fixtures])
        .into_iter()
        .filter_map(|item| item.history.ok())
        .collect();
    assert!(!originals.is_empty(), "no fixtures");
    (0..count)
        .map(|index| {
            let mut history = originals[index % originals.len()].clone();
            if let Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) = history
                .events
                .first_mut()
                .and_then(|e| e.attributes.as_mut())
            {
                let run_id = format!("00000000-0000-4000-8000-{index:012x}");
                started.original_execution_run_id = run_id.clone();
                started.first_execution_run_id = run_id;
            }
            history
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--list") {
        println!("throughput: bench");
        return Ok(());
    }
    let count: usize = std::env::var("WFKIT_BENCH_HISTORIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let histories = corpus(count);
    let events: usize = histories.iter().map(|h| h.events.len()).sum();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;

    let (ours, ok) = runtime.block_on(async {
        let engine = TestEngine::start_with(EngineConfig {
            time_mode: TimeMode::Real,
            ..EngineConfig::default()
        })
        .await?;
        let options = ReplayOptions {
            jobs: 8,
            ..ReplayOptions::default()
        };
        let queue = options.task_queue.clone();
        let worker = BackgroundWorker::start_with(
            &ServerTarget::new(engine.address().to_string(), "default"),
            &options.task_queue,
            move || wfkit_scenarios::worker_options(&queue),
        )
        .await?;
        let items: Vec<HistoryItem> = histories
            .iter()
            .enumerate()
            .map(|(i, h)| HistoryItem {
                source: format!("bench #{i}"),
                group: None,
                history: Ok(h.clone()),
            })
            .collect();
        let started = Instant::now();
        let report = replay(&engine, &options, &items).await;
        let elapsed = started.elapsed();
        worker.stop().await?;
        engine.stop().await;
        Ok::<(Duration, usize), Box<dyn std::error::Error>>((
            elapsed,
            report.results.iter().filter(|r| r.verdict.is_ok()).count(),
        ))
    })?;

    let (sdk, sdk_ok) = runtime.block_on(async {
        let started = Instant::now();
        let results = wfkit_scenarios::replay::replay_histories(&histories).await?;
        Ok::<(Duration, usize), Box<dyn std::error::Error>>((
            started.elapsed(),
            results.iter().filter(|r| r.is_none()).count(),
        ))
    })?;

    let rate = |d: Duration, n: usize| n as f64 / d.as_secs_f64();
    let report = format!(
        "# Replay throughput\n\n\
         Written by `cargo bench -p wfkit-replay --bench throughput`: {count} histories ({events} events; the \
         recorded scenario fixtures, copied with fresh ids) replayed against the scenario workflows with the \
         official Rust SDK, by wfkit's replayer (through the engine, over loopback gRPC, last task compared) \
         and by the SDK's own `WorkflowReplayer` (in process), one after the other in one run on the same \
         2-core machine.\n\n\
         | replayer | histories ok | seconds | histories/s | events/s |\n|---|---|---|---|---|\n\
         | wfkit replay | {ok} | {:.2} | {:.0} | {:.0} |\n\
         | temporalio-sdk WorkflowReplayer | {sdk_ok} | {:.2} | {:.0} | {:.0} |\n\n\
         Ratio: wfkit replays **{:.2}×** the histories per second of the SDK's replayer. wfkit also \
         checks each history's last workflow task, which the SDK replayer does not.\n",
        ours.as_secs_f64(),
        rate(ours, count),
        rate(ours, events),
        sdk.as_secs_f64(),
        rate(sdk, count),
        rate(sdk, events),
        rate(ours, count) / rate(sdk, count),
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/replay-throughput.md");
    std::fs::write(&path, &report)?;
    println!("{report}\nwrote {}", path.display());
    Ok(())
}
