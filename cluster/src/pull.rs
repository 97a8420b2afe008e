//! Pulling histories from a cluster into a directory of canonical JSON files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use temporalio_protos::temporal::api::enums::v1::EventType;
use temporalio_protos::temporal::api::history::v1::History;
use tokio::task::JoinSet;

use crate::connect::Client;
use crate::error::ClusterError;
use crate::file_name::history_file_name;
use crate::history_fetch::fetch_history;
use crate::list::{ListedExecution, list_executions};

/// Executions pulled at most by one call, whatever `limit` says: pull more in batches with
/// narrower queries.
pub const MAX_EXECUTIONS: usize = 100_000;
/// Histories fetched at the same time, at most.
pub const MAX_CONCURRENCY: usize = 32;
/// Histories fetched at the same time by default: quick, and gentle on a production frontend.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// What to pull and where to put it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct PullOptions {
    /// The namespace to list and read.
    pub namespace: String,
    /// A visibility query (`WorkflowType = 'Order' AND ExecutionStatus = 'Completed'`); `None`
    /// lists every execution.
    pub query: Option<String>,
    /// Pull at most this many executions (at most [`MAX_EXECUTIONS`]).
    pub limit: Option<usize>,
    /// Directory for the files; created when missing. Existing files of the same name are
    /// replaced.
    pub out_dir: PathBuf,
    /// Histories fetched at the same time (1 to [`MAX_CONCURRENCY`]).
    pub concurrency: usize,
}

impl PullOptions {
    /// Pull every execution of `namespace` into `out_dir`.
    pub fn new(namespace: impl Into<String>, out_dir: impl Into<PathBuf>) -> Self {
        PullOptions {
            namespace: namespace.into(),
            query: None,
            limit: None,
            out_dir: out_dir.into(),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// Only executions matching this visibility query.
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    /// At most this many executions.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Fetch this many histories at the same time.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    /// Checks the options without calling the server, so a command can fail before it dials.
    pub fn validate(&self) -> Result<(), ClusterError> {
        self.max_executions().map(|_| ())
    }

    fn max_executions(&self) -> Result<usize, ClusterError> {
        let invalid = |message: String| Err(ClusterError::InvalidPullOption { message });
        if self.namespace.trim().is_empty() {
            return invalid("the namespace is empty".to_owned());
        }
        if self.concurrency == 0 || self.concurrency > MAX_CONCURRENCY {
            return invalid(format!(
                "concurrency {} is outside 1..={MAX_CONCURRENCY}",
                self.concurrency
            ));
        }
        match self.limit {
            Some(0) => invalid("the limit must be at least 1".to_owned()),
            Some(limit) if limit > MAX_EXECUTIONS => invalid(format!(
                "the limit {limit} is above the cap of {MAX_EXECUTIONS} executions per pull; \
                 pull in batches with narrower queries"
            )),
            Some(limit) => Ok(limit),
            None => Ok(MAX_EXECUTIONS),
        }
    }
}

/// One history written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledExecution {
    /// The execution.
    pub execution: ListedExecution,
    /// The file written.
    pub path: PathBuf,
    /// Events in the history.
    pub events: usize,
    /// Size of the file.
    pub bytes: u64,
    /// Whether the history ends with a close event (completed, failed, timed out, canceled,
    /// terminated, continued as new). A running workflow's history is written as it stands.
    pub closed: bool,
}

/// One history that could not be pulled; the others were pulled regardless.
#[derive(Debug)]
pub struct PullFailure {
    /// The execution.
    pub execution: ListedExecution,
    /// Why.
    pub error: ClusterError,
}

/// What a pull did.
#[derive(Debug, Default)]
#[must_use]
pub struct PullReport {
    /// Executions the listing returned (after `limit`).
    pub listed: usize,
    /// Histories written, in listing order.
    pub written: Vec<PulledExecution>,
    /// Histories not written, in listing order.
    pub failed: Vec<PullFailure>,
    /// Bytes written in all.
    pub bytes: u64,
    /// Events written in all.
    pub events: u64,
    /// The listing stopped before the server ran out of matches (at `limit` or at
    /// [`MAX_EXECUTIONS`]): more executions match the query than were pulled.
    pub truncated: bool,
}

impl PullReport {
    /// True when every listed history was written.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.written.len() == self.listed
    }
}

/// Progress of [`pull_histories`], for a progress bar.
#[derive(Debug)]
#[non_exhaustive]
pub enum PullProgress<'a> {
    /// Listing: this many executions found so far.
    Listing {
        /// Executions found so far.
        found: usize,
    },
    /// Listing done: this many histories will be fetched.
    Listed {
        /// Histories to fetch.
        total: usize,
    },
    /// A history was written.
    Written(&'a PulledExecution),
    /// A history could not be pulled.
    Failed(&'a PullFailure),
}

/// Lists the executions matching `options` (`ListWorkflowExecutions`, every page up to the
/// limit), then reads each one's complete history (`GetWorkflowExecutionHistory`, every page)
/// and writes it to `out_dir/<workflowId>__<runId>.json` as canonical JSON.
///
/// A history that fails (a server error, a write error) is recorded in the report and the rest
/// go on; only a failing listing or an unusable output directory stops the pull. Files are
/// written under a temporary name and renamed, so a file with the final name is always whole.
pub async fn pull_histories(
    client: &Client,
    options: &PullOptions,
    mut progress: impl FnMut(PullProgress<'_>),
) -> Result<PullReport, ClusterError> {
    let max = options.max_executions()?;
    std::fs::create_dir_all(&options.out_dir).map_err(|source| ClusterError::Io {
        path: options.out_dir.clone(),
        source,
    })?;

    let query = options.query.as_deref().unwrap_or("").trim();
    let listing = list_executions(client, &options.namespace, query, max, |found| {
        progress(PullProgress::Listing { found });
    })
    .await?;
    let mut report = PullReport {
        listed: listing.executions.len(),
        truncated: listing.truncated,
        ..PullReport::default()
    };
    progress(PullProgress::Listed {
        total: report.listed,
    });

    let namespace: Arc<str> = Arc::from(options.namespace.as_str());
    let out_dir: Arc<Path> = Arc::from(options.out_dir.as_path());
    let mut pending = listing.executions.into_iter().enumerate();
    let mut running: JoinSet<(usize, Result<PulledExecution, PullFailure>)> = JoinSet::new();
    let mut outcomes: Vec<(usize, Result<PulledExecution, PullFailure>)> =
        Vec::with_capacity(report.listed);
    loop {
        while running.len() < options.concurrency {
            let Some((index, execution)) = pending.next() else {
                break;
            };
            let client = client.clone();
            let namespace = Arc::clone(&namespace);
            let out_dir = Arc::clone(&out_dir);
            running.spawn(async move {
                (
                    index,
                    pull_one(&client, &namespace, &out_dir, execution).await,
                )
            });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (index, outcome) = joined.map_err(|error| ClusterError::Internal {
            message: format!("a history download task failed: {error}"),
        })?;
        match &outcome {
            Ok(pulled) => progress(PullProgress::Written(pulled)),
            Err(failure) => progress(PullProgress::Failed(failure)),
        }
        outcomes.push((index, outcome));
    }

    outcomes.sort_by_key(|(index, _)| *index);
    for (_, outcome) in outcomes {
        match outcome {
            Ok(pulled) => {
                report.bytes += pulled.bytes;
                report.events += u64::try_from(pulled.events).unwrap_or(u64::MAX);
                report.written.push(pulled);
            }
            Err(failure) => report.failed.push(failure),
        }
    }
    Ok(report)
}

async fn pull_one(
    client: &Client,
    namespace: &str,
    out_dir: &Path,
    execution: ListedExecution,
) -> Result<PulledExecution, PullFailure> {
    let history = match fetch_history(client, namespace, &execution).await {
        Ok(history) => history,
        Err(error) => return Err(PullFailure { execution, error }),
    };
    let path = out_dir.join(history_file_name(&execution.workflow_id, &execution.run_id));
    let events = history.events.len();
    let closed = history
        .events
        .last()
        .is_some_and(|event| is_close_event(event.event_type));
    let write_path = path.clone();
    let written = tokio::task::spawn_blocking(move || write_history(&write_path, &history)).await;
    let result = match written {
        Ok(result) => result,
        Err(error) => Err(ClusterError::Internal {
            message: format!("the task writing {} failed: {error}", path.display()),
        }),
    };
    match result {
        Ok(bytes) => Ok(PulledExecution {
            execution,
            path,
            events,
            bytes,
            closed,
        }),
        Err(error) => Err(PullFailure { execution, error }),
    }
}

/// Writes `history` to a temporary name next to `path`, then renames it; returns the size.
fn write_history(path: &Path, history: &History) -> Result<u64, ClusterError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    wfkit_history::save_file(
        &partial,
        std::slice::from_ref(history),
        wfkit_history::Format::Json,
    )
    .map_err(|source| {
        // Leave no half-written file behind; the error is what matters.
        let _ = std::fs::remove_file(&partial);
        ClusterError::HistoryWrite {
            path: path.to_path_buf(),
            source,
        }
    })?;
    std::fs::rename(&partial, path).map_err(|source| ClusterError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let metadata = std::fs::metadata(path).map_err(|source| ClusterError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(metadata.len())
}

fn is_close_event(event_type: i32) -> bool {
    matches!(
        EventType::try_from(event_type),
        Ok(EventType::WorkflowExecutionCompleted
            | EventType::WorkflowExecutionFailed
            | EventType::WorkflowExecutionTimedOut
            | EventType::WorkflowExecutionCanceled
            | EventType::WorkflowExecutionTerminated
            | EventType::WorkflowExecutionContinuedAsNew)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked_before_any_call() {
        let base = PullOptions::new("default", "out");
        for (options, expected) in [
            (base.clone().limit(0), "at least 1"),
            (base.clone().limit(MAX_EXECUTIONS + 1), "cap"),
            (base.clone().concurrency(0), "concurrency"),
            (base.clone().concurrency(MAX_CONCURRENCY + 1), "concurrency"),
            (PullOptions::new(" ", "out"), "namespace"),
        ] {
            let text = options
                .max_executions()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                text.starts_with("[WFC007]") && text.contains(expected),
                "{options:?}: {text}"
            );
        }
        assert_eq!(base.clone().limit(3).max_executions().ok(), Some(3));
        assert_eq!(base.max_executions().ok(), Some(MAX_EXECUTIONS));
    }

    #[test]
    fn close_events_are_recognised() {
        assert!(is_close_event(
            EventType::WorkflowExecutionTerminated as i32
        ));
        assert!(is_close_event(
            EventType::WorkflowExecutionContinuedAsNew as i32
        ));
        assert!(!is_close_event(EventType::WorkflowTaskScheduled as i32));
        assert!(!is_close_event(-1));
    }
}
