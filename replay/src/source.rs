//! Where histories come from: files and folders (recursive), in every format wfkit-history reads.

use std::path::{Path, PathBuf};

use temporalio_protos::temporal::api::history::v1::History;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;

/// One history to judge, or the reason its file could not be read.
#[derive(Debug, Clone)]
pub struct HistoryItem {
    /// The file, and `#N` for the N-th history of a file holding several.
    pub source: String,
    /// `workflow/version` for files under `fixtures/<workflow>/<version>/`, for the matrix.
    pub group: Option<String>,
    /// The history, or why it cannot be read.
    pub history: Result<History, String>,
}

impl HistoryItem {
    /// The workflow type named by the first event.
    pub fn workflow_type(&self) -> String {
        self.history
            .as_ref()
            .ok()
            .and_then(|h| wfkit_history::event::workflow_type(&h.events).map(str::to_string))
            .unwrap_or_default()
    }

    /// The recorded workflow id, when the first event names it; else a name from the source.
    pub(crate) fn workflow_id(&self, index: usize) -> String {
        if let Ok(history) = &self.history
            && let Some(Attributes::WorkflowExecutionStartedEventAttributes(a)) =
                history.events.first().and_then(|e| e.attributes.as_ref())
            && !a.workflow_id.is_empty()
        {
            return a.workflow_id.clone();
        }
        format!("replay-{index}")
    }
}

/// Reads every history under `paths` (files, or folders searched recursively for `.json`,
/// `.pb` and `.binpb` files), in sorted order. Unreadable files become unreadable items; nothing
/// stops the others from being read.
pub fn collect(paths: &[PathBuf]) -> Vec<HistoryItem> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files);
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    let mut items = Vec::new();
    for file in files {
        let source = file.display().to_string();
        let group = group_of(&file);
        match wfkit_history::load_file(&file) {
            Ok(loaded) if loaded.histories.len() == 1 => {
                items.extend(loaded.histories.into_iter().map(|h| HistoryItem {
                    source: source.clone(),
                    group: group.clone(),
                    history: Ok(h),
                }));
            }
            Ok(loaded) => {
                for (index, history) in loaded.histories.into_iter().enumerate() {
                    items.push(HistoryItem {
                        source: format!("{source}#{index}"),
                        group: group.clone(),
                        history: Ok(history),
                    });
                }
            }
            Err(error) => items.push(HistoryItem {
                source,
                group,
                history: Err(error.to_string()),
            }),
        }
    }
    items
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "json" || e == "pb" || e == "binpb")
        {
            out.push(path);
        }
    }
}

/// `fixtures/<workflow>/<version>/file.json` gives `<workflow>/<version>`.
fn group_of(file: &Path) -> Option<String> {
    let version = file.parent()?;
    let workflow = version.parent()?;
    let version_name = version.file_name()?.to_string_lossy();
    let looks_like_version = version_name.starts_with('v')
        && version_name[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.');
    looks_like_version.then(|| {
        format!(
            "{}/{}",
            workflow
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            version_name
        )
    })
}
