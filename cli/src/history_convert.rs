//! `wfkit history convert --to FORMAT IN OUT`

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use wfkit_history::{Format, load_file, write_histories};

use crate::exit::Outcome;

/// Arguments of `wfkit history convert`.
#[derive(Debug, clap::Args)]
pub(crate) struct ConvertArgs {
    /// Output format: json (canonical, as `temporal workflow show -o json`), legacy-json, proto.
    #[arg(long, value_parser = parse_format)]
    to: Format,
    /// Input history, any supported format.
    input: PathBuf,
    /// Output file, or `-` for standard output. Written whole or not at all.
    output: PathBuf,
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name)
        .ok_or_else(|| format!("unknown format {name:?}: expected json, legacy-json or proto"))
}

/// Loads, then writes to a temporary file beside the output and renames it into place, so a
/// failure never leaves a half-written output (or destroys the input when both are one file).
pub(crate) fn run(args: &ConvertArgs) -> Outcome {
    let result = (|| {
        let loaded = load_file(&args.input)
            .with_context(|| format!("cannot convert {}", args.input.display()))?;
        if args.output == Path::new("-") {
            let stdout = std::io::stdout();
            write_histories(&loaded.histories, args.to, stdout.lock())?;
            return Ok(true);
        }
        if args.to == Format::Proto && loaded.histories.len() != 1 {
            bail!(
                "{} holds {} histories; binary protobuf holds exactly one (convert to json instead)",
                args.input.display(),
                loaded.histories.len()
            );
        }
        let directory = match args.output.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut temporary = tempfile::NamedTempFile::new_in(&directory)
            .with_context(|| format!("cannot create a file in {}", directory.display()))?;
        write_histories(&loaded.histories, args.to, temporary.as_file_mut())?;
        temporary.as_file_mut().flush()?;
        temporary
            .persist(&args.output)
            .with_context(|| format!("cannot write {}", args.output.display()))?;
        eprintln!(
            "wrote {} ({}, {} histories, {} events)",
            args.output.display(),
            args.to,
            loaded.histories.len(),
            loaded
                .histories
                .iter()
                .map(|h| h.events.len())
                .sum::<usize>()
        );
        Ok(true)
    })();
    Outcome::from(result)
}
