//! Counters the target updates as it goes, for a live progress line.

use std::sync::atomic::{AtomicU64, Ordering};

/// What the target has seen so far. Cheap to read at any time from another task.
#[derive(Debug, Default)]
pub struct LiveCounts {
    started: AtomicU64,
    completed: AtomicU64,
    failed: AtomicU64,
}

/// A reading of [`LiveCounts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveSnapshot {
    /// Workflows started (StartWorkflowExecution succeeded).
    pub started: u64,
    /// Workflows that completed as expected (or, start-only, were started).
    pub completed: u64,
    /// Starts and waits that failed. Iterations the executor timed out are not in here; the
    /// report counts them.
    pub failed: u64,
}

impl LiveCounts {
    pub(super) fn started(&self) {
        self.started.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn completed(&self) {
        self.completed.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn failed(&self) {
        self.failed.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts now.
    #[must_use]
    pub fn snapshot(&self) -> LiveSnapshot {
        LiveSnapshot {
            started: self.started.load(Ordering::Relaxed),
            completed: self.completed.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }
}
