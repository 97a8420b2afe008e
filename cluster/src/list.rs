//! Listing executions through the visibility API, page by page, within bounds.

use std::collections::HashSet;

use temporalio_protos::temporal::api::enums::v1::WorkflowExecutionStatus;
use temporalio_protos::temporal::api::workflowservice::v1::ListWorkflowExecutionsRequest;

use crate::connect::Client;
use crate::error::ClusterError;
use crate::retry::{timed, with_retries};

/// Executions asked for per page (Temporal's visibility caps pages at 1000).
const LIST_PAGE_SIZE: usize = 100;
/// Pages read at most: far above `MAX_EXECUTIONS / LIST_PAGE_SIZE`, so only a server that keeps
/// returning empty pages with a next-page token hits it.
const MAX_LIST_PAGES: usize = 10_000;

/// One execution found by the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedExecution {
    /// The workflow id.
    pub workflow_id: String,
    /// The run id.
    pub run_id: String,
    /// The workflow type name.
    pub workflow_type: String,
    /// The status visibility reported (it may lag the history by a moment).
    pub status: WorkflowExecutionStatus,
}

/// What a listing found.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub(crate) executions: Vec<ListedExecution>,
    /// Listing stopped before the server ran out of pages: at `max`, or at the page cap.
    pub(crate) truncated: bool,
}

/// Lists up to `max` executions of `namespace` matching `query` (empty: all), calling
/// `on_page(found_so_far)` after each page.
pub(crate) async fn list_executions(
    client: &Client,
    namespace: &str,
    query: &str,
    max: usize,
    mut on_page: impl FnMut(usize),
) -> Result<Listing, ClusterError> {
    let mut listing = Listing::default();
    // Visibility pages can repeat a record that changed between two pages.
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut token: Vec<u8> = Vec::new();
    for _ in 0..MAX_LIST_PAGES {
        let wanted = max
            .saturating_sub(listing.executions.len())
            .min(LIST_PAGE_SIZE);
        let request = ListWorkflowExecutionsRequest {
            namespace: namespace.to_owned(),
            page_size: i32::try_from(wanted).unwrap_or(i32::MAX),
            next_page_token: token.clone(),
            query: query.to_owned(),
        };
        let response = with_retries(|| {
            let mut client = client.clone();
            let request = timed(request.clone());
            async move { client.list_workflow_executions(request).await }
        })
        .await
        .map_err(|status| ClusterError::rpc(list_call(namespace, query), &status))?
        .into_inner();

        for info in response.executions {
            if listing.executions.len() == max {
                listing.truncated = true;
                break;
            }
            let (workflow_id, run_id) = info
                .execution
                .map(|execution| (execution.workflow_id, execution.run_id))
                .unwrap_or_default();
            if !seen.insert((workflow_id.clone(), run_id.clone())) {
                continue;
            }
            listing.executions.push(ListedExecution {
                workflow_id,
                run_id,
                workflow_type: info.r#type.map(|t| t.name).unwrap_or_default(),
                status: WorkflowExecutionStatus::try_from(info.status)
                    .unwrap_or(WorkflowExecutionStatus::Unspecified),
            });
        }
        on_page(listing.executions.len());

        if response.next_page_token.is_empty() {
            return Ok(listing);
        }
        if listing.executions.len() >= max {
            // The server has more; we were told to stop.
            listing.truncated = true;
            return Ok(listing);
        }
        token = response.next_page_token;
    }
    listing.truncated = true;
    Ok(listing)
}

fn list_call(namespace: &str, query: &str) -> String {
    if query.is_empty() {
        format!("ListWorkflowExecutions in namespace {namespace:?}")
    } else {
        format!("ListWorkflowExecutions in namespace {namespace:?} (query: {query})")
    }
}
