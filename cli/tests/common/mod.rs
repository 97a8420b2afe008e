//! Helpers shared by the CLI tests. Each test binary uses some of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// Everything a command printed, standard output then standard error, for assertion messages.
pub(crate) fn printed(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs the official `temporal` CLI against `address` and returns what it printed; a failure
/// fails the test with the CLI's output.
pub(crate) fn temporal_cli(address: &str, args: &[&str]) -> String {
    let binary = wfkit_devserver::find_temporal_binary()
        .expect("the temporal CLI (run `bash scripts/setup.sh`)");
    let output = Command::new(binary)
        .args(args)
        .args(["--address", address])
        .output()
        .expect("temporal runs");
    assert!(
        output.status.success(),
        "temporal {args:?} failed:\n{}",
        printed(&output)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}
