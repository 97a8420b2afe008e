//! `wfkit history pull --address HOST:PORT --query Q --limit N --out DIR`

use std::path::PathBuf;

use anyhow::bail;
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};
use wfkit_cluster::{
    ConnectArgs, DEFAULT_CONCURRENCY, MAX_EXECUTIONS, PullOptions, PullProgress, connect,
    pull_histories,
};

use crate::exit::outln;

/// Arguments of `wfkit history pull`.
#[derive(Debug, clap::Args)]
pub(crate) struct PullArgs {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Visibility query selecting the executions, e.g.
    /// "WorkflowType = 'Order' AND ExecutionStatus = 'Completed'" (default: all of them).
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// Pull at most N executions (at most 100000 per run; narrow the query for more).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Directory for the histories, one `<workflowId>__<runId>.json` each (created if missing;
    /// files of the same name are replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Histories downloaded at the same time (1 to 32).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY)]
    concurrency: usize,
}

/// Connects, pulls every matching history into `--out` as canonical JSON with a progress bar
/// on stderr, and prints a summary. Histories that fail are reported as they happen; if any
/// failed, the command fails after pulling all the others.
pub(crate) async fn run(args: PullArgs) -> anyhow::Result<()> {
    let connect_options = args.connect.to_options();
    let options = PullOptions {
        namespace: connect_options.namespace.clone(),
        query: args.query.clone(),
        limit: args.limit,
        out_dir: args.out.clone(),
        concurrency: args.concurrency,
    };
    // Bad flags fail before dialling a (possibly remote, possibly slow) server.
    options.validate()?;
    let client = connect(&connect_options).await?;

    // Drawn on stderr, and only when stderr is a terminal: piped output stays clean.
    let bar = ProgressBar::new_spinner();
    bar.set_style(style("{spinner} {msg}"));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar.set_message("listing executions");
    let report = pull_histories(&client, &options, |progress| match progress {
        PullProgress::Listing { found } => {
            bar.set_message(format!("listing executions: {found} found"))
        }
        PullProgress::Listed { total } => {
            bar.set_style(style("{bar:30} {pos}/{len} histories  eta {eta}  {msg}"));
            bar.set_length(u64::try_from(total).unwrap_or(u64::MAX));
            bar.set_position(0);
            bar.set_message("");
        }
        PullProgress::Written(pulled) => {
            bar.inc(1);
            bar.set_message(pulled.execution.workflow_id.clone());
        }
        PullProgress::Failed(failure) => {
            bar.inc(1);
            bar.suspend(|| {
                eprintln!(
                    "wfkit: {} / {}: {}",
                    failure.execution.workflow_id, failure.execution.run_id, failure.error
                );
            });
        }
        _ => {}
    })
    .await;
    bar.finish_and_clear();
    let report = report?;

    let open = report
        .written
        .iter()
        .filter(|pulled| !pulled.closed)
        .count();
    outln!(
        "pulled {} of {} histories ({} events, {}) into {}",
        report.written.len(),
        report.listed,
        report.events,
        HumanBytes(report.bytes),
        args.out.display()
    );
    match open {
        0 => {}
        1 => outln!("1 of them is still running: its history is written as it stands"),
        _ => outln!("{open} of them are still running: their histories are written as they stand"),
    }
    if report.truncated {
        let stop = match args.limit {
            Some(limit) if limit < MAX_EXECUTIONS => format!("--limit {limit}"),
            _ => format!("the cap of {MAX_EXECUTIONS} per run"),
        };
        outln!("more executions match: stopped at {stop}");
    }
    if !report.failed.is_empty() {
        bail!(
            "{} of {} histories could not be pulled (listed above)",
            report.failed.len(),
            report.listed
        );
    }
    Ok(())
}

fn style(template: &str) -> ProgressStyle {
    // The templates are constants; a bad one is a bug, and a plain bar is a fine fallback.
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}
