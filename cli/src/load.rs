//! `wfkit load`: load against a Temporal frontend (or the embedded engine), measured free of
//! coordinated omission, written as a report folder.
//!
//! The flags are read and checked before anything starts (exit 2 with the flag named), then:
//! the embedded engine starts when no `--address` is given, the built-in load worker starts
//! unless `--no-worker` (or start-only mode), the run goes on with a progress line per second
//! on stderr until its stop condition or Ctrl-C, a sample of histories is read for
//! schedule-to-start latencies, and the report folder is written. Exit 1 when a threshold or
//! the baseline comparison fails.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use wfkit_cluster::{ConnectArgs, ConnectOptions};
use wfkit_engine::{Engine, EngineConfig};
use wfkit_loadgen::model::{parse_duration, parse_rate_per_s};
use wfkit_loadgen::report::{self, Report, Thresholds};
use wfkit_loadgen::temporal::{
    DEFAULT_SAMPLE_SIZE, InputTemplate, LiveCounts, MAX_SAMPLE_SIZE, TemporalTarget, WorkflowPlan,
    sample_latencies,
};
use wfkit_loadgen::{RunOptions, RunResult, interrupt_pair, run_load};
use wfkit_scenarios::BackgroundWorker;
use wfkit_scenarios::load::{LoadParams, LoadScenario, load_worker_options, load_workflow};

use crate::exit::{Outcome, outln};

/// The `--address` value that means "start the embedded engine" (the default).
const EMBEDDED: &str = "embedded";
/// The task queue of the built-in load worker.
const DEFAULT_TASK_QUEUE: &str = "wfkit-load";
/// How long reading the sampled histories may take after the run.
const HISTORY_SAMPLE_BUDGET: Duration = Duration::from_secs(30);
/// How long the built-in worker and the embedded engine get to shut down after the run.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(10);
/// The longest `--run-name`, leaving room in workflow ids for the iteration number.
const MAX_RUN_NAME_CHARS: usize = 100;

/// Arguments of `wfkit load`.
#[derive(Debug, clap::Args)]
#[command(
    // Without --address (or TEMPORAL_ADDRESS) the run targets the embedded engine.
    mut_arg("address", |arg| arg
        .default_value(EMBEDDED)
        .help("Temporal frontend: host:port or an http(s):// URL; `embedded` (the default) starts wfkit's engine in-process")),
    after_help = "Examples:\n  wfkit load --scenario activity --rate 50/s --duration 30s\n  wfkit load --scenario signals --signals 10 --concurrency 20 --iterations 1000 --address 127.0.0.1:7233\n  wfkit load --scenario update --updates 10 --rate 20/s --duration 30s\n  wfkit load --workflow-type MyWorkflow --task-queue my-q --input-template '{\"n\": {{iteration}}}' --rate 100/s --duration 1m --address HOST:PORT\n\nExit codes: 0 the run passed; 1 a threshold (--max-p99, --min-throughput) or the baseline comparison failed; 2 bad flags or unreachable server."
)]
pub(crate) struct LoadArgs {
    /// Built-in scenario, run by the built-in worker: noop, activity, chain, saga, timers,
    /// signals, update, child, continue-as-new.
    #[arg(long, default_value = "activity", value_parser = scenario_names())]
    scenario: String,
    /// `chain`: activities in sequence per workflow.
    #[arg(long, default_value_t = LoadParams::default().chain_length)]
    chain_length: u32,
    /// `signals`: signals sent to each workflow (the workflow must receive every one).
    #[arg(long, default_value_t = LoadParams::default().signals)]
    signals: u32,
    /// `update`: updates sent to each workflow, one after another, each waited for until it
    /// completed (their round trips are the report's update latency).
    #[arg(long, default_value_t = LoadParams::default().updates)]
    updates: u32,
    /// `saga`: make the last booking fail, so every saga compensates.
    #[arg(long)]
    saga_fail: bool,
    /// `timers`: timers per workflow.
    #[arg(long, default_value_t = LoadParams::default().timers)]
    timers: u32,
    /// `timers`: length of each timer, in milliseconds.
    #[arg(long, default_value_t = LoadParams::default().timer_ms)]
    timer_ms: u64,
    /// `continue-as-new`: continue-as-new hops per workflow.
    #[arg(long, default_value_t = LoadParams::default().continue_as_new)]
    continue_as_new: u32,

    /// Start-only mode: start workflows of this type for your own worker (instead of a
    /// scenario). Needs --task-queue.
    #[arg(long, requires = "task_queue", conflicts_with = "scenario")]
    workflow_type: Option<String>,
    /// Task queue: your worker's in start-only mode; the built-in worker's otherwise
    /// (default wfkit-load).
    #[arg(long, env = "TEMPORAL_TASK_QUEUE")]
    task_queue: Option<String>,
    /// Start-only mode: the workflow input as JSON, with `{{iteration}}` and `{{id}}` (the
    /// workflow id) filled in per workflow. Without it workflows start without input.
    #[arg(long, requires = "workflow_type", value_name = "JSON")]
    input_template: Option<String>,
    /// Start-only mode: also wait for each workflow to close (end-to-end latency).
    #[arg(long, requires = "workflow_type")]
    wait: bool,

    /// Open model, constant rate: `100/s`, `600/m`.
    #[arg(long, help_heading = "Load model")]
    rate: Option<String>,
    /// Open model, linear ramp: `10/s..200/s:60s`.
    #[arg(long, help_heading = "Load model")]
    ramp: Option<String>,
    /// Open model, steps: `30s@50/s,30s@100/s`.
    #[arg(long, help_heading = "Load model")]
    steps: Option<String>,
    /// Open model, Poisson arrivals: `100/s`.
    #[arg(long, help_heading = "Load model")]
    poisson: Option<String>,
    /// Seed of --poisson.
    #[arg(long, help_heading = "Load model")]
    seed: Option<String>,
    /// Closed model: this many workflows in flight.
    #[arg(long, visible_alias = "in-flight", help_heading = "Load model")]
    concurrency: Option<String>,
    /// Stop issuing after this long: `30s`, `5m`, `1m30s`.
    #[arg(long, help_heading = "Load model")]
    duration: Option<String>,
    /// Stop issuing after this many workflows.
    #[arg(long, help_heading = "Load model")]
    iterations: Option<String>,
    /// Open model: most workflows in flight; a start due beyond it is dropped and counted.
    #[arg(long, default_value_t = wfkit_loadgen::executor::DEFAULT_MAX_IN_FLIGHT, help_heading = "Load model")]
    max_in_flight: usize,
    /// After issuing stops, how long in-flight workflows may still finish.
    #[arg(long, default_value = "30s", help_heading = "Load model")]
    drain_timeout: String,
    /// The longest one workflow may take (start to result); also its execution timeout.
    #[arg(long, default_value = "5m", help_heading = "Load model")]
    iteration_timeout: String,

    #[command(flatten)]
    connect: ConnectArgs,
    /// Do not run the built-in load worker: a worker elsewhere (`wfkit worker --task-queue Q`)
    /// polls the task queue.
    #[arg(long)]
    no_worker: bool,

    /// Run name: the report folder's name and the workflow id prefix (default
    /// `<scenario>-<UTC time>`).
    #[arg(long, help_heading = "Report")]
    run_name: Option<String>,
    /// Report folder (default reports/<run name>/).
    #[arg(long, value_name = "DIR", help_heading = "Report")]
    out: Option<PathBuf>,
    /// Compare with this earlier report (report.json or its folder); a regression exits 1.
    #[arg(long, value_name = "FILE", help_heading = "Report")]
    baseline: Option<PathBuf>,
    /// Fail (exit 1) when the corrected end-to-end p99 is above this: `250ms`, `1s`, `500us`.
    #[arg(long, value_name = "DURATION", help_heading = "Report")]
    max_p99: Option<String>,
    /// Fail (exit 1) when fewer workflows complete per second: `90/s`.
    #[arg(long, value_name = "RATE", help_heading = "Report")]
    min_throughput: Option<String>,
    /// Completed workflows whose histories are read after the run for schedule-to-start
    /// latencies (0: none).
    #[arg(long, default_value_t = DEFAULT_SAMPLE_SIZE, help_heading = "Report")]
    sample_histories: usize,
}

fn scenario_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(LoadScenario::ALL.map(LoadScenario::name))
}

/// Everything the flags say, checked.
struct Setup {
    plan: wfkit_loadgen::LoadPlan,
    options: RunOptions,
    workflow: WorkflowPlan,
    run_name: String,
    out: PathBuf,
    thresholds: Thresholds,
    baseline: Option<Report>,
    connect: Option<ConnectOptions>,
    /// `Some(task queue)` when the built-in worker runs.
    worker_queue: Option<String>,
    sample_histories: usize,
}

/// Runs the load test.
pub(crate) fn run(args: &LoadArgs) -> Outcome {
    let setup = match setup(args) {
        Ok(setup) => setup,
        Err(error) => return Outcome::Error(error),
    };
    let result = tokio::runtime::Runtime::new()
        .context("cannot start the async runtime")
        .and_then(|runtime| runtime.block_on(execute(setup)));
    Outcome::from(result)
}

fn setup(args: &LoadArgs) -> anyhow::Result<Setup> {
    let plan = wfkit_loadgen::LoadArgs {
        rate: args.rate.clone(),
        ramp: args.ramp.clone(),
        steps: args.steps.clone(),
        poisson: args.poisson.clone(),
        seed: args.seed.clone(),
        concurrency: args.concurrency.clone(),
        duration: args.duration.clone(),
        iterations: args.iterations.clone(),
    }
    .parse()?;
    let drain_timeout = parse_duration("--drain-timeout", &args.drain_timeout)?;
    let iteration_timeout = parse_duration("--iteration-timeout", &args.iteration_timeout)?;
    let options = RunOptions::default()
        .with_max_in_flight(args.max_in_flight)
        .with_drain_timeout(drain_timeout)
        .with_iteration_timeout(iteration_timeout);
    options
        .validate()
        .context("--max-in-flight, --drain-timeout or --iteration-timeout")?;
    let thresholds = Thresholds {
        max_p99_ms: args
            .max_p99
            .as_deref()
            .map(|text| parse_latency_ms("--max-p99", text))
            .transpose()?,
        min_throughput_per_s: args
            .min_throughput
            .as_deref()
            .map(|text| parse_rate_per_s("--min-throughput", text))
            .transpose()?,
    };
    if args.sample_histories > MAX_SAMPLE_SIZE {
        bail!(
            "--sample-histories {}: at most {MAX_SAMPLE_SIZE}",
            args.sample_histories
        );
    }
    let baseline = args
        .baseline
        .as_deref()
        .map(|path| Report::read(path).with_context(|| format!("--baseline {}", path.display())))
        .transpose()?;

    let label = match &args.workflow_type {
        Some(workflow_type) => workflow_type.clone(),
        None => args.scenario.clone(),
    };
    let run_name = match &args.run_name {
        Some(name) => name.clone(),
        None => default_run_name(&label),
    };
    if run_name.chars().count() > MAX_RUN_NAME_CHARS {
        bail!("--run-name {run_name:?}: at most {MAX_RUN_NAME_CHARS} characters");
    }
    let out = match &args.out {
        Some(out) => out.clone(),
        None => report::report_dir("reports".as_ref(), &run_name)
            .with_context(|| format!("--run-name {run_name:?}"))?,
    };

    let (workflow, worker_queue) = match &args.workflow_type {
        Some(workflow_type) => {
            let queue = args.task_queue.clone().unwrap_or_default();
            let mut workflow = WorkflowPlan::new(workflow_type, queue, &run_name)
                .with_execution_timeout(iteration_timeout);
            if let Some(template) = &args.input_template {
                workflow = workflow.with_input(InputTemplate::parse(template)?);
            }
            if !args.wait {
                workflow = workflow.start_only();
            }
            (workflow, None)
        }
        None => {
            let scenario = LoadScenario::from_name(&args.scenario)
                .with_context(|| format!("--scenario {:?}: unknown", args.scenario))?;
            let params = LoadParams {
                chain_length: args.chain_length,
                signals: args.signals,
                updates: args.updates,
                saga_fail: args.saga_fail,
                timers: args.timers,
                timer_ms: args.timer_ms,
                continue_as_new: args.continue_as_new,
            };
            let load = load_workflow(scenario, &params)?;
            let queue = args
                .task_queue
                .clone()
                .unwrap_or_else(|| DEFAULT_TASK_QUEUE.to_owned());
            let mut workflow = WorkflowPlan::new(load.workflow_type, &queue, &run_name)
                .with_input(InputTemplate::fixed(&load.input))
                .expecting(load.expected_result)
                .with_execution_timeout(iteration_timeout);
            if let Some(name) = load.signal_name {
                workflow = workflow.with_signals(name, load.signal_count);
            }
            if let Some(name) = load.update_name {
                workflow = workflow.with_updates(name, load.update_count);
            }
            (workflow, (!args.no_worker).then_some(queue))
        }
    };
    workflow
        .validate()
        .with_context(|| format!("--run-name {run_name:?} or --task-queue"))?;

    let connect = if args.connect.address.trim() == EMBEDDED {
        if args.connect.namespace != wfkit_cluster::DEFAULT_NAMESPACE {
            bail!(
                "--namespace {:?}: the embedded engine serves only the `default` namespace; give --address to use another server",
                args.connect.namespace
            );
        }
        None
    } else {
        let options = args.connect.to_options();
        // Bad TLS files are reported before anything starts.
        crate::worker_target::worker_target(&options)?;
        Some(options)
    };
    Ok(Setup {
        plan,
        options,
        workflow,
        run_name,
        out,
        thresholds,
        baseline,
        connect,
        worker_queue,
        sample_histories: args.sample_histories,
    })
}

/// `--max-p99` in milliseconds: the load durations (`250ms`, `1s`) and also `us`/`µs`.
fn parse_latency_ms(flag: &str, text: &str) -> anyhow::Result<f64> {
    let trimmed = text.trim();
    let micros = trimmed
        .strip_suffix("us")
        .or_else(|| trimmed.strip_suffix("µs"));
    if let Some(number) = micros {
        let us: f64 = number
            .trim()
            .parse()
            .ok()
            .filter(|us: &f64| us.is_finite() && *us > 0.0)
            .with_context(|| {
                format!("{flag} {text:?}: expected a duration such as 500us, 250ms or 1s")
            })?;
        return Ok(us / 1_000.0);
    }
    let duration = parse_duration(flag, trimmed)?;
    if duration.is_zero() {
        bail!("{flag} {text:?}: must be greater than zero");
    }
    Ok(duration.as_secs_f64() * 1_000.0)
}

/// `<label>-<UTC time>`, with characters a folder name cannot hold replaced by `-`.
fn default_run_name(label: &str) -> String {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    let clean: String = label
        .chars()
        .take(60)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.');
    let clean = if clean.is_empty() { "load" } else { clean };
    format!("{clean}-{}", report::compact_utc(now_ms))
}

async fn execute(setup: Setup) -> anyhow::Result<bool> {
    let engine = match &setup.connect {
        Some(_) => None,
        None => Some(
            Engine::start(
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                EngineConfig::default(),
            )
            .await
            .context("cannot start the embedded engine")?,
        ),
    };
    let connect = match (&setup.connect, &engine) {
        (Some(options), _) => options.clone(),
        (None, Some(engine)) => ConnectOptions::new(
            engine.address().to_string(),
            wfkit_cluster::DEFAULT_NAMESPACE,
        ),
        (None, None) => bail!("no server to target"),
    };
    let target_name = match &engine {
        Some(engine) => format!("the embedded engine at {}", engine.address()),
        None => connect.address.clone(),
    };
    let connection = wfkit_loadgen::temporal::connect(&connect)
        .await
        .with_context(|| format!("--address {}", connect.address))?;
    let worker = match &setup.worker_queue {
        Some(queue) => {
            let owned = queue.clone();
            Some(
                BackgroundWorker::start_with(
                    &crate::worker_target::worker_target(&connect)?,
                    queue,
                    move || load_worker_options(&owned),
                )
                .await
                .with_context(|| {
                    format!("cannot start the built-in load worker against {target_name}")
                })?,
            )
        }
        None => None,
    };
    let target = Arc::new(
        TemporalTarget::new(
            connection,
            connect.namespace.clone(),
            setup.workflow.clone(),
        )?
        .with_sample_size(setup.sample_histories),
    );
    eprintln!(
        "wfkit load: {} ({}) against {target_name}, {}; report in {}",
        setup.run_name,
        setup.workflow.workflow_type,
        setup.plan.model,
        setup.out.display()
    );

    let (interrupter, signal) = interrupt_pair();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "wfkit load: interrupted; finishing in-flight workflows, then writing the partial report (Ctrl-C again to quit at once)"
            );
            interrupter.interrupt();
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("wfkit load: stopped without a report");
                std::process::exit(130);
            }
        }
    });
    let progress = tokio::spawn(progress_lines(target.live_counts()));
    let options = setup.options.clone().with_interrupt(signal);
    let run = run_load(
        Arc::clone(&target),
        setup.plan.model.clone(),
        setup.plan.stop,
        options,
    )
    .await;
    progress.abort();
    let result = run?;
    let latencies = sample_latencies(
        target.connection(),
        target.namespace(),
        &target.sampled(),
        HISTORY_SAMPLE_BUDGET,
    )
    .await;
    if let Some(worker) = worker {
        match tokio::time::timeout(SHUTDOWN_LIMIT, worker.stop()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                eprintln!("wfkit load: the built-in worker stopped with an error: {error}");
            }
            Err(_) => eprintln!(
                "wfkit load: the built-in worker did not stop within {} s; leaving it",
                SHUTDOWN_LIMIT.as_secs()
            ),
        }
    }
    if let Some(engine) = engine {
        // Past the limit the engine is dropped, which aborts its tasks.
        let _ = tokio::time::timeout(SHUTDOWN_LIMIT, engine.stop()).await;
    }
    ctrl_c.abort();
    write_report(&setup, &result, &latencies)
}

/// Prints what the target has seen, once a second, until aborted.
async fn progress_lines(live: Arc<LiveCounts>) {
    let started = tokio::time::Instant::now();
    let mut ticks =
        tokio::time::interval_at(started + Duration::from_secs(1), Duration::from_secs(1));
    let mut previous = live.snapshot();
    loop {
        ticks.tick().await;
        let now = live.snapshot();
        eprintln!(
            "wfkit load: {:>4} s  started {}  completed {}  errors {}  rate {}/s",
            started.elapsed().as_secs(),
            now.started,
            now.completed,
            now.failed,
            now.started.saturating_sub(previous.started)
        );
        previous = now;
    }
}

fn write_report(
    setup: &Setup,
    result: &RunResult,
    latencies: &wfkit_loadgen::measure::HistoryLatencies,
) -> anyhow::Result<bool> {
    let report = Report::from_result(&setup.run_name, result)?.with_history_latency(latencies)?;
    let comparison = setup
        .baseline
        .as_ref()
        .map(|baseline| report::compare(baseline, &report));
    let verdict = report::evaluate(&report, &setup.thresholds, comparison.as_ref());
    report::write_report_dir_with(&report, &setup.out, comparison.as_ref(), Some(&verdict))
        .with_context(|| format!("cannot write the report to {}", setup.out.display()))?;
    let summary = &report.summary;
    outln!(
        "{}: issued {} ({:.2}/s, target {}), completed {} ({:.2}/s), failed {}, dropped {}, unfinished {}{}",
        report.run.name,
        report.counts.issued,
        summary.throughput.issued_per_s,
        summary
            .throughput
            .target_per_s
            .map(|rate| format!("{rate:.2}/s"))
            .unwrap_or_else(|| "closed model".to_owned()),
        report.counts.completed,
        summary.throughput.completed_per_s,
        report.counts.failed,
        report.counts.dropped,
        report.counts.unfinished,
        if report.run.interrupted {
            " (interrupted: partial results)"
        } else {
            ""
        }
    );
    if report.counts.completed == 0 {
        outln!("no workflow completed: no latency to show");
    } else {
        outln!(
            "end-to-end p50/p99/max (corrected) {:.1}/{:.1}/{:.1} ms; uncorrected p99 {:.1} ms; start p99 {:.1} ms",
            summary.end_to_end_corrected_us.p50_us as f64 / 1e3,
            summary.end_to_end_corrected_us.p99_us as f64 / 1e3,
            summary.end_to_end_corrected_us.max_us as f64 / 1e3,
            summary.end_to_end_uncorrected_us.p99_us as f64 / 1e3,
            summary.start_latency_us.p99_us as f64 / 1e3
        );
    }
    if let Some(update) = &summary.update_latency_us {
        outln!(
            "update p50/p99/max {:.1}/{:.1}/{:.1} ms over {} updates (UpdateWorkflowExecution until completed)",
            update.p50_us as f64 / 1e3,
            update.p99_us as f64 / 1e3,
            update.max_us as f64 / 1e3,
            update.count
        );
    }
    if let Some(history) = &report.history_latency {
        let p99 = |percentiles: &wfkit_loadgen::measure::Percentiles| {
            if percentiles.count == 0 {
                "none".to_owned()
            } else {
                format!("{:.1} ms", percentiles.p99_us as f64 / 1e3)
            }
        };
        outln!(
            "schedule-to-start p99 (from {} of {} sampled histories): workflow task {}, activity {}",
            history.read,
            history.sampled,
            p99(&history.workflow_task_schedule_to_start_us),
            p99(&history.activity_schedule_to_start_us)
        );
    }
    if let Some(cpu) = &report.generator_cpu {
        // In embedded mode the process also runs the engine and the worker: say so.
        outln!(
            "generator CPU {} ms ({} per 1,000 starts){}",
            cpu.cpu_time_ms,
            cpu.cpu_ms_per_1000_starts
                .map(|ms| format!("{ms:.1} ms"))
                .unwrap_or_else(|| "none".to_owned()),
            match (setup.connect.is_none(), setup.worker_queue.is_some()) {
                (true, true) => ", including the in-process engine and worker",
                (true, false) => ", including the in-process engine",
                (false, true) => ", including the in-process worker",
                (false, false) => "",
            }
        );
    }
    for error in &report.errors {
        outln!(
            "errors: {} {} × {}",
            error.phase.as_str(),
            error.status,
            error.count
        );
    }
    for reason in &verdict.reasons {
        outln!("FAIL  {reason}");
    }
    for note in &verdict.notes {
        outln!("note: {note}");
    }
    outln!("report: {}", setup.out.display());
    Ok(verdict.passed)
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use serde_json::json;
    use wfkit_loadgen::temporal::UpdatePlan;

    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Cli {
        #[command(flatten)]
        load: LoadArgs,
    }

    fn setup_of(flags: &[&str]) -> anyhow::Result<Setup> {
        let cli = Cli::try_parse_from(
            ["wfkit-load", "--concurrency", "2", "--iterations", "10"]
                .iter()
                .chain(flags),
        )?;
        setup(&cli.load)
    }

    #[test]
    fn the_update_scenario_sends_updates_counted_by_the_flag() -> anyhow::Result<()> {
        let setup = setup_of(&["--scenario", "update", "--updates", "3"])?;
        let workflow = &setup.workflow;
        assert_eq!(workflow.workflow_type, "LoadUpdates");
        assert_eq!(
            workflow.updates,
            Some(UpdatePlan {
                name: "load_update".to_owned(),
                count: 3
            })
        );
        assert_eq!(workflow.signals, None);
        assert_eq!(workflow.expected_result, Some(json!(3)));
        assert!(setup.run_name.starts_with("update-"), "{}", setup.run_name);

        let default = setup_of(&["--scenario", "update"])?;
        let count = default.workflow.updates.map(|updates| updates.count);
        assert_eq!(count, Some(LoadParams::default().updates));
        // Other scenarios ignore the flag.
        let signals = setup_of(&["--scenario", "signals", "--updates", "3"])?;
        assert_eq!(signals.workflow.updates, None);
        Ok(())
    }

    #[test]
    fn an_update_count_out_of_range_names_the_flag() {
        for count in ["0", "1001"] {
            let error = setup_of(&["--scenario", "update", "--updates", count])
                .err()
                .expect("refused");
            assert!(
                format!("{error:#}").contains(&format!("--updates {count}")),
                "{error:#}"
            );
        }
    }
}
