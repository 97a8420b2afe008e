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
    /// Replay against several code versions: `{version}` in --worker-cmd is replaced by each
    /// (comma-separated), and a matrix of recorded version × code version is printed.
    #[arg(long, value_delimiter = ',')]
    code_versions: Vec<String>,
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
        if !args.code_versions.is_empty() {
            return runtime.block_on(matrix(args, &namespace, &items));
        }
        let report = runtime.block_on(replay_with_worker(
            args,
            &args.worker_cmd,
            &namespace,
            &items,
        ))?;
        if let Some(out) = &args.out {
            std::fs::write(out, report.to_json())
                .with_context(|| format!("cannot write {}", out.display()))?;
        }
        if let Some(junit) = &args.junit {
            std::fs::write(junit, report.to_junit())
                .with_context(|| format!("cannot write {}", junit.display()))?;
        }
        match args.format.as_str() {
            "json" => outln!("{}", report.to_json()),
            "junit" => outln!("{}", report.to_junit().trim_end()),
            "github" => outln!("{}", report.github_annotations().trim_end()),
            _ => outln!("{}", report.human().trim_end()),
        }
        Ok(report.is_ok())
    })();
    Outcome::from(result)
}

/// Starts the engine and the worker, replays every item, stops both.
async fn replay_with_worker(
    args: &ReplayArgs,
    worker_cmd: &str,
    namespace: &str,
    items: &[wfkit_replay::HistoryItem],
) -> anyhow::Result<wfkit_replay::ReplayReport> {
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Real,
        ..EngineConfig::default()
    })
    .await?;
    let mut worker = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec {worker_cmd}"))
        .env("TEMPORAL_ADDRESS", engine.address().to_string())
        .env("TEMPORAL_NAMESPACE", namespace)
        .env("TEMPORAL_TASK_QUEUE", &args.task_queue)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start the worker `{worker_cmd}`"))?;
    let options = ReplayOptions {
        namespace: namespace.to_string(),
        task_queue: args.task_queue.clone(),
        task_timeout: Duration::from_secs(args.task_timeout_s.max(1)),
        fail_fast: args.fail_fast,
        jobs: args.jobs,
    };
    let report = tokio::select! {
        report = replay(&engine, &options, items) => report,
        status = worker.wait() => {
            let status = status.map(|s| s.to_string()).unwrap_or_default();
            bail!("the worker `{worker_cmd}` exited before replay finished ({status})");
        }
    };
    let _ = worker.kill().await;
    engine.stop().await;
    Ok(report)
}

/// `--code-versions`: the same histories against each code version (`{version}` in the worker
/// command), then a table of recorded version × code version.
async fn matrix(
    args: &ReplayArgs,
    namespace: &str,
    items: &[wfkit_replay::HistoryItem],
) -> anyhow::Result<bool> {
    use std::collections::BTreeMap;
    if !args.worker_cmd.contains("{version}") {
        bail!("--code-versions needs `{{version}}` in --worker-cmd, replaced by each version");
    }
    let mut cells: BTreeMap<String, BTreeMap<String, (usize, usize)>> = BTreeMap::new();
    let mut all_ok = true;
    for version in &args.code_versions {
        let report = replay_with_worker(
            args,
            &args.worker_cmd.replace("{version}", version),
            namespace,
            items,
        )
        .await?;
        all_ok &= report.is_ok();
        outln!("== code version {version}\n{}\n", report.human().trim_end());
        for result in &report.results {
            let group = result
                .group
                .clone()
                .unwrap_or_else(|| result.source.clone());
            let cell = cells
                .entry(group)
                .or_default()
                .entry(version.clone())
                .or_default();
            cell.1 += 1;
            if result.verdict.is_ok() {
                cell.0 += 1;
            }
        }
    }
    outln!("histories that replay ok, by recorded version (rows) and code version (columns):");
    let header: Vec<String> = args
        .code_versions
        .iter()
        .map(|v| format!("{v:>10}"))
        .collect();
    outln!("{:<40} {}", "", header.join(" "));
    for (group, by_version) in &cells {
        let row: Vec<String> = args
            .code_versions
            .iter()
            .map(|v| {
                by_version
                    .get(v)
                    .map_or("-".to_string(), |(ok, all)| format!("{ok}/{all}"))
            })
            .map(|cell| format!("{cell:>10}"))
            .collect();
        outln!("{group:<40} {}", row.join(" "));
    }
    Ok(all_ok)
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
