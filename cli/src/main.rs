//! `wfkit`: the command-line face of the wfkit libraries.
//!
//! Exit codes: 0 success; 1 a check failed (an invalid history, histories that differ);
//! 2 the input could not be used (unreadable file, bad flags).

mod demo;
mod exit;
mod fuzz;
mod history_convert;
mod history_diff;
mod history_pull;
mod history_show;
mod history_stats;
mod history_validate;
mod load;
mod load_http;
mod replay;
mod report;
mod serve;
mod worker;
mod worker_target;

use clap::{Parser, Subcommand};

use crate::exit::Outcome;

/// wfkit: test, replay and load-benchmark workflow systems that speak Temporal's API.
#[derive(Debug, Parser)]
#[command(name = "wfkit", version, about, long_about = None, after_help = exit::EXIT_CODES_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read, check, convert, compare and summarise workflow histories.
    #[command(subcommand)]
    History(HistoryCommand),
    /// Run every scenario workflow (official Rust SDK worker) on the embedded engine.
    Demo(demo::DemoArgs),
    /// Replay recorded histories against a worker (any SDK) and flag nondeterminism.
    Replay(Box<replay::ReplayArgs>),
    /// Fault-inject a workflow with generated plans and shrink a failure to a minimal plan.
    Fuzz(Box<fuzz::FuzzArgs>),
    /// Run the built-in worker (official Rust SDK) with the scenario and load workflows.
    Worker(worker::WorkerArgs),
    /// Load-test a Temporal frontend (or the embedded engine) and write a report.
    Load(Box<load::LoadArgs>),
    /// Run the reference engine as a stand-alone Temporal-compatible server.
    Serve(serve::ServeArgs),
    /// The engine as a drop-in for Temporal's Java time-skipping test server: `wfkit
    /// test-server PORT` (the SDKs' environments run `wfkit-test-server PORT`).
    TestServer(serve::TestServerArgs),
    /// Work with load reports: merge the reports of several load generator processes.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// HTTP load on goose (Temporal's HTTP API by default), written as a load report.
    LoadHttp(Box<load_http::LoadHttpArgs>),
}

#[derive(Debug, Subcommand)]
enum HistoryCommand {
    /// Check that history files load and obey Temporal's history rules; one line per file.
    Validate(history_validate::ValidateArgs),
    /// Print a readable table of a history's events.
    Show(history_show::ShowArgs),
    /// Convert a history between canonical JSON, legacy JSON and binary protobuf.
    Convert(history_convert::ConvertArgs),
    /// Compare two histories after normalisation; print the first diverging event.
    Diff(history_diff::DiffArgs),
    /// Events, bytes, largest payloads and continue-as-new advice.
    Stats(history_stats::StatsArgs),
    /// Download workflow histories from a Temporal cluster into JSON files.
    Pull(Box<history_pull::PullArgs>),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::History(command) => match command {
            HistoryCommand::Validate(args) => history_validate::run(&args),
            HistoryCommand::Show(args) => history_show::run(&args),
            HistoryCommand::Convert(args) => history_convert::run(&args),
            HistoryCommand::Diff(args) => history_diff::run(&args),
            HistoryCommand::Stats(args) => history_stats::run(&args),
            HistoryCommand::Pull(args) => match tokio::runtime::Runtime::new() {
                Ok(runtime) => {
                    Outcome::from(runtime.block_on(history_pull::run(*args)).map(|()| true))
                }
                Err(error) => Outcome::Error(error.into()),
            },
        },
        Command::Serve(args) => serve::run(&args),
        Command::TestServer(args) => serve::run_test_server(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Worker(args) => worker::run(&args),
        Command::Fuzz(args) => fuzz::run(&args),
        Command::Load(args) => load::run(&args),
        Command::Report(command) => report::run(&command),
        Command::LoadHttp(args) => load_http::run(&args),
    };
    exit::finish(outcome)
}
