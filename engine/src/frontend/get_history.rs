//! GetWorkflowExecutionHistory: pages of events, long polls for new events, and the close-event
//! filter SDK clients use to wait for a result.

use temporalio_protos::temporal::api::enums::v1::HistoryEventFilterType;
use temporalio_protos::temporal::api::history::v1::History;
use temporalio_protos::temporal::api::workflowservice::v1::{
    GetWorkflowExecutionHistoryRequest, GetWorkflowExecutionHistoryResponse,
};

use super::Frontend;
use crate::error::EngineError;

/// Events per page when the request does not say.
const DEFAULT_PAGE_SIZE: usize = 1000;

impl Frontend {
    pub(crate) async fn get_workflow_execution_history(
        &self,
        request: GetWorkflowExecutionHistoryRequest,
    ) -> Result<GetWorkflowExecutionHistoryResponse, EngineError> {
        let execution = request.execution.clone().unwrap_or_default();
        let close_only =
            request.history_event_filter_type == HistoryEventFilterType::CloseEvent as i32;
        let first_event_id = parse_token(&request.next_page_token)?;
        let page_size = match request.maximum_page_size {
            size if size > 0 => size as usize,
            _ => DEFAULT_PAGE_SIZE,
        };
        let deadline = tokio::time::Instant::now() + self.shared.config.history_long_poll_timeout;
        let restarts = self.shared.lock().faults.restarts;
        loop {
            let notified = {
                let state = self.shared.lock();
                // An engine restart (an injected fault) ends the waits that began before it.
                if state.faults.restarts != restarts {
                    return Err(EngineError::Unavailable(
                        "the engine restarted (injected fault)".to_string(),
                    ));
                }
                let key = state.resolve(
                    &request.namespace,
                    &execution.workflow_id,
                    &execution.run_id,
                )?;
                let run = state.execution(&key)?;
                let length = run.history.len();
                if close_only {
                    if !run.is_running() {
                        let events = run.events(length.saturating_sub(1), length);
                        return Ok(page(events, Vec::new()));
                    }
                } else {
                    let start = (first_event_id.max(1) - 1) as usize;
                    if start < length || !request.wait_new_event || !run.is_running() {
                        let end = length.min(start.saturating_add(page_size));
                        let events = run.events(start, end);
                        let more = end < length || (request.wait_new_event && run.is_running());
                        let token = if more {
                            (end as i64 + 1).to_string().into_bytes()
                        } else {
                            Vec::new()
                        };
                        return Ok(page(events, token));
                    }
                }
                if !request.wait_new_event {
                    return Ok(page(Vec::new(), Vec::new()));
                }
                let mut notified = Box::pin(run.changed.clone().notified_owned());
                notified.as_mut().enable();
                notified
            };
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline) => {
                    // Nothing new yet: an empty page that lets the client poll again.
                    let token = if close_only { Vec::new() } else { first_event_id.max(1).to_string().into_bytes() };
                    return Ok(page(Vec::new(), token));
                }
            }
        }
    }
}

fn page(
    events: Vec<temporalio_protos::temporal::api::history::v1::HistoryEvent>,
    next_page_token: Vec<u8>,
) -> GetWorkflowExecutionHistoryResponse {
    GetWorkflowExecutionHistoryResponse {
        history: Some(History { events }),
        next_page_token,
        ..Default::default()
    }
}

fn parse_token(token: &[u8]) -> Result<i64, EngineError> {
    if token.is_empty() {
        return Ok(1);
    }
    std::str::from_utf8(token)
        .ok()
        .and_then(|text| text.parse::<i64>().ok())
        .filter(|id| *id >= 1)
        .ok_or_else(|| EngineError::InvalidArgument("Invalid NextPageToken.".to_string()))
}
