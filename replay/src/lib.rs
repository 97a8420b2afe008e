//! Replays recorded Temporal histories against new workflow code, in any SDK, and judges each
//! one: `ok`, `nondeterministic` (with the diverging event, the command issued instead and a
//! hint), `failed` or `unreadable`. The whole history is covered, its last workflow task too.
//!
//! How: the reference engine hands the worker canned workflow tasks cut from the history
//! (`replay/DESIGN.md`); earlier tasks replay inside the SDK, which reports nondeterminism, and
//! the commands of the last task are compared with the recorded ones here.

mod compare;
mod error_code;
mod language;
mod probe;
mod report;
mod rust_sdk;
mod sdk_text;
mod session;
mod shape;
mod source;
mod verdict;

use std::time::{Duration, Instant};

pub use error_code::{ErrorCode, error_table_markdown};
pub use language::SdkLanguage;
pub use report::{ReplayReport, ReplayResult};
pub use rust_sdk::{ReplayError, Replayer};
pub use source::{HistoryItem, collect};
pub use verdict::{Divergence, Hint, Verdict};
use wfkit_engine::TestEngine;

/// Settings of a replay run.
#[derive(Debug, Clone)]
#[must_use]
pub struct ReplayOptions {
    /// Namespace the worker polls.
    pub namespace: String,
    /// Task queue the worker polls.
    pub task_queue: String,
    /// How long a worker may take to answer one task.
    pub task_timeout: Duration,
    /// Stop at the first history that is not `ok` (histories already under way finish).
    pub fail_fast: bool,
    /// Histories judged at the same time.
    pub jobs: usize,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            namespace: "default".to_string(),
            task_queue: "wfkit-replay".to_string(),
            task_timeout: Duration::from_secs(30),
            fail_fast: false,
            jobs: 1,
        }
    }
}

/// Judges every item with the worker(s) polling `options.task_queue` on `engine`, up to
/// `options.jobs` at a time; results come in input order.
pub async fn replay(
    engine: &TestEngine,
    options: &ReplayOptions,
    items: &[HistoryItem],
) -> ReplayReport {
    use futures::stream::{self, StreamExt};
    let session = session::Session {
        engine,
        namespace: options.namespace.clone(),
        task_queue: options.task_queue.clone(),
        task_timeout: options.task_timeout,
        probes: std::sync::atomic::AtomicU64::new(0),
        language: std::sync::Mutex::new(SdkLanguage::Unknown),
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    let judged = stream::iter(items.iter().enumerate())
        .map(|(index, item)| {
            let session = &session;
            let stop = &stop;
            async move {
                if options.fail_fast && stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return None;
                }
                let started = Instant::now();
                let verdict = match &item.history {
                    Err(reason) => Verdict::Unreadable {
                        reason: reason.clone(),
                    },
                    Ok(history) => session.judge(history, &item.workflow_id(index)).await,
                };
                if !verdict.is_ok() {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                Some(ReplayResult {
                    source: item.source.clone(),
                    group: item.group.clone(),
                    workflow_type: item.workflow_type(),
                    verdict,
                    duration_ms: started.elapsed().as_millis() as u64,
                })
            }
        })
        .buffered(options.jobs.max(1))
        .collect::<Vec<_>>()
        .await;
    ReplayReport {
        version: 1,
        results: judged.into_iter().flatten().collect(),
    }
}
