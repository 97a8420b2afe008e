//! Reading one execution's complete history, every page.

use prost::Message as _;
use temporalio_protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_protos::temporal::api::enums::v1::{EncodingType, HistoryEventFilterType};
use temporalio_protos::temporal::api::history::v1::History;
use temporalio_protos::temporal::api::workflowservice::v1::GetWorkflowExecutionHistoryRequest;

use crate::connect::Client;
use crate::error::ClusterError;
use crate::list::ListedExecution;
use crate::retry::{timed, with_retries};

/// Events asked for per page; the server may send fewer.
const HISTORY_PAGE_SIZE: i32 = 1_000;
/// Pages read at most for one history. Temporal caps a history at 51,200 events by default, a
/// few dozen pages; a history past this cap is reported, not written.
pub(crate) const MAX_HISTORY_PAGES: usize = 10_000;

/// The whole history of `execution` (as it stands: a running workflow's history so far).
pub(crate) async fn fetch_history(
    client: &Client,
    namespace: &str,
    execution: &ListedExecution,
) -> Result<History, ClusterError> {
    let mut history = History::default();
    let mut token: Vec<u8> = Vec::new();
    for _ in 0..MAX_HISTORY_PAGES {
        let request = GetWorkflowExecutionHistoryRequest {
            namespace: namespace.to_owned(),
            execution: Some(WorkflowExecution {
                workflow_id: execution.workflow_id.clone(),
                run_id: execution.run_id.clone(),
            }),
            maximum_page_size: HISTORY_PAGE_SIZE,
            next_page_token: token.clone(),
            wait_new_event: false,
            history_event_filter_type: HistoryEventFilterType::AllEvent as i32,
            skip_archival: false,
        };
        let response = with_retries(|| {
            let mut client = client.clone();
            let request = timed(request.clone());
            async move { client.get_workflow_execution_history(request).await }
        })
        .await
        .map_err(|status| {
            ClusterError::rpc(
                format!(
                    "GetWorkflowExecutionHistory for {} / {}",
                    execution.workflow_id, execution.run_id
                ),
                &status,
            )
        })?
        .into_inner();

        if let Some(page) = response.history {
            history.events.extend(page.events);
        }
        // Servers configured to send raw history (frontend.sendRawWorkflowHistory) put each
        // batch of events in a blob holding an encoded `History`.
        for blob in response.raw_history {
            if blob.encoding_type != EncodingType::Proto3 as i32 {
                return Err(decode_error(
                    execution,
                    format!(
                        "raw history blob in encoding {} (only proto3 is understood)",
                        blob.encoding_type
                    ),
                ));
            }
            let batch = History::decode(blob.data.as_slice())
                .map_err(|error| decode_error(execution, format!("raw history blob: {error}")))?;
            history.events.extend(batch.events);
        }

        if response.next_page_token.is_empty() {
            return Ok(history);
        }
        token = response.next_page_token;
    }
    Err(ClusterError::HistoryTooLong {
        workflow_id: execution.workflow_id.clone(),
        run_id: execution.run_id.clone(),
        max_pages: MAX_HISTORY_PAGES,
    })
}

fn decode_error(execution: &ListedExecution, message: String) -> ClusterError {
    ClusterError::HistoryDecode {
        workflow_id: execution.workflow_id.clone(),
        run_id: execution.run_id.clone(),
        message,
    }
}
