//! `wfkit replay`: judge recorded histories against a worker in any SDK.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};
use wfkit_replay::{ReplayOptions, collect, replay};

use crate::exit::{Outcome, outln};

/// Arguments of `wfkit replay`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReplayArgs {
    /// History files or folders (searched recursively); any format `wfkit history` reads.
    #[arg(long, num_args = 1.., required_unless_present = "from_cluster")]
    histories: Vec<PathBuf>,
    /// Shadowing: pull recent histories from a cluster (`--address`, `--namespace`, TLS and
    /// API-key flags, `--query`, `--limit`) and replay those.
    #[arg(long)]
    from_cluster: bool,
    /// With --from-cluster: the visibility query selecting executions.
    #[arg(long, requires = "from_cluster")]
    query: Option<String>,
    /// With --from-cluster: at most this many executions.
    #[arg(long, requires = "from_cluster", default_value_t = 100)]
    limit: usize,
    /// The cluster to pull from, and the namespace (also the one the worker is told to use).
    #[command(flatten)]
    connect: wfkit_cluster::ConnectArgs,
    /// The worker, as a shell command. It gets TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and
    /// TEMPORAL_TASK_QUEUE, and must poll that queue with the workflows to check registered.
    #[arg(long)]
    worker_cmd: String,

    /// Task queue the worker is told to poll.
    #[arg(long, default_value = "wfkit-replay")]
    task_queue: String,
    /// Output on standard output: human (default), json, junit, or github (annotations).
    #[arg(long, default_value = "human", value_parser = ["human", "json", "junit", "github"])]
    format: String,
    /// Also write the JSON report here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write a JUnit XML report here.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Stop at the first history that is not ok.
    #[arg(long)]
    fail_fast: bool,
    /// Histories judged at the same time.
    #[arg(long, default_value_t = 4)]
    jobs: usize,
    /// Seconds the worker may take to answer one workflow task.
    #[arg(long, default_value_t = 30)]
    task_timeout_s: u64,
}

/// Replays; exit 0 only when every history is ok.
pub(crate) fn run(args: &ReplayArgs) -> Outcome {
    let result = (|| {
        let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
        let namespace = args.connect.to_options().namespace;
        let pulled = tempfile::tempdir().context("cannot create a temporary folder")?;
        let mut paths = args.histories.clone();
        if args.from_cluster {
            runtime.block_on(pull(args, pulled.path()))?;
            paths.push(pulled.path().to_path_buf());
        }
        let items = collect(&paths);
        if items.is_empty() {
            bail!(
                "no histories to replay (paths {:?}{})",
                args.histories,
                if args.from_cluster {
                    ", and none pulled"
                } else {
                    ""
                }
            );
        }
        runtime.block_on(async {
            let engine = TestEngine::start_with(EngineConfig { time_mode: TimeMode::Real, ..EngineConfig::default() }).await?;
            let mut worker = tokio::process::Command::new("sh")
                .arg("-c")
                .arg(format!("exec {}", args.worker_cmd))
                .env("TEMPORAL_ADDRESS", engine.address().to_string())
                .env("TEMPORAL_NAMESPACE", &namespace)
                .env("TEMPORAL_TASK_QUEUE", &args.task_queue)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .with_context(|| format!("cannot start the worker `{}`", args.worker_cmd))?;
            let options = ReplayOptions {
                namespace: namespace.clone(),
                task_queue: args.task_queue.clone(),
                task_timeout: Duration::from_secs(args.task_timeout_s.max(1)),
                                fail_fast: args.fail_fast,
                jobs: args.jobs,
            };
            let report = tokio::select! {
                report = replay(&engine, &options, &items) => report,
                status = worker.wait() => {
                    bail!("the worker `{}` exited before replay finished ({})", args.worker_cmd, status.map(|s| s.to_string()).unwrap_or_default());
                }
            };
            let _ = worker.kill().await;
            engine.stop().await;
            if let Some(out) = &args.out {
                std::fs::write(out, report.to_json()).with_context(|| format!("cannot write {}", out.display()))?;
            }
                        if let Some(junit) = &args.junit {
                std::fs::write(junit, report.to_junit()).with_context(|| format!("cannot write {}", junit.display()))?;
            }
            match args.format.as_str() {
                "json" => outln!("{}", report.to_json()),
                "junit" => outln!("{}", report.to_junit().trim_end()),
                "github" => outln!("{}", report.github_annotations().trim_end()),
                _ => outln!("{}", report.human().trim_end()),
            }
            anyhow::Ok(report.is_ok())
        })
    })();
    Outcome::from(result)
}

/// Pulls the executions `--query` selects into `out`, as `wfkit history pull` does.
async fn pull(args: &ReplayArgs, out: &std::path::Path) -> anyhow::Result<()> {
    let connect_options = args.connect.to_options();
    let mut options =
        wfkit_cluster::PullOptions::new(connect_options.namespace.clone(), out).limit(args.limit);
    if let Some(query) = &args.query {
        options = options.query(query.clone());
    }
    options.validate()?;
    let client = wfkit_cluster::connect(&connect_options).await?;
    let report = wfkit_cluster::pull_histories(&client, &options, |_| {}).await?;
    eprintln!(
        "pulled {} histories from {} ({} failed)",
        report.written.len(),
        connect_options.address,
        report.failed.len()
    );
    Ok(())
}
