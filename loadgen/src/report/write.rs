//! Writing a report folder, `reports/<run>/`.

use std::path::{Path, PathBuf};

use super::compare::{Comparison, Verdict};
use super::hlog::{HLOG_FILES, interval_log};
use super::html::html;
use super::markdown::markdown;
use super::schema::Report;
use crate::LoadgenError;

pub use super::schema::REPORT_JSON;
/// The Markdown summary's file name.
pub const SUMMARY_MD: &str = "summary.md";
/// The HTML page's file name.
pub const REPORT_HTML: &str = "report.html";
/// The longest run name accepted.
pub const MAX_RUN_NAME_CHARS: usize = 100;

/// The folder of run `run_name` under `root` (such as `reports/`). The name must be usable
/// as one folder name: letters, digits, `-`, `_` and `.`, not starting with a dot.
pub fn report_dir(root: &Path, run_name: &str) -> Result<PathBuf, LoadgenError> {
    let valid = !run_name.is_empty()
        && run_name.chars().count() <= MAX_RUN_NAME_CHARS
        && !run_name.starts_with('.')
        && run_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid {
        return Err(LoadgenError::config(
            "run name",
            format!(
                "{run_name:?}: a run name is 1 to {MAX_RUN_NAME_CHARS} letters, digits, '-', '_' or '.', not starting with '.'"
            ),
        ));
    }
    Ok(root.join(run_name))
}

/// Writes `report.json`, `summary.md`, `report.html` and the interval logs into `dir`
/// (created if needed). Returns the files written.
pub fn write_report_dir(report: &Report, dir: &Path) -> Result<Vec<PathBuf>, LoadgenError> {
    write_report_dir_with(report, dir, None, None)
}

/// Like [`write_report_dir`], with a baseline comparison and a verdict in the summary and the
/// page.
pub fn write_report_dir_with(
    report: &Report,
    dir: &Path,
    comparison: Option<&Comparison>,
    verdict: Option<&Verdict>,
) -> Result<Vec<PathBuf>, LoadgenError> {
    std::fs::create_dir_all(dir).map_err(|source| LoadgenError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| -> Result<(), LoadgenError> {
        let path = dir.join(name);
        write_atomically(&path, bytes)?;
        written.push(path);
        Ok(())
    };
    put(REPORT_JSON, report.to_json()?.as_bytes())?;
    put(SUMMARY_MD, markdown(report, comparison, verdict).as_bytes())?;
    put(REPORT_HTML, html(report, comparison, verdict)?.as_bytes())?;
    for (file, metric) in HLOG_FILES {
        put(file, &interval_log(report, metric)?)?;
    }
    Ok(written)
}

/// Writes through a temporary file and a rename, so a reader (or a Ctrl-C) never sees half a
/// file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LoadgenError> {
    let io_error = |source| LoadgenError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.tmp"));
    std::fs::write(&temporary, bytes).map_err(io_error)?;
    std::fs::rename(&temporary, path).map_err(io_error)
}
