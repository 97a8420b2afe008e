//! `wfkit report merge REPORT.json... --out DIR [--name NAME]`: one report from the reports of
//! several load generator processes, so one run can span machines.

use std::path::{Path, PathBuf};

use anyhow::Context;
use wfkit_loadgen::report::{self, merge_report_files};

use crate::exit::{Outcome, outln};

/// `wfkit report ...`
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ReportCommand {
    /// Merge the JSON reports of several load generator processes into one report folder
    /// (JSON, Markdown, HTML, HdrHistogram logs). Histograms are added exactly; series are
    /// aligned on each run's wall-clock start.
    Merge(MergeArgs),
}

/// Arguments of `wfkit report merge`.
#[derive(Debug, clap::Args)]
pub(crate) struct MergeArgs {
    /// `report.json` files written by `wfkit load` or `wfkit load-http` (or their folders).
    #[arg(required = true, value_name = "REPORT.json")]
    reports: Vec<PathBuf>,
    /// The folder to write the merged report into (created if needed).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The merged run's name: letters, digits, `-`, `_`, `.`.
    #[arg(long, default_value = "merged")]
    name: String,
}

/// Runs a `wfkit report` command.
pub(crate) fn run(command: &ReportCommand) -> Outcome {
    match command {
        ReportCommand::Merge(args) => Outcome::from(merge(args).map(|()| true)),
    }
}

fn merge(args: &MergeArgs) -> anyhow::Result<()> {
    // The same rule as report folders, so the name can become one.
    report::report_dir(Path::new("."), &args.name).context("--name")?;
    for path in &args.reports {
        if !path.exists() {
            anyhow::bail!("{}: no such file or folder", path.display());
        }
    }
    let merged = merge_report_files(&args.name, &args.reports)
        .context("cannot merge the reports (each must be a wfkit-loadgen report.json)")?;
    for warning in &merged.warnings {
        eprintln!("wfkit: warning: {warning}");
    }
    let written = report::write_report_dir(&merged.report, &args.out)
        .with_context(|| format!("cannot write the merged report to {}", args.out.display()))?;
    let summary = &merged.report;
    let corrected = &summary.summary.end_to_end_corrected_us;
    outln!(
        "merged {} reports ({} processes): issued {}, completed {}, failed {}, {:.2} completed/s",
        args.reports.len(),
        summary.run.processes,
        summary.counts.issued,
        summary.counts.completed,
        summary.counts.failed,
        summary.summary.throughput.completed_per_s
    );
    outln!(
        "end-to-end corrected: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        corrected.p50_us as f64 / 1_000.0,
        corrected.p99_us as f64 / 1_000.0,
        corrected.max_us as f64 / 1_000.0
    );
    for (path, shift_s) in args.reports.iter().zip(&merged.shifts_s) {
        if *shift_s > 0 {
            outln!(
                "{}: started {shift_s} s after the first; series shifted",
                path.display()
            );
        }
    }
    outln!("wrote {} files to {}", written.len(), args.out.display());
    Ok(())
}
