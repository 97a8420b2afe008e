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
}

/// Serves until Ctrl-C.
pub(crate) fn run(args: &ServeArgs) -> Outcome {
    let result = (|| {
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
