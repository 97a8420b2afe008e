//! `wfkit history stats FILE...`

use std::path::PathBuf;

use anyhow::Context;
use wfkit_history::{
    HISTORY_COUNT_WARN, HISTORY_SIZE_WARN_BYTES, StatsOptions, event, load_file, stats,
};

use crate::exit::{Outcome, outln};

/// Arguments of `wfkit history stats`.
#[derive(Debug, clap::Args)]
pub(crate) struct StatsArgs {
    /// History files in any supported format.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Advise continue-as-new past this many events (the server warns at 10240).
    #[arg(long, default_value_t = HISTORY_COUNT_WARN)]
    continue_as_new_events: usize,
    /// Advise continue-as-new past this many bytes (the server warns at 10 MiB).
    #[arg(long, default_value_t = HISTORY_SIZE_WARN_BYTES)]
    continue_as_new_bytes: usize,
}

/// Prints the statistics of every history in every file.
pub(crate) fn run(args: &StatsArgs) -> Outcome {
    let options = StatsOptions {
        continue_as_new_events: args.continue_as_new_events,
        continue_as_new_bytes: args.continue_as_new_bytes,
    };
    let result = (|| {
        for file in &args.files {
            let loaded =
                load_file(file).with_context(|| format!("cannot read {}", file.display()))?;
            let file_bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
            for (index, history) in loaded.histories.iter().enumerate() {
                let label = if loaded.array {
                    format!("{} #{index}", file.display())
                } else {
                    file.display().to_string()
                };
                outln!(
                    "== {label} ({}, {file_bytes} bytes on disk)",
                    loaded.format_label()
                );
                outln!(
                    "workflow: {}  status: {}",
                    event::workflow_type(&history.events).unwrap_or("?"),
                    event::close_status(&history.events)
                );
                outln!("{}", stats(history, options));
            }
        }
        Ok(true)
    })();
    Outcome::from(result)
}
