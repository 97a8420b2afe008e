//! `wfkit-test-server PORT [flags]`: the engine as a drop-in for Temporal's Java time-skipping
//! test server. The Python, TypeScript and .NET SDKs run an existing test server binary as
//! `<exe> <port> [args...]`; this binary takes exactly that, and is the same code as
//! `wfkit test-server`.
//!
//! ```text
//! WorkflowEnvironment.start_time_skipping(test_server_existing_path="/path/to/wfkit-test-server")
//! ```

// The serving code is shared with the `wfkit` binary, file for file; what only `wfkit` uses
// (`wfkit serve`) is unused here.
#[allow(dead_code)]
#[path = "exit.rs"]
mod exit;
#[allow(dead_code)]
#[path = "serve.rs"]
mod serve;

use clap::Parser;

/// wfkit-test-server: Temporal's time-skipping test server, served by wfkit's engine.
#[derive(Debug, Parser)]
#[command(name = "wfkit-test-server", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    args: serve::TestServerArgs,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    exit::finish(serve::run_test_server(&cli.args))
}
