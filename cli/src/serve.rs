//! `wfkit serve`: the reference engine as a stand-alone Temporal-compatible server.

use std::net::{IpAddr, SocketAddr};

use anyhow::Context;
use wfkit_engine::{Engine, EngineConfig, TimeMode};

use crate::exit::{Outcome, outln};

/// Arguments of `wfkit serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Port of the gRPC frontend (0: any free port).
    #[arg(long, default_value_t = 7233)]
    port: u16,
    /// Address to listen on. Loopback by default; the engine has no authentication.
    #[arg(long, default_value = "127.0.0.1")]
    ip: IpAddr,
    /// Skip time ahead whenever no task is outstanding, as Temporal's time-skipping test server
    /// does. Skipping starts locked; clients unlock it through the TestService while they wait.
    #[arg(long)]
    time_skipping: bool,
    /// Seed of the ids the engine makes up (run ids), for reproducible runs.
    #[arg(long, default_value_t = EngineConfig::default().seed)]
    seed: u64,
    /// What the engine logs to stderr: `error`, `warn`, `info`, `debug` (one line per RPC with
    /// its outcome and time), `trace`, or a filter such as `wfkit_engine::rpc=debug`.
    #[arg(long, default_value = "info")]
    log_level: String,
    /// How log lines look: `text` for people, `json` (one object per line) for tools.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

/// The shape of `wfkit serve`'s log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Sends the engine's `tracing` events to stderr, filtered by `level`.
fn init_logging(level: &str, format: LogFormat) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(level)
        .with_context(|| format!("--log-level {level:?} is not a level or filter"))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    installed.map_err(|error| anyhow::anyhow!("cannot install the logger: {error}"))
}

/// Serves until Ctrl-C.
pub(crate) fn run(args: &ServeArgs) -> Outcome {
    let result = (|| {
        init_logging(&args.log_level, args.log_format)?;
        let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
        runtime.block_on(async {
            let config = EngineConfig {
                time_mode: if args.time_skipping {
                    TimeMode::Skipping
                } else {
                    TimeMode::Real
                },
                start_time_skipping_locked: args.time_skipping,
                seed: args.seed,
                ..EngineConfig::default()
            };
            let engine = Engine::start(SocketAddr::new(args.ip, args.port), config).await?;
            outln!(
                "wfkit engine listening on {} (namespace default{}); Ctrl-C stops it",
                engine.address(),
                if args.time_skipping {
                    ", time skipping"
                } else {
                    ""
                }
            );
            tokio::signal::ctrl_c()
                .await
                .context("cannot wait for Ctrl-C")?;
            engine.stop().await;
            Ok(true)
        })
    })();
    Outcome::from(result)
}
