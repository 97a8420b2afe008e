//! Records the `VersionedBooking` example histories (v1) from the real Temporal server, for the
//! replay tests of `replay/tests/versions.rs` and `cli/tests/replay_versions_python.rs`.
//!
//! Starts `temporal server start-dev` (via `wfkit-devserver`) unless `--address` names a
//! running server. Rust: runs the v1 worker of `wfkit_scenarios::versions` in-process and
//! records [`RECORDINGS`] into `<out>/versioned_booking/v1/<name>.json`. Python: runs
//! `scenarios/python/record_versions.py` against the same server, which records the same plan
//! with the Python SDK into `<out>/py_versioned_booking/v1/<name>.json`. A recording that runs
//! to completion must end as v1 says; the `waiting-on-timer` one is fetched while the workflow
//! waits on its (hour-long) timer and then terminated. Nothing is written unless every
//! recording of every language behaves.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use serde_json::json;
use temporalio_client::{
    WorkflowFetchHistoryOptions, WorkflowStartOptions, WorkflowTerminateOptions,
};
use temporalio_protos::temporal::api::{enums::v1::EventType, history::v1::History};
use wfkit_devserver::DevServer;
use wfkit_scenarios::{
    BackgroundWorker, HistoryCheck, Outcome, ScenarioSpec, ServerTarget, driver, run_scenario,
    verify_all,
    versions::{
        self, BookingV1,
        booking::{BookingInput, WORKFLOW_TYPE},
        booking_activities::{CHARGE, RESERVE},
    },
};

/// Task queue of the Rust recordings.
const RUST_TASK_QUEUE: &str = "wfkit-versions";
/// Task queue of the Python recordings.
const PYTHON_TASK_QUEUE: &str = "wfkit-versions-py";
/// The version recorded: the folder name under `versioned_booking/`.
const RECORDED_VERSION: &str = "v1";
/// Folder of the Rust histories under `--out`.
const RUST_FOLDER: &str = "versioned_booking";
/// Folder of the Python histories under `--out`.
const PYTHON_FOLDER: &str = "py_versioned_booking";
/// How long the `waiting-on-timer` recording may take to reach its timer.
const REACH_TIMER_LIMIT_MS: u64 = 30_000;
/// Pause between two history fetches while waiting for the timer.
const POLL_INTERVAL_MS: u64 = 20;

/// One recording: a file name and the workflow input. `hold_ms` decides the shape: a short hold
/// runs to completion, [`WAITING_HOLD_MS`] is recorded while the workflow waits on it.
struct Recording {
    name: &'static str,
    booking_id: &'static str,
    amount_cents: u64,
    hold_ms: u64,
}

/// A hold that outlasts the recording: the workflow is recorded while waiting on it.
const WAITING_HOLD_MS: u64 = 3_600_000;

/// What is recorded, in both languages (`record_versions.py` has the same table).
const RECORDINGS: [Recording; 3] = [
    Recording {
        name: "completed-1",
        booking_id: "b-100",
        amount_cents: 12_000,
        hold_ms: 200,
    },
    Recording {
        name: "completed-2",
        booking_id: "b-200",
        amount_cents: 99,
        hold_ms: 50,
    },
    Recording {
        name: "waiting-on-timer",
        booking_id: "b-300",
        amount_cents: 4_500,
        hold_ms: WAITING_HOLD_MS,
    },
];

const USAGE: &str = "\
record-versions: record the VersionedBooking v1 histories (Rust and Python SDK) from the real
Temporal server

USAGE:
    cargo run -p wfkit-scenarios --bin record-versions -- [OPTIONS]

OPTIONS:
    --out DIR           where to write versioned_booking/v1/*.json and
                        py_versioned_booking/v1/*.json [default: fixtures in the workspace]
    --lang LANG         rust, python or all [default: all]
    --python PATH       the Python with the temporalio SDK [default: .venv/bin/python in the
                        workspace]
    --address HOST:PORT use a running server instead of starting `temporal server start-dev`
    --namespace NAME    namespace on that server [default: default]
    -h, --help          print this help
";

struct Args {
    out: PathBuf,
    rust: bool,
    python: bool,
    python_bin: PathBuf,
    address: Option<String>,
    namespace: String,
}

/// The workspace root: this crate's parent folder.
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest.join(".."))
}

fn parse_args() -> Result<Option<Args>> {
    let root = workspace_root();
    let mut args = Args {
        out: root.join("fixtures"),
        rust: true,
        python: true,
        python_bin: root.join(".venv/bin/python"),
        address: None,
        namespace: "default".to_owned(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .with_context(|| format!("{name} needs a value\n\n{USAGE}"))
        };
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--lang" => match value("--lang")?.as_str() {
                "rust" => (args.rust, args.python) = (true, false),
                "python" => (args.rust, args.python) = (false, true),
                "all" => (args.rust, args.python) = (true, true),
                other => bail!("--lang {other:?}: expected rust, python or all"),
            },
            "--python" => args.python_bin = PathBuf::from(value("--python")?),
            "--address" => args.address = Some(value("--address")?),
            "--namespace" => args.namespace = value("--namespace")?,
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    Ok(Some(args))
}

#[tokio::main]
async fn main() -> Result<()> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    if args.python && !args.python_bin.is_file() {
        bail!(
            "no Python at {} (run `bash scripts/setup.sh`, or pass --python or --lang rust)",
            args.python_bin.display()
        );
    }
    let (server, target) = match &args.address {
        Some(address) => (None, ServerTarget::new(address, &args.namespace)),
        None => {
            let server = DevServer::start()
                .await
                .context("starting the real Temporal dev server")?;
            let target = ServerTarget::new(server.address(), server.namespace());
            eprintln!("started temporal server start-dev at {}", target.address);
            (Some(server), target)
        }
    };
    let recorded = record_all(&args, &target).await;
    if let Some(server) = server {
        server.stop().await.context("stopping the dev server")?;
    }
    let rust_histories = recorded?;

    if args.rust {
        let dir = args.out.join(RUST_FOLDER).join(RECORDED_VERSION);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        for (recording, history) in RECORDINGS.iter().zip(&rust_histories) {
            write_history(&dir.join(format!("{}.json", recording.name)), history)?;
        }
    }
    Ok(())
}

/// Records Rust (kept in memory) then Python (which writes its files only when all of its
/// recordings behaved); returns the Rust histories, in [`RECORDINGS`] order.
async fn record_all(args: &Args, target: &ServerTarget) -> Result<Vec<History>> {
    let histories = if args.rust {
        record_rust(target).await?
    } else {
        Vec::new()
    };
    if args.python {
        record_python(args, target).await?;
    }
    Ok(histories)
}

/// Runs every recording with the Rust v1 worker and checks each history.
async fn record_rust(target: &ServerTarget) -> Result<Vec<History>> {
    let worker = BackgroundWorker::start_with(target, RUST_TASK_QUEUE, || {
        versions::worker_options(RECORDED_VERSION, RUST_TASK_QUEUE)
    })
    .await
    .context("starting the v1 worker")?;
    let client = target.connect().await?;
    let mut histories = Vec::new();
    let mut problems = Vec::new();
    for recording in &RECORDINGS {
        let workflow_id = format!("wfkit-fixture-{RUST_FOLDER}-{}", recording.name);
        let history = if recording.hold_ms == WAITING_HOLD_MS {
            let history = record_waiting(&client, recording, &workflow_id).await?;
            let checks = [
                HistoryCheck::ActivitiesScheduled(vec![RESERVE.to_owned()]),
                HistoryCheck::EventCount {
                    event_type: EventType::TimerStarted,
                    count: 1,
                },
                HistoryCheck::EventCount {
                    event_type: EventType::TimerFired,
                    count: 0,
                },
            ];
            problems.extend(
                verify_all(&history, &checks)
                    .into_iter()
                    .map(|f| format!("{}: {f}", recording.name)),
            );
            history
        } else {
            let spec = completed_spec(recording);
            let run = run_scenario(&client, RUST_TASK_QUEUE, &spec, &workflow_id)
                .await
                .with_context(|| format!("recording {}", recording.name))?;
            problems.extend(run.problems(&spec));
            run.history
        };
        histories.push(history);
    }
    worker.stop().await.context("stopping the v1 worker")?;
    if !problems.is_empty() {
        bail!(
            "the v1 workflow did not behave as expected:\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(histories)
}

/// The input of `recording`.
fn input(recording: &Recording) -> BookingInput {
    BookingInput {
        booking_id: recording.booking_id.to_owned(),
        amount_cents: recording.amount_cents,
        hold_ms: recording.hold_ms,
    }
}

/// A recording that runs to completion, as a scenario: v1's result and its activities.
fn completed_spec(recording: &Recording) -> ScenarioSpec {
    let id = recording.booking_id;
    ScenarioSpec {
        name: recording.name.to_owned(),
        workflow_type: WORKFLOW_TYPE.to_owned(),
        input: json!(input(recording)),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!(format!(
                "reservation-{id}, charged {} cents for {id}",
                recording.amount_cents
            )),
        },
        checks: vec![
            HistoryCheck::ActivitiesScheduled(vec![RESERVE.to_owned(), CHARGE.to_owned()]),
            HistoryCheck::EventCount {
                event_type: EventType::TimerFired,
                count: 1,
            },
            HistoryCheck::EventCount {
                event_type: EventType::WorkflowExecutionCompleted,
                count: 1,
            },
        ],
        execution_timeout_ms: driver::EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

/// Starts the workflow, waits until its last event is `TimerStarted` (the workflow task that
/// started the timer has completed and nothing else is pending), fetches that history, then
/// terminates the run so nothing is left waiting on a shared server.
async fn record_waiting(
    client: &temporalio_client::Client,
    recording: &Recording,
    workflow_id: &str,
) -> Result<History> {
    let options = WorkflowStartOptions::new(RUST_TASK_QUEUE, workflow_id)
        .execution_timeout(Duration::from_millis(driver::EXECUTION_TIMEOUT_MS))
        .build();
    let handle = client
        .start_workflow(BookingV1::run, input(recording), options)
        .await
        .with_context(|| format!("starting {workflow_id}"))?;
    let deadline = Instant::now() + Duration::from_millis(REACH_TIMER_LIMIT_MS);
    let history = loop {
        let events = handle
            .fetch_history(WorkflowFetchHistoryOptions::default())
            .into_events()
            .await
            .with_context(|| format!("fetching the history of {workflow_id}"))?;
        if events
            .last()
            .is_some_and(|e| e.event_type == EventType::TimerStarted as i32)
        {
            break History { events };
        }
        ensure!(
            Instant::now() < deadline,
            "{workflow_id} did not start its timer within {REACH_TIMER_LIMIT_MS} ms"
        );
        tokio::time::sleep(Duration::from_millis(POLL_INTERVAL_MS)).await;
    };
    handle
        .terminate(
            WorkflowTerminateOptions::builder()
                .reason("recorded while waiting on its timer".to_owned())
                .build(),
        )
        .await
        .with_context(|| format!("terminating {workflow_id}"))?;
    Ok(history)
}

/// Runs `record_versions.py` against the same server; it writes its own files.
async fn record_python(args: &Args, target: &ServerTarget) -> Result<()> {
    let script = workspace_root().join("scenarios/python/record_versions.py");
    let out = args.out.join(PYTHON_FOLDER).join(RECORDED_VERSION);
    let status = tokio::process::Command::new(&args.python_bin)
        .arg(&script)
        .args(["--address", &target.address])
        .args(["--namespace", &target.namespace])
        .args(["--task-queue", PYTHON_TASK_QUEUE])
        .arg("--out")
        .arg(&out)
        .status()
        .await
        .with_context(|| format!("running {}", script.display()))?;
    ensure!(
        status.success(),
        "{} failed ({status}); nothing was written",
        script.display()
    );
    Ok(())
}

/// Writes one history as a fixture (see [`wfkit_scenarios::fixture_file::write_fixture`]).
fn write_history(path: &Path, history: &History) -> Result<()> {
    wfkit_scenarios::fixture_file::write_fixture(path, history)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("{}: {} events", path.display(), history.events.len());
    Ok(())
}
