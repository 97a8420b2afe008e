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
    #[command(flatten)]
    logging: LoggingArgs,
}

/// Arguments of `wfkit test-server` (and of the `wfkit-test-server` binary): the calling
/// convention of Temporal's Java time-skipping test server, `<exe> <port> [args...]`, which the
/// Python, TypeScript and .NET SDKs' time-skipping environments use for an existing binary.
#[derive(Debug, clap::Args)]
pub(crate) struct TestServerArgs {
    /// Port to listen on, on the loopback address.
    port: u16,
    /// Accepted for the Java test server's sake; time skipping is always on here.
    #[arg(long)]
    enable_time_skipping: bool,
    #[command(flatten)]
    logging: LoggingArgs,
}

/// Logging flags shared by the serving commands.
#[derive(Debug, clap::Args)]
pub(crate) struct LoggingArgs {
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
    let suffix = if args.time_skipping {
        ", time skipping"
    } else {
        ""
    };
    serve_until_stopped(
        SocketAddr::new(args.ip, args.port),
        config,
        &args.logging,
        suffix,
    )
}

/// `wfkit test-server <port>`: time skipping on and locked at start, as the Java test server
/// starts; the SDKs unlock it while they wait on a result.
pub(crate) fn run_test_server(args: &TestServerArgs) -> Outcome {
    let _ = args.enable_time_skipping;
    let config = EngineConfig {
        time_mode: TimeMode::Skipping,
        start_time_skipping_locked: true,
        ..EngineConfig::default()
    };
    let listen = SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, args.port));
    serve_until_stopped(
        listen,
        config,
        &args.logging,
        ", time skipping, test server",
    )
}

/// Serves until Ctrl-C or SIGTERM (how the SDKs stop a test server).
fn serve_until_stopped(
    listen: SocketAddr,
    config: EngineConfig,
    logging: &LoggingArgs,
    suffix: &str,
) -> Outcome {
    let result = (|| {
        init_logging(&logging.log_level, logging.log_format)?;
        let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
        runtime.block_on(async {
            let engine = Engine::start(listen, config).await?;
            outln!(
                "wfkit engine listening on {} (namespace default{suffix}); Ctrl-C stops it",
                engine.address(),
            );
            let mut terminate =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .context("cannot wait for SIGTERM")?;
            tokio::select! {
                stopped = tokio::signal::ctrl_c() => stopped.context("cannot wait for Ctrl-C")?,
                _ = terminate.recv() => {}
            }
            engine.stop().await;
            Ok(true)
        })
    })();
    Outcome::from(result)
}
