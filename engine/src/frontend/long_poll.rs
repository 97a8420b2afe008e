//! The long poll both task queues share: take a task under the lock, or wait for the queue's
//! notifier until the poll's deadline.

use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;

use super::Frontend;
use crate::error::EngineError;
use crate::matching::{QueueKey, QueueKind};
use crate::state::State;

impl Frontend {
    /// Validates the polled queue and the namespace, then (unless `identity` crashed) calls
    /// `take` under the state lock each time the queue may have work, until it returns a
    /// response or the long poll expires (`Ok(None)`: the caller answers with an empty
    /// response, as the real server does).
    pub(crate) async fn long_poll<R>(
        &self,
        identity: &str,
        namespace: &str,
        task_queue: Option<&TaskQueue>,
        kind: QueueKind,
        mut take: impl FnMut(&mut State, &QueueKey) -> Option<R>,
    ) -> Result<Option<R>, EngineError> {
        let name = task_queue.map(|q| q.name.clone()).unwrap_or_default();
        if name.is_empty() {
            return Err(EngineError::InvalidArgument(
                "TaskQueue is not set on request.".to_string(),
            ));
        }
        let restarts = {
            let state = self.shared.lock();
            state.namespace(namespace)?;
            state.faults.restarts
        };
        let queue = QueueKey {
            namespace: namespace.to_string(),
            name,
            kind,
        };
        let deadline = tokio::time::Instant::now() + self.shared.config.long_poll_timeout;
        loop {
            let notified = {
                let mut state = self.shared.lock();
                // An engine restart (an injected fault) ends the polls that began before it:
                // their connections are about to drop, and a task sent into one would be lost.
                if state.faults.restarts != restarts || state.faults.restarting {
                    return Err(EngineError::Unavailable(
                        "the engine restarted (injected fault)".to_string(),
                    ));
                }
                if state.faults.is_crashed(identity) {
                    None
                } else {
                    state.matching.note_poll(&queue);
                    if let Some(response) = take(&mut state, &queue) {
                        return Ok(Some(response));
                    }
                    // Registered before the lock is released, so a task queued in between
                    // still wakes this poll.
                    let mut notified = Box::pin(state.matching.notifier(&queue).notified_owned());
                    notified.as_mut().enable();
                    Some(notified)
                }
            };
            let Some(notified) = notified else {
                // A worker that crashed (an injected fault) gets nothing more; the short wait
                // keeps one that still polls (an in-process worker winding down) from spinning.
                tokio::time::sleep(CRASHED_POLL_DELAY).await;
                return Ok(None);
            };
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline) => return Ok(None),
            }
        }
    }
}

/// How long a crashed worker's poll waits before its empty answer.
const CRASHED_POLL_DELAY: std::time::Duration = std::time::Duration::from_millis(50);

/// The poller of a request, for the started events.
pub(crate) fn poller(
    identity: &str,
    request_id: String,
    capabilities: Option<&temporalio_protos::temporal::api::common::v1::WorkerVersionCapabilities>,
) -> crate::matching::Poller {
    crate::matching::Poller {
        identity: identity.to_string(),
        request_id,
        build_id: capabilities.map(|c| c.build_id.clone()).unwrap_or_default(),
    }
}
