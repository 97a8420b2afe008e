//! Helpers shared by the CLI tests.

use std::path::{Path, PathBuf};

/// The project's Python (`WFKIT_PYTHON`, else `.venv/bin/python`); a missing venv fails the
/// test with the command to run, it never skips.
pub(crate) fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("WFKIT_PYTHON") {
        return PathBuf::from(path);
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        path.is_file(),
        "no Python venv at {}: run `bash scripts/setup.sh`",
        path.display()
    );
    path
}
