//! `wfkit history show FILE`

use std::path::PathBuf;

use anyhow::Context;
use wfkit_history::{load_file, render_table};

use crate::exit::{Outcome, outln};

/// Arguments of `wfkit history show`.
#[derive(Debug, clap::Args)]
pub(crate) struct ShowArgs {
    /// A history file in any supported format.
    file: PathBuf,
}

/// Prints the event table of every history in the file.
pub(crate) fn run(args: &ShowArgs) -> Outcome {
    let result = (|| {
        let loaded = load_file(&args.file)
            .with_context(|| format!("cannot show {}", args.file.display()))?;
        for (index, history) in loaded.histories.iter().enumerate() {
            if loaded.array {
                outln!("history #{index}");
            }
            outln!("{}", render_table(history).trim_end());
        }
        for warning in &loaded.warnings {
            eprintln!("warning: {warning}");
        }
        Ok(true)
    })();
    Outcome::from(result)
}
