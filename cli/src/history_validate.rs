//! `wfkit history validate FILE...`

use std::path::PathBuf;

use wfkit_history::{event, load_file, validate};

use crate::exit::{Outcome, outln};

/// Arguments of `wfkit history validate`.
#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
    /// History files: canonical JSON, legacy JSON, JSON arrays of histories, binary protobuf.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Also print what was tolerated while reading (unknown fields, unknown enum values).
    #[arg(long)]
    warnings: bool,
}

/// Prints one line per file; fails when any file does not load or breaks a rule.
pub(crate) fn run(args: &ValidateArgs) -> Outcome {
    let mut all_valid = true;
    for file in &args.files {
        let shown = file.display();
        let loaded = match load_file(file) {
            Ok(loaded) => loaded,
            Err(error) => {
                all_valid = false;
                outln!("FAIL  {shown}: unreadable: {error}");
                continue;
            }
        };
        let reports: Vec<_> = loaded.histories.iter().map(validate).collect();
        let valid = reports.iter().all(|r| r.is_valid());
        all_valid &= valid;
        let types: Vec<&str> = loaded
            .histories
            .iter()
            .map(|h| event::workflow_type(&h.events).unwrap_or("?"))
            .collect();
        let events: usize = loaded.histories.iter().map(|h| h.events.len()).sum();
        let statuses: Vec<&str> = loaded
            .histories
            .iter()
            .map(|h| event::close_status(&h.events))
            .collect();
        outln!(
            "{}  {shown}  format={} workflow={} events={events} status={}{}",
            if valid { "OK  " } else { "FAIL" },
            loaded.format_label(),
            summarise(&types),
            summarise(&statuses),
            if loaded.warnings.is_empty() {
                String::new()
            } else {
                format!(" warnings={}", loaded.warnings.len())
            },
        );
        for (index, report) in reports.iter().enumerate() {
            for violation in &report.violations {
                if loaded.array {
                    outln!("      history #{index}: {violation}");
                } else {
                    outln!("      {violation}");
                }
            }
        }
        if args.warnings {
            for warning in &loaded.warnings {
                outln!("      warning: {warning}");
            }
        }
    }
    if all_valid {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    }
}

/// `a` for one value, `a,b,c` for a few, `a,b,... (N)` for many.
fn summarise(values: &[&str]) -> String {
    const SHOWN: usize = 3;
    if values.len() <= SHOWN {
        return values.join(",");
    }
    format!(
        "{},... ({} histories)",
        values[..SHOWN].join(","),
        values.len()
    )
}
