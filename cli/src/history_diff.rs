//! `wfkit history diff A B`

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use wfkit_history::{History, diff, load_file, normalize};

use crate::exit::{Outcome, outln};

/// Arguments of `wfkit history diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// First history.
    a: PathBuf,
    /// Second history.
    b: PathBuf,
    /// Compare as they are, without dropping times, task ids, identities, run ids and the like.
    #[arg(long)]
    raw: bool,
    /// For files holding several histories: which one to compare (0-based), in both files.
    #[arg(long, default_value_t = 0)]
    index: usize,
}

/// Prints the first diverging event and a summary; fails when the histories differ.
pub(crate) fn run(args: &DiffArgs) -> Outcome {
    let result = (|| {
        let a = pick(&args.a, args.index)?;
        let b = pick(&args.b, args.index)?;
        let (a, b) = if args.raw {
            (a, b)
        } else {
            (normalize(&a), normalize(&b))
        };
        let result = diff(&a, &b);
        outln!("{result}");
        Ok(result.is_equal())
    })();
    Outcome::from(result)
}

fn pick(path: &Path, index: usize) -> anyhow::Result<History> {
    let mut loaded = load_file(path).with_context(|| format!("cannot diff {}", path.display()))?;
    if index >= loaded.histories.len() {
        bail!(
            "{} holds {} histories; --index {index} is past the end",
            path.display(),
            loaded.histories.len()
        );
    }
    Ok(loaded.histories.swap_remove(index))
}
