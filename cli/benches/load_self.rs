//! The load generator's own ceiling: the highest StartWorkflowExecution rate `wfkit load` can
//! issue against the wfkit engine on this machine, and its CPU time per 1,000 starts. Writes
//! `reports/loadgen-self.md`.
//!
//! `cargo bench -p wfkit-cli --bench load_self`
//!
//! Each step starts a fresh engine as its own process (`wfkit serve --port 0`), so the CPU time
//! in the load report is the generator's alone, then runs `wfkit load` in start-only mode (no
//! worker: each start only creates a workflow) at a constant rate for [`STEP_DURATION_S`]
//! seconds, doubling the rate until a step is not sustained. Loopback only.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use wfkit_loadgen::measure::CpuTime;
use wfkit_loadgen::report::Report;

/// Rates tried, in starts per second, lowest first; the run stops after the first one that is
/// not sustained.
const RATES_PER_S: [u64; 8] = [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000];
/// How long each step issues starts.
const STEP_DURATION_S: u64 = 5;
/// A step is sustained when at least this share of its rate was issued (and nothing failed or
/// was dropped).
const SUSTAINED_SHARE: f64 = 0.95;
/// Below this share of late starts the machine still has room: the knee the report names
/// besides the highest sustained rate.
const UNSATURATED_LATE_SHARE: f64 = 0.01;
/// The share of the machine's cores busy at which the machine, not one process, is the limit.
const SATURATED_SHARE: f64 = 0.9;
/// How long the engine may take to print its address.
const ENGINE_START_LIMIT: Duration = Duration::from_secs(30);
/// How long one `wfkit load` step may take beyond its issue window (connect, drain, report).
const STEP_SLACK: Duration = Duration::from_secs(60);
/// The workflow type started; no worker polls its task queue, so it never runs.
const WORKFLOW_TYPE: &str = "LoadNoop";
/// A task queue no worker polls.
const TASK_QUEUE: &str = "none";

/// What one step measured, from its report and the engine's CPU counters.
struct Step {
    rate_per_s: u64,
    report: Report,
    engine_cpu: Option<CpuTime>,
    /// Cores busy on the whole machine besides the engine and the generator's run, from
    /// spawning `wfkit load` until it exited: another build or test would show here.
    other_cores: Option<f64>,
}

impl Step {
    fn issued_per_s(&self) -> f64 {
        self.report.summary.throughput.issued_per_s
    }

    fn sustained(&self) -> bool {
        let counts = &self.report.counts;
        self.issued_per_s() >= SUSTAINED_SHARE * self.rate_per_s as f64
            && counts.failed == 0
            && counts.dropped == 0
            && counts.unfinished == 0
            && self.report.errors.is_empty()
            && !self.report.run.interrupted
    }

    fn late_share(&self) -> f64 {
        let counts = &self.report.counts;
        counts.late as f64 / counts.issued.max(1) as f64
    }

    fn elapsed_s(&self) -> f64 {
        self.report.run.elapsed_us as f64 / 1e6
    }

    /// Cores the generator kept busy over the run.
    fn generator_cores(&self) -> Option<f64> {
        let cpu = self.report.generator_cpu.as_ref()?;
        let elapsed_s = self.elapsed_s();
        (elapsed_s > 0.0).then(|| cpu.cpu_time_ms as f64 / 1e3 / elapsed_s)
    }

    /// Cores the engine kept busy over the run.
    fn engine_cores(&self) -> Option<f64> {
        let cpu = self.engine_cpu?;
        let elapsed_s = self.elapsed_s();
        (elapsed_s > 0.0).then(|| cpu.total().as_secs_f64() / elapsed_s)
    }

    /// Cores kept busy by the generator and the engine together: near the machine's core
    /// count, the machine is the limit, not either process alone.
    fn cores_busy(&self) -> Option<f64> {
        Some(self.generator_cores()? + self.engine_cores()?)
    }

    fn generator_per_1000(&self) -> Option<f64> {
        self.report
            .generator_cpu
            .as_ref()
            .and_then(|cpu| cpu.cpu_ms_per_1000_starts)
    }
}

/// The engine process; killed when dropped, so an error in a step does not leave it running.
struct EngineProcess {
    child: Child,
    address: SocketAddr,
}

impl EngineProcess {
    fn start(wfkit: &Path, log: &Path) -> anyhow::Result<EngineProcess> {
        let mut child = Command::new(wfkit)
            .args(["serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(log).with_context(|| format!("cannot create {}", log.display()))?)
            .spawn()
            .context("cannot start `wfkit serve`")?;
        let stdout = child.stdout.take().context("no stdout of `wfkit serve`")?;
        // The guard owns the child from here on, so every early return below kills it.
        let mut engine = EngineProcess {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let (first_line, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = first_line.send(line);
            // Keep draining, so the engine never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = lines
            .recv_timeout(ENGINE_START_LIMIT)
            .context("`wfkit serve` printed no address")?;
        // "wfkit engine listening on 127.0.0.1:PORT (namespace default); Ctrl-C stops it"
        let address = line
            .split_once("listening on ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .and_then(|text| text.parse::<SocketAddr>().ok())
            .with_context(|| format!("`wfkit serve` printed {line:?}, not its address"))?;
        let deadline = Instant::now() + ENGINE_START_LIMIT;
        while TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err() {
            if Instant::now() > deadline {
                bail!("the engine at {address} does not accept connections");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        engine.address = address;
        Ok(engine)
    }

    fn cpu(&self) -> Option<CpuTime> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        CpuTime::from_proc_stat(&stat)
    }
}

impl Drop for EngineProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `wfkit load` arguments of one step (without the program).
fn load_args(address: SocketAddr, rate_per_s: u64, out: &Path) -> Vec<String> {
    [
        "load",
        "--address",
        &address.to_string(),
        "--workflow-type",
        WORKFLOW_TYPE,
        "--task-queue",
        TASK_QUEUE,
        "--input-template",
        "{}",
        "--duration",
        &format!("{STEP_DURATION_S}s"),
        "--rate",
        &format!("{rate_per_s}/s"),
        "--sample-histories",
        "0",
        "--run-name",
        &format!("self-{rate_per_s}"),
        "--out",
        &out.display().to_string(),
    ]
    .map(str::to_owned)
    .to_vec()
}

fn run_step(wfkit: &Path, work: &Path, rate_per_s: u64) -> anyhow::Result<Step> {
    let engine = EngineProcess::start(wfkit, &work.join(format!("engine-{rate_per_s}.log")))?;
    let out = work.join(format!("self-{rate_per_s}"));
    let log = work.join(format!("load-{rate_per_s}.log"));
    let engine_before = engine.cpu();
    let machine_before = machine_busy();
    let spawned = Instant::now();
    let mut load = Command::new(wfkit)
        .args(load_args(engine.address, rate_per_s, &out))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&log).with_context(|| format!("cannot create {}", log.display()))?)
        .spawn()
        .context("cannot start `wfkit load`")?;
    let deadline = Instant::now() + Duration::from_secs(STEP_DURATION_S) + STEP_SLACK;
    let status = loop {
        if let Some(status) = load.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = load.kill();
            let _ = load.wait();
            bail!("`wfkit load` at {rate_per_s}/s did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let engine_cpu = engine
        .cpu()
        .zip(engine_before)
        .map(|(after, before)| after.since(before));
    let machine = machine_busy()
        .zip(machine_before)
        .map(|(after, before)| after.saturating_sub(before));
    let window_s = spawned.elapsed().as_secs_f64();
    drop(engine);
    if !status.success() {
        let mut stderr = String::new();
        File::open(&log)?.read_to_string(&mut stderr)?;
        bail!("`wfkit load` at {rate_per_s}/s exited with {status}:\n{stderr}");
    }
    let report = Report::read(&out).with_context(|| format!("the report of {rate_per_s}/s"))?;
    let generator = report
        .generator_cpu
        .as_ref()
        .map(|cpu| Duration::from_millis(cpu.cpu_time_ms));
    let other_cores = match (machine, engine_cpu, generator) {
        (Some(machine), Some(engine), Some(generator)) if window_s > 0.0 => Some(
            machine
                .saturating_sub(engine.total())
                .saturating_sub(generator)
                .as_secs_f64()
                / window_s,
        ),
        _ => None,
    };
    Ok(Step {
        rate_per_s,
        report,
        engine_cpu,
        other_cores,
    })
}

fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1_000.0)
}

fn per_1000(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |ms| format!("{ms:.1}"))
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

/// CPU time the whole machine spent busy (all cores, every mode but idle and I/O wait), from
/// the first line of `/proc/stat`, in [`USER_HZ`](wfkit_loadgen::measure::USER_HZ) ticks.
fn machine_busy() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text.lines().next()?.strip_prefix("cpu ")?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal: guest time is already in user.
    let busy_ticks: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&index| ticks.get(index))
        .sum();
    let tick_ms = 1_000 / wfkit_loadgen::measure::USER_HZ;
    Some(Duration::from_millis(busy_ticks.saturating_mul(tick_ms)))
}

fn markdown(steps: &[Step]) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |cores| cores.get());
    let mut text = String::from("# Load generator: its own ceiling\n\n");
    let _ = writeln!(
        text,
        "Written by `cargo bench -p wfkit-cli --bench load_self` on a {cores}-core machine \
         ({}), release build. Each \
         step starts a fresh wfkit engine as a separate process (`wfkit serve --port 0`) and \
         runs, against it over loopback:\n\n```sh\nwfkit load --address 127.0.0.1:PORT \
         --workflow-type {WORKFLOW_TYPE} --task-queue {TASK_QUEUE} --input-template '{{}}' \
         --duration {STEP_DURATION_S}s --rate R/s --sample-histories 0 --run-name self-R \
         --out DIR\n```\n\nStart-only mode: no worker, each start only creates a workflow, so \
         this is the rate of StartWorkflowExecution calls the generator issues and gets \
         answered. The generator and the engine share the machine's cores. A rate is \
         **sustained** when at least {:.0}% of it was issued with no failed, dropped or \
         unfinished start; rates double until one is not. The generator's CPU time is read from \
         `/proc/self/stat` at the run's start and end (the report's `generator_cpu` section, \
         10 ms resolution); the engine's from `/proc/<pid>/stat` before and after the `wfkit \
         load` process. *Cores busy* is both CPU times over the run's elapsed time; *other \
         cores* is the rest of the machine's busy time (`/proc/stat`) while `wfkit load` ran, \
         its own start-up and report writing included: near zero, nothing else competed.\n",
        cpu_model(),
        SUSTAINED_SHARE * 100.0
    );
    text.push_str(
        "| target/s | issued | issued/s | late | dropped | failed | start p50 ms | start p99 ms \
         | lag p99 ms | generator CPU ms | generator CPU ms / 1,000 starts | engine CPU ms / \
         1,000 starts | cores busy | other cores | sustained |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for step in steps {
        let report = &step.report;
        let counts = &report.counts;
        let engine_per_1000 = step
            .engine_cpu
            .and_then(|cpu| cpu.ms_per_1000_starts(counts.issued));
        let _ = writeln!(
            text,
            "| {} | {} | {:.1} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            step.rate_per_s,
            counts.issued,
            step.issued_per_s(),
            counts.late,
            counts.dropped,
            counts.failed,
            ms(report.summary.start_latency_us.p50_us),
            ms(report.summary.start_latency_us.p99_us),
            ms(report.summary.schedule_lag_us.p99_us),
            report
                .generator_cpu
                .as_ref()
                .map_or_else(|| "n/a".to_owned(), |cpu| cpu.cpu_time_ms.to_string()),
            per_1000(step.generator_per_1000()),
            per_1000(engine_per_1000),
            step.cores_busy()
                .map_or_else(|| "n/a".to_owned(), |cores| format!("{cores:.2}")),
            step.other_cores
                .map_or_else(|| "n/a".to_owned(), |cores| format!("{cores:.2}")),
            if step.sustained() { "yes" } else { "no" }
        );
    }
    match steps.iter().rev().find(|step| step.sustained()) {
        Some(step) => {
            let _ = writeln!(
                text,
                "\nHighest sustained start rate: **{}/s** ({:.1}/s issued, {:.1}% of starts \
                 late, start p99 {} ms), at **{} ms of generator CPU per 1,000 starts**.",
                step.rate_per_s,
                step.issued_per_s(),
                step.late_share() * 100.0,
                ms(step.report.summary.start_latency_us.p99_us),
                per_1000(step.generator_per_1000())
            );
            if let (Some(generator), Some(engine), Some(per_1000_ms)) = (
                step.generator_cores(),
                step.engine_cores(),
                step.generator_per_1000(),
            ) {
                let busy = generator + engine;
                let limit = if busy >= SATURATED_SHARE * cores as f64 {
                    "the shared machine, not the generator alone, sets this ceiling"
                } else {
                    "the machine still had idle CPU"
                };
                let _ = writeln!(
                    text,
                    "\nThere the generator kept {generator:.2} cores busy and the engine \
                     {engine:.2}, {busy:.2} of the machine's {cores}: {limit}. At its measured \
                     cost per start, a generator with one core to itself would issue about {:.0} \
                     starts/s (an extrapolation, not a measurement).",
                    1e6 / per_1000_ms
                );
            }
        }
        None => text.push_str("\nNo rate was sustained.\n"),
    }
    let unsaturated = steps
        .iter()
        .rev()
        .find(|step| step.sustained() && step.late_share() <= UNSATURATED_LATE_SHARE);
    if let Some(step) = unsaturated {
        let _ = writeln!(
            text,
            "\nHighest rate with at most {:.0}% of starts late (the machine not yet saturated): \
             **{}/s**, start p99 {} ms, {} ms of generator CPU per 1,000 starts.",
            UNSATURATED_LATE_SHARE * 100.0,
            step.rate_per_s,
            ms(step.report.summary.start_latency_us.p99_us),
            per_1000(step.generator_per_1000())
        );
    }
    for step in steps.iter().filter(|step| !step.sustained()) {
        for error in &step.report.errors {
            let _ = writeln!(
                text,
                "\nAt {}/s: {} `{}` × {}.",
                step.rate_per_s,
                error.phase.as_str(),
                error.status,
                error.count
            );
        }
    }
    text
}

fn main() -> anyhow::Result<()> {
    let wfkit = PathBuf::from(env!("CARGO_BIN_EXE_wfkit"));
    let work = tempfile::tempdir().context("cannot create a temporary folder")?;
    let mut steps = Vec::new();
    for rate_per_s in RATES_PER_S {
        let step = run_step(&wfkit, work.path(), rate_per_s)?;
        let sustained = step.sustained();
        eprintln!(
            "load_self: {rate_per_s}/s: issued {:.1}/s, late {}, dropped {}, failed {}, \
             generator CPU {} ms/1,000 starts{}",
            step.issued_per_s(),
            step.report.counts.late,
            step.report.counts.dropped,
            step.report.counts.failed,
            per_1000(step.generator_per_1000()),
            if sustained { "" } else { " (not sustained)" }
        );
        steps.push(step);
        if !sustained {
            break;
        }
    }
    let text = markdown(&steps);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/loadgen-self.md");
    std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{text}");
    eprintln!("load_self: wrote {}", path.display());
    Ok(())
}
