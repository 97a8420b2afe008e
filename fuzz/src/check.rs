//! The runner: a fault-free baseline run sizes the plans, regressions found earlier run first,
//! then proptest generates plans, each case is judged by the invariants, and a failure shrinks
//! to the smallest plan that still breaks one. Everything is seeded: the same seed gives the
//! same plans, the same minimal plan and the same histories.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_replay::{HistoryItem, ReplayOptions};

use crate::case::{CaseEnd, CaseOutcome, incarnation_seed, run_case};
use crate::effects::SideEffects;
use crate::error::FuzzError;
use crate::invariants::{self, Invariant, Violation};
use crate::plan::FaultPlan;
use crate::strategy::{self, Profile};
use crate::target::{FuzzTarget, WorkerSpawn, Workers};

/// Cases per run unless `WFKIT_FUZZ_CASES` says otherwise.
pub const DEFAULT_CASES: u32 = 100;
/// Faults per plan at most.
pub const DEFAULT_MAX_FAULTS: usize = 3;
/// Shrinking steps at most.
const DEFAULT_MAX_SHRINK_ITERS: u32 = 64;
/// How long the replay check may take per workflow task.
const REPLAY_TASK_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of a fuzz run.
#[derive(Debug, Clone)]
#[must_use]
pub struct FuzzConfig {
    /// Generated cases (after the baseline and the regressions).
    pub cases: u32,
    /// The seed of everything random; printed with every failure.
    pub seed: u64,
    /// Faults per plan at most.
    pub max_faults: usize,
    /// Shrinking steps at most.
    pub max_shrink_iters: u32,
    /// Where failing plans are kept and rerun first (`None`: nowhere).
    pub regressions: Option<PathBuf>,
}

impl FuzzConfig {
    /// Settings for a test named `name`: `WFKIT_FUZZ_CASES` cases (default 100),
    /// `WFKIT_FUZZ_SEED` or a fixed seed derived from `name`, regressions in
    /// `proptest-regressions/<name>.txt` under the current directory (the crate's, in
    /// `cargo test`).
    pub fn for_test(name: &str) -> Result<Self, FuzzError> {
        let cases = match std::env::var("WFKIT_FUZZ_CASES") {
            Ok(text) => text.parse().map_err(|_| {
                FuzzError::Config(format!("WFKIT_FUZZ_CASES={text}: expected a whole number"))
            })?,
            Err(_) => DEFAULT_CASES,
        };
        let seed = match std::env::var("WFKIT_FUZZ_SEED") {
            Ok(text) => text.parse().map_err(|_| {
                FuzzError::Config(format!("WFKIT_FUZZ_SEED={text}: expected a whole number"))
            })?,
            Err(_) => name_seed(name),
        };
        Ok(FuzzConfig {
            cases,
            seed,
            max_faults: DEFAULT_MAX_FAULTS,
            max_shrink_iters: DEFAULT_MAX_SHRINK_ITERS,
            regressions: Some(Path::new("proptest-regressions").join(format!("{name}.txt"))),
        })
    }
}

/// A stable seed from a name (FNV-1a), so a test is reproducible without any setting.
fn name_seed(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A fuzz run: a target, its workers, the invariants beyond the built-in ones, settings.
#[derive(Debug, Clone)]
#[must_use]
pub struct Fuzz {
    /// The workflow.
    pub target: FuzzTarget,
    /// Its workers.
    pub workers: Workers,
    /// User invariants.
    pub invariants: Vec<Invariant>,
    /// Settings.
    pub config: FuzzConfig,
}

/// A plan that breaks an invariant.
#[derive(Debug, Clone)]
pub struct FuzzFailure {
    /// The run's seed.
    pub seed: u64,
    /// The smallest plan found that still fails.
    pub plan: FaultPlan,
    /// What broke.
    pub violations: Vec<Violation>,
    /// The failing case.
    pub outcome: CaseOutcome,
    /// Where the plan came from: `baseline`, `regression file`, or `generated case N`.
    pub found_by: String,
}

impl std::fmt::Display for FuzzFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "wfkit fuzz: invariant broken ({}, seed {}):",
            self.found_by, self.seed
        )?;
        for violation in &self.violations {
            writeln!(f, "  - {violation}")?;
        }
        writeln!(f, "minimal fault plan ({} faults):", self.plan.faults.len())?;
        for line in self.plan.to_string().lines() {
            writeln!(f, "  {line}")?;
        }
        writeln!(
            f,
            "workflow: {:?} after {} worker incarnation(s); activities scheduled: {}",
            self.outcome.end,
            self.outcome.incarnations,
            self.outcome.scheduled_activities().join(", ")
        )?;
        write!(
            f,
            "rerun: WFKIT_FUZZ_SEED={} (or paste the plan into FaultPlan::parse and call Fuzz::run_plan)",
            self.seed
        )
    }
}

/// What a fuzz run did.
#[derive(Debug, Clone)]
pub struct FuzzReport {
    /// The seed.
    pub seed: u64,
    /// Cases run: baseline, regressions and generated (shrinking steps included).
    pub cases_run: u32,
    /// The size of the fault-free run.
    pub profile: Profile,
    /// Real time of the whole run.
    pub elapsed: Duration,
    /// The failure, if one was found.
    pub failure: Option<FuzzFailure>,
}

impl Fuzz {
    /// A run of `target` with `workers` and settings for the test `name` (see
    /// [`FuzzConfig::for_test`]).
    pub fn new(target: FuzzTarget, workers: Workers, name: &str) -> Result<Self, FuzzError> {
        Ok(Fuzz {
            target,
            workers,
            invariants: Vec::new(),
            config: FuzzConfig::for_test(name)?,
        })
    }

    /// Adds a user invariant.
    pub fn invariant(
        mut self,
        name: impl Into<String>,
        check: impl Fn(&CaseOutcome) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.invariants.push(Invariant::new(name, check));
        self
    }

    /// Changes the number of generated cases.
    pub fn cases(mut self, cases: u32) -> Self {
        self.config.cases = cases;
        self
    }

    /// Runs the baseline, the regressions and the generated cases; stops at the first
    /// failure (shrunk).
    pub fn run(&self) -> Result<FuzzReport, FuzzError> {
        let runtime = runtime()?;
        runtime.block_on(self.run_async_parts(&runtime))
    }

    /// Runs one plan (for example one pasted from a failure) and judges it.
    pub fn run_plan(&self, plan: &FaultPlan) -> Result<(CaseOutcome, Vec<Violation>), FuzzError> {
        let runtime = runtime()?;
        runtime.block_on(async {
            let replay_engine = replay_engine().await?;
            let judged = self.judge(&replay_engine, plan).await;
            let _ = tokio::time::timeout(Duration::from_secs(2), replay_engine.stop()).await;
            judged
        })
    }

    async fn run_async_parts(
        &self,
        runtime: &tokio::runtime::Runtime,
    ) -> Result<FuzzReport, FuzzError> {
        let started = Instant::now();
        let replay_engine = replay_engine().await?;
        let seed = self.config.seed;
        let mut cases_run = 1;
        let (baseline, violations) = self.judge(&replay_engine, &FaultPlan::none()).await?;
        let profile = profile(&baseline, &self.target);
        let report = |cases_run, failure| FuzzReport {
            seed,
            cases_run,
            profile,
            elapsed: started.elapsed(),
            failure,
        };
        if !violations.is_empty() {
            let failure = self.failure(FaultPlan::none(), violations, baseline, "baseline");
            return Ok(report(cases_run, Some(failure)));
        }
        for plan in self.read_regressions()? {
            cases_run += 1;
            let (outcome, violations) = self.judge(&replay_engine, &plan).await?;
            if !violations.is_empty() {
                let failure = self.failure(plan, violations, outcome, "regression file");
                return Ok(report(cases_run, Some(failure)));
            }
        }
        // proptest drives the generated cases synchronously; each case blocks on this runtime
        // from a blocking thread.
        let generated = AtomicU32::new(0);
        let handle = runtime.handle().clone();
        let result = tokio::task::block_in_place(|| {
            let mut runner = TestRunner::new_with_rng(
                Config {
                    cases: self.config.cases,
                    max_shrink_iters: self.config.max_shrink_iters,
                    failure_persistence: None,
                    ..Config::default()
                },
                TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes(seed)),
            );
            runner.run(&strategy::plan(profile, self.config.max_faults), |plan| {
                generated.fetch_add(1, Ordering::Relaxed);
                let judged = handle.block_on(self.judge(&replay_engine, &plan));
                match judged {
                    Ok((_, violations)) if violations.is_empty() => Ok(()),
                    Ok((_, violations)) => Err(TestCaseError::fail(
                        violations
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; "),
                    )),
                    Err(error) => Err(TestCaseError::fail(format!("harness error: {error}"))),
                }
            })
        });
        cases_run += generated.load(Ordering::Relaxed);
        let failure = match result {
            Ok(()) => None,
            Err(TestError::Fail(reason, plan)) => {
                let (outcome, mut violations) = self.judge(&replay_engine, &plan).await?;
                if violations.is_empty() {
                    // The harness or the code under test is not deterministic: say so, with
                    // what the shrinking run saw.
                    violations.push(Violation {
                        invariant: "reproducible".to_string(),
                        message: format!("the plan failed once ({reason}) but passed when rerun"),
                    });
                }
                self.persist(&plan)?;
                Some(self.failure(plan, violations, outcome, "generated case"))
            }
            Err(TestError::Abort(why)) => {
                return Err(FuzzError::Config(format!("proptest aborted: {why}")));
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(2), replay_engine.stop()).await;
        Ok(report(cases_run, failure))
    }

    fn failure(
        &self,
        plan: FaultPlan,
        violations: Vec<Violation>,
        outcome: CaseOutcome,
        found_by: &str,
    ) -> FuzzFailure {
        FuzzFailure {
            seed: self.config.seed,
            plan,
            violations,
            outcome,
            found_by: found_by.to_string(),
        }
    }

    /// Runs a case and collects every broken invariant.
    async fn judge(
        &self,
        replay_engine: &TestEngine,
        plan: &FaultPlan,
    ) -> Result<(CaseOutcome, Vec<Violation>), FuzzError> {
        let outcome = run_case(&self.target, &self.workers, plan, self.config.seed).await?;
        let mut violations = invariants::built_in(&outcome);
        if matches!(outcome.end, CaseEnd::Closed(_)) {
            violations.extend(self.replay_check(replay_engine, &outcome).await?);
        }
        violations.extend(invariants::user(&outcome, &self.invariants));
        Ok((outcome, violations))
    }

    /// Replays every run's history against the same code (a fresh worker with incarnation 0's
    /// seed) and reports any that is not deterministic.
    async fn replay_check(
        &self,
        replay_engine: &TestEngine,
        outcome: &CaseOutcome,
    ) -> Result<Vec<Violation>, FuzzError> {
        static REPLAYS: AtomicU32 = AtomicU32::new(0);
        let task_queue = format!(
            "wfkit-fuzz-replay-{}",
            REPLAYS.fetch_add(1, Ordering::Relaxed)
        );
        let worker = self
            .workers
            .spawn(WorkerSpawn {
                address: replay_engine.address().to_string(),
                namespace: self.target.namespace.clone(),
                task_queue: task_queue.clone(),
                identity: "wfkit-fuzz-replayer".to_string(),
                incarnation: 0,
                seed: incarnation_seed(self.config.seed, 0),
                effects: SideEffects::new(),
            })
            .await?;
        let items: Vec<HistoryItem> = outcome
            .histories
            .iter()
            .enumerate()
            .map(|(run, history)| HistoryItem {
                source: format!("run {run}"),
                group: None,
                history: Ok(history.clone()),
            })
            .collect();
        let options = ReplayOptions {
            namespace: self.target.namespace.clone(),
            task_queue,
            task_timeout: REPLAY_TASK_TIMEOUT,
            ..ReplayOptions::default()
        };
        let report = wfkit_replay::replay(replay_engine, &options, &items).await;
        worker.stop().await;
        Ok(report
            .results
            .iter()
            .filter(|result| !result.verdict.is_ok())
            .map(|result| Violation {
                invariant: "replay is deterministic".to_string(),
                message: format!("{}: {}", result.source, result.verdict),
            })
            .collect())
    }

    fn read_regressions(&self) -> Result<Vec<FaultPlan>, FuzzError> {
        let Some(path) = &self.config.regressions else {
            return Ok(Vec::new());
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(FuzzError::Regressions {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        text.split("\n---")
            .map(|block| {
                let plan_text: String = block
                    .lines()
                    .filter(|line| !line.starts_with("seed "))
                    .collect::<Vec<_>>()
                    .join("\n");
                FaultPlan::parse(&plan_text)
            })
            .filter(|plan| !matches!(plan, Ok(plan) if plan.faults.is_empty()))
            .collect()
    }

    /// Appends a failing plan to the regression file (once).
    fn persist(&self, plan: &FaultPlan) -> Result<(), FuzzError> {
        let Some(path) = &self.config.regressions else {
            return Ok(());
        };
        let io = |source| FuzzError::Regressions {
            path: path.display().to_string(),
            source,
        };
        if self.read_regressions()?.contains(plan) {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut text = std::fs::read_to_string(path).unwrap_or_else(|_| {
            "# wfkit fuzz regressions: failing fault plans, rerun before new cases. Blocks end \
             with `---`.\n"
                .to_string()
        });
        text.push_str(&format!("seed {}\n{plan}\n---\n", self.config.seed));
        std::fs::write(path, text).map_err(io)
    }
}

/// Runs `fuzz` and panics with the failure (seed, violations, minimal plan) if it finds one:
/// the entry point for `#[test]` functions (not `#[tokio::test]`: it makes its own runtime).
#[track_caller]
pub fn check(fuzz: &Fuzz) -> FuzzReport {
    match fuzz.run() {
        Ok(report) => {
            if let Some(failure) = &report.failure {
                panic!("{failure}");
            }
            report
        }
        Err(error) => panic!("wfkit fuzz could not run: {error}"),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, FuzzError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(FuzzError::Runtime)
}

async fn replay_engine() -> Result<TestEngine, FuzzError> {
    Ok(TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Real,
        ..EngineConfig::default()
    })
    .await?)
}

/// The size of the fault-free run, which bounds the task numbers of generated plans.
fn profile(baseline: &CaseOutcome, target: &FuzzTarget) -> Profile {
    let count = |wanted: fn(&Attributes) -> bool| {
        baseline
            .histories
            .iter()
            .flat_map(|history| history.events.iter())
            .filter(|event| event.attributes.as_ref().is_some_and(wanted))
            .count()
    };
    let workflow_tasks =
        count(|a| matches!(a, Attributes::WorkflowTaskCompletedEventAttributes(_)));
    let activity_tasks = count(|a| matches!(a, Attributes::ActivityTaskStartedEventAttributes(_)));
    Profile {
        workflow_tasks: u32::try_from(workflow_tasks).unwrap_or(u32::MAX),
        activity_tasks: u32::try_from(activity_tasks).unwrap_or(u32::MAX),
        signals: target.signals.len(),
    }
}

fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for (index, chunk) in bytes.chunks_mut(8).enumerate() {
        let part = incarnation_seed(seed, u32::try_from(index).unwrap_or(0));
        chunk.copy_from_slice(&part.to_le_bytes());
    }
    bytes
}
