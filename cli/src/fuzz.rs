//! `wfkit fuzz`: property-based fault injection against a worker in any SDK. Every case starts
//! the worker command against a fresh wfkit engine in virtual time, applies a generated fault
//! plan, and checks the built-in invariants (the workflow ends, no nondeterminism, valid
//! histories with contiguous ids, no lost signal, deterministic replay); a failure is shrunk
//! to a minimal plan and printed with the seed that reproduces it.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use wfkit_fuzz::{
    DEFAULT_CASES, DEFAULT_MAX_FAULTS, FaultPlan, Fuzz, FuzzConfig, FuzzFailure, FuzzTarget,
    SignalSpec, UpdateSpec, Workers,
};

use crate::exit::{Outcome, outln};

/// Arguments of `wfkit fuzz`.
#[derive(Debug, clap::Args)]
pub(crate) struct FuzzArgs {
    /// Command that runs a worker (any SDK). Run as `sh -c CMD` for every worker incarnation,
    /// with TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, WFKIT_WORKER_IDENTITY
    /// (report it as the worker identity) and WFKIT_WORKER_SEED set; a crash kills it.
    #[arg(long, value_name = "CMD")]
    worker_cmd: String,
    /// Workflow type started in every case.
    #[arg(long, value_name = "TYPE")]
    workflow: String,
    /// Workflow input, as JSON (one argument).
    #[arg(long, value_name = "JSON", default_value = "null")]
    input: String,
    /// Task queue the worker polls.
    #[arg(long, default_value = "wfkit-fuzz")]
    task_queue: String,
    /// Namespace.
    #[arg(long, default_value = "default")]
    namespace: String,
    /// Generated cases (after a fault-free baseline and the regression file's plans).
    #[arg(long, env = "WFKIT_FUZZ_CASES", default_value_t = DEFAULT_CASES)]
    cases: u32,
    /// Seed of the run (default: from the clock; printed, so a failure can be rerun).
    #[arg(long, env = "WFKIT_FUZZ_SEED")]
    seed: Option<u64>,
    /// Faults per plan at most.
    #[arg(long, default_value_t = DEFAULT_MAX_FAULTS)]
    max_faults: usize,
    /// A signal the workflow receives: NAME=JSON, or NAME=JSON@N to send it after workflow
    /// task N (default: after workflow task i+1 for the i-th signal). Repeatable.
    #[arg(long = "signal", value_name = "NAME=JSON[@N]")]
    signals: Vec<String>,
    /// An update the workflow receives: NAME, NAME=JSON, or either with @N to send it after
    /// workflow task N (default: after workflow task i+1 for the i-th update). Nobody waits for
    /// it; every update the workflow accepts must complete exactly once. Repeatable.
    #[arg(long = "update", value_name = "NAME[=JSON][@N]")]
    updates: Vec<String>,
    /// Run only the plan in this file (the text a failure prints) instead of generating cases.
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
    /// Keep failing plans in this file and rerun them first.
    #[arg(long, value_name = "FILE")]
    regressions: Option<PathBuf>,
    /// Write the failing (or `--plan`) case's histories here, one JSON file per run.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs the fuzzer.
pub(crate) fn run(args: &FuzzArgs) -> Outcome {
    Outcome::from(fuzz(args))
}

fn fuzz(args: &FuzzArgs) -> anyhow::Result<bool> {
    let input: serde_json::Value = serde_json::from_str(&args.input)
        .with_context(|| format!("--input {:?} is not JSON", args.input))?;
    if args.cases == 0 && args.plan.is_none() {
        bail!("--cases must be at least 1");
    }
    let mut target = FuzzTarget::new(args.workflow.clone(), input);
    target.task_queue = args.task_queue.clone();
    target.namespace = args.namespace.clone();
    for (index, text) in args.signals.iter().enumerate() {
        target.signals.push(parse_signal(text, index)?);
    }
    for (index, text) in args.updates.iter().enumerate() {
        target.updates.push(parse_update(text, index)?);
    }
    let seed = args.seed.unwrap_or_else(clock_seed);
    let fuzz = Fuzz {
        target,
        workers: Workers::Command(args.worker_cmd.clone()),
        invariants: Vec::new(),
        config: FuzzConfig {
            cases: args.cases,
            seed,
            max_faults: args.max_faults.max(1),
            max_shrink_iters: 64,
            regressions: args.regressions.clone(),
        },
    };
    if let Some(path) = &args.plan {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read --plan {}", path.display()))?;
        let plan = FaultPlan::parse(&text).with_context(|| format!("--plan {}", path.display()))?;
        let (outcome, violations) = fuzz.run_plan(&plan)?;
        outln!(
            "plan {} ({} faults): {:?}, {} worker incarnation(s), {} ms",
            path.display(),
            plan.faults.len(),
            outcome.end,
            outcome.incarnations,
            outcome.wall_time.as_millis()
        );
        for violation in &violations {
            outln!("  - {violation}");
        }
        write_histories(args, &outcome.histories)?;
        return Ok(violations.is_empty());
    }
    let report = fuzz.run()?;
    match &report.failure {
        None => {
            outln!(
                "wfkit fuzz: {} cases of {} passed (seed {seed}, {:.1} s, {:.1} cases/s; \
                 the fault-free run had {} workflow tasks and {} activity attempts)",
                report.cases_run,
                args.workflow,
                report.elapsed.as_secs_f64(),
                f64::from(report.cases_run) / report.elapsed.as_secs_f64().max(1e-9),
                report.profile.workflow_tasks,
                report.profile.activity_tasks
            );
            Ok(true)
        }
        Some(failure) => {
            print_failure(failure);
            write_histories(args, &failure.outcome.histories)?;
            Ok(false)
        }
    }
}

fn print_failure(failure: &FuzzFailure) {
    for line in failure.to_string().lines() {
        outln!("{line}");
    }
}

/// `NAME`, `NAME=JSON`, `NAME@N` or `NAME=JSON@N`.
fn parse_update(text: &str, index: usize) -> anyhow::Result<UpdateSpec> {
    let (spec, after) = match text.rsplit_once('@') {
        Some((spec, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
            (spec, n.parse::<u32>().ok())
        }
        _ => (text, None),
    };
    let (name, input) = match spec.split_once('=') {
        Some((name, json)) => (
            name,
            Some(
                serde_json::from_str(json)
                    .with_context(|| format!("--update {text:?}: {json:?} is not JSON"))?,
            ),
        ),
        None => (spec, None),
    };
    if name.is_empty() {
        bail!("--update {text:?}: expected NAME, NAME=JSON, NAME@N or NAME=JSON@N");
    }
    let default_after = u32::try_from(index + 1).unwrap_or(u32::MAX);
    Ok(UpdateSpec {
        name: name.to_string(),
        input,
        after_workflow_task: after.unwrap_or(default_after).max(1),
    })
}

/// `NAME=JSON` or `NAME=JSON@N`.
fn parse_signal(text: &str, index: usize) -> anyhow::Result<SignalSpec> {
    let Some((name, rest)) = text.split_once('=') else {
        bail!("--signal {text:?}: expected NAME=JSON or NAME=JSON@N");
    };
    let (json, after) = match rest.rsplit_once('@') {
        Some((json, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
            (json, n.parse::<u32>().ok())
        }
        _ => (rest, None),
    };
    let input = serde_json::from_str(json)
        .with_context(|| format!("--signal {text:?}: {json:?} is not JSON"))?;
    let default_after = u32::try_from(index + 1).unwrap_or(u32::MAX);
    Ok(SignalSpec {
        name: name.to_string(),
        input,
        after_workflow_task: after.unwrap_or(default_after).max(1),
    })
}

fn write_histories(args: &FuzzArgs, histories: &[wfkit_history::History]) -> anyhow::Result<()> {
    let Some(dir) = &args.out else {
        return Ok(());
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (run, history) in histories.iter().enumerate() {
        let path = dir.join(format!("run-{run}.json"));
        let mut file = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        wfkit_history::write_json(history, wfkit_history::EnumStyle::Canonical, &mut file)
            .with_context(|| format!("cannot write {}", path.display()))?;
        outln!("history of run {run}: {}", path.display());
    }
    Ok(())
}

fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| u64::try_from(since.as_nanos() % u128::from(u64::MAX)).unwrap_or(0))
        .unwrap_or(0)
}
