//! `wfkit worker`: the built-in worker (official Rust SDK) with the scenario and load
//! workflows (what `wfkit load --no-worker` drives), or one version of the versioned booking
//! example, until Ctrl-C or SIGTERM.

use anyhow::Context;
use wfkit_scenarios::BackgroundWorker;

use crate::exit::{Outcome, outln};

/// Arguments of `wfkit worker`.
#[derive(Debug, clap::Args)]
pub(crate) struct WorkerArgs {
    /// The Temporal frontend to poll: address, namespace, TLS, API key.
    #[command(flatten)]
    connect: wfkit_cluster::ConnectArgs,
    /// Task queue to poll.
    #[arg(long, env = "TEMPORAL_TASK_QUEUE", default_value = "wfkit-scenarios")]
    task_queue: String,
    /// Identity reported to the server (default: the SDK's). `wfkit fuzz --worker-cmd` sets
    /// WFKIT_WORKER_IDENTITY so it can tell worker incarnations apart.
    #[arg(long, env = "WFKIT_WORKER_IDENTITY")]
    identity: Option<String>,
    /// Instead of the scenario and load workflows, register this version of the versioned booking
    /// example (v1, v2, v3, panics), as replay tests across versions do.
    #[arg(long, value_name = "VERSION")]
    booking_version: Option<String>,
}

/// Runs until stopped.
pub(crate) fn run(args: &WorkerArgs) -> Outcome {
    let result = (|| {
        if let Some(version) = &args.booking_version
            && !wfkit_scenarios::versions::VERSIONS.contains(&version.as_str())
        {
            anyhow::bail!(
                "unknown --booking-version {version:?}: expected one of {:?}",
                wfkit_scenarios::versions::VERSIONS
            );
        }
        let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
        runtime.block_on(async {
            let target = crate::worker_target::worker_target(&args.connect.to_options())?;
            let queue = args.task_queue.clone();
            let version = args.booking_version.clone();
            let identity = args.identity.clone();
            let worker = BackgroundWorker::start_with(&target, &args.task_queue, move || {
                let mut options = match version {
                    Some(version) => wfkit_scenarios::versions::worker_options(&version, &queue)?,
                    None => {
                        // The load workflows' type names (`Load…`) do not collide with the
                        // scenarios', so one worker serves `wfkit demo`-style runs and
                        // `wfkit load --no-worker` alike.
                        let mut options = wfkit_scenarios::worker_options(&queue)?;
                        wfkit_scenarios::load::register_load_workflows(&mut options)?;
                        options
                    }
                };
                if identity.is_some() {
                    options.client_identity_override = identity;
                }
                Ok(options)
            })
            .await
            .with_context(|| format!("cannot start the worker against {}", args.connect.address))?;
            outln!(
                "wfkit worker polling {} on {} (namespace {})",
                args.task_queue,
                args.connect.address,
                args.connect.namespace
            );
            let mut terminate =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .context("cannot wait for SIGTERM")?;
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            worker.stop().await?;
            anyhow::Ok(true)
        })
    })();
    Outcome::from(result)
}
