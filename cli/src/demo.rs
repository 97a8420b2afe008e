//! `wfkit demo`: every scenario workflow, written with the official Rust SDK, run by the SDK's
//! own worker against the embedded reference engine; one line per scenario.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_history::{Format, event, save_file, validate};
use wfkit_scenarios::{BackgroundWorker, ScenarioSpec, ServerTarget, run_scenario, spec};

use crate::exit::{Outcome, outln};

const TASK_QUEUE: &str = "wfkit-demo";

/// Arguments of `wfkit demo`.
#[derive(Debug, clap::Args)]
pub(crate) struct DemoArgs {
    /// Write each scenario's history (canonical JSON) into this directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Run only the named scenarios (repeatable). Names: see `--list`.
    #[arg(long = "scenario", value_name = "NAME")]
    scenarios: Vec<String>,
    /// List the scenarios and exit.
    #[arg(long)]
    list: bool,
}

/// Runs the scenarios; fails when any ends other than as its spec says.
pub(crate) fn run(args: &DemoArgs) -> Outcome {
    let chosen = |specs: Vec<ScenarioSpec>| -> Vec<ScenarioSpec> {
        specs
            .into_iter()
            .filter(|s| args.scenarios.is_empty() || args.scenarios.contains(&s.name))
            .collect()
    };
    let real_time = chosen(spec::all());
    let skipping = chosen(spec::time_skipping());
    if args.list {
        for scenario in spec::all().iter().chain(spec::time_skipping().iter()) {
            outln!("{}  ({})", scenario.name, scenario.workflow_type);
        }
        return Outcome::Success;
    }
    if real_time.is_empty() && skipping.is_empty() {
        return Outcome::Error(anyhow::anyhow!(
            "no scenario named {:?}; see `wfkit demo --list`",
            args.scenarios
        ));
    }
    let result = (|| {
        if let Some(out) = &args.out {
            std::fs::create_dir_all(out)
                .with_context(|| format!("cannot create {}", out.display()))?;
        }
        let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
        runtime.block_on(async {
            outln!(
                "{:<28} {:<6} {:>7} {:>9}  {}",
                "SCENARIO",
                "RESULT",
                "EVENTS",
                "WALL ms",
                "ENDED"
            );
            let mut all_ok = true;
            // Scenarios that wait for signals or queries run on real time; the ones that sleep
            // for days run with time skipping.
            for (mode, specs) in [(TimeMode::Real, real_time), (TimeMode::Skipping, skipping)] {
                if specs.is_empty() {
                    continue;
                }
                all_ok &= run_on_engine(mode, &specs, args.out.as_ref()).await?;
            }
            anyhow::Ok(all_ok)
        })
    })();
    Outcome::from(result)
}

async fn run_on_engine(
    mode: TimeMode,
    specs: &[ScenarioSpec],
    out: Option<&PathBuf>,
) -> anyhow::Result<bool> {
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: mode,
        ..EngineConfig::default()
    })
    .await?;
    let target = ServerTarget::new(engine.address().to_string(), "default");
    let worker = BackgroundWorker::start(&target, TASK_QUEUE).await?;
    let client = target.connect().await?;
    let mut all_ok = true;
    for scenario in specs {
        let started = Instant::now();
        let run = run_scenario(
            &client,
            TASK_QUEUE,
            scenario,
            &format!("demo-{}", scenario.name),
        )
        .await?;
        let wall_ms = started.elapsed().as_millis();
        let mut problems = run.problems(scenario);
        let report = validate(&run.history);
        if !report.is_valid() {
            problems.push(format!("invalid history: {report}"));
        }
        all_ok &= problems.is_empty();
        outln!(
            "{:<28} {:<6} {:>7} {:>9}  {}",
            scenario.name,
            if problems.is_empty() { "ok" } else { "FAIL" },
            run.history.events.len(),
            wall_ms,
            event::close_status(&run.history.events)
        );
        for problem in problems {
            outln!("    {problem}");
        }
        if let Some(out) = out {
            let path = out.join(format!("{}.json", scenario.name));
            save_file(&path, std::slice::from_ref(&run.history), Format::Json)?;
        }
    }
    worker.stop().await?;
    engine.stop().await;
    Ok(all_ok)
}
