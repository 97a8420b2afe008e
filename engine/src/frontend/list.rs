//! ListWorkflowExecutions and CountWorkflowExecutions over the engine's own runs, with the part
//! of the visibility query language that tests and the CLI use: `Field = 'value'` clauses joined
//! by AND, on WorkflowId, WorkflowType, RunId, TaskQueue and ExecutionStatus.

use temporalio_protos::temporal::api::enums::v1::WorkflowExecutionStatus;
use temporalio_protos::temporal::api::workflowservice::v1::{
    CountWorkflowExecutionsRequest, CountWorkflowExecutionsResponse, ListWorkflowExecutionsRequest,
    ListWorkflowExecutionsResponse,
};

use super::Frontend;
use super::describe::info;
use crate::error::EngineError;
use crate::execution::Execution;

/// Runs per page when the request does not say.
const DEFAULT_PAGE_SIZE: usize = 1000;

impl Frontend {
    pub(crate) async fn list_workflow_executions(
        &self,
        request: ListWorkflowExecutionsRequest,
    ) -> Result<ListWorkflowExecutionsResponse, EngineError> {
        let filter = Filter::parse(&request.query)?;
        let offset = parse_token(&request.next_page_token)?;
        let page_size = if request.page_size > 0 {
            request.page_size as usize
        } else {
            DEFAULT_PAGE_SIZE
        };
        let state = self.shared.lock();
        state.namespace(&request.namespace)?;
        let mut runs: Vec<&Execution> = state
            .executions
            .values()
            .map(|run| &**run)
            .filter(|run| run.key.namespace == request.namespace && filter.matches(run))
            .collect();
        // Newest first, as the real server's visibility store orders them.
        runs.sort_by(|a, b| {
            b.start_time
                .cmp(&a.start_time)
                .then_with(|| b.key.cmp(&a.key))
        });
        let page: Vec<_> = runs
            .iter()
            .skip(offset)
            .take(page_size)
            .map(|run| info(run))
            .collect();
        let next = offset + page.len();
        let next_page_token = if next < runs.len() {
            next.to_string().into_bytes()
        } else {
            Vec::new()
        };
        Ok(ListWorkflowExecutionsResponse {
            executions: page,
            next_page_token,
        })
    }

    pub(crate) async fn count_workflow_executions(
        &self,
        request: CountWorkflowExecutionsRequest,
    ) -> Result<CountWorkflowExecutionsResponse, EngineError> {
        let filter = Filter::parse(&request.query)?;
        let state = self.shared.lock();
        state.namespace(&request.namespace)?;
        let count = state
            .executions
            .values()
            .filter(|run| run.key.namespace == request.namespace && filter.matches(run))
            .count();
        Ok(CountWorkflowExecutionsResponse {
            count: count as i64,
            ..CountWorkflowExecutionsResponse::default()
        })
    }
}

fn parse_token(token: &[u8]) -> Result<usize, EngineError> {
    if token.is_empty() {
        return Ok(0);
    }
    std::str::from_utf8(token)
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| EngineError::InvalidArgument("Invalid NextPageToken.".to_string()))
}

/// `Field = 'value'` clauses, all of which must hold.
#[derive(Debug, Default)]
struct Filter {
    clauses: Vec<(String, String)>,
}

impl Filter {
    fn parse(query: &str) -> Result<Filter, EngineError> {
        let mut clauses = Vec::new();
        let query = query.trim();
        if query.is_empty() {
            return Ok(Filter { clauses });
        }
        for clause in split_and(query) {
            let (field, value) = clause.split_once('=').ok_or_else(|| unsupported(query))?;
            let field = field.trim().trim_matches('`').to_string();
            let value = value.trim();
            let unquoted = value
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
                .ok_or_else(|| unsupported(query))?;
            if !matches!(
                field.as_str(),
                "WorkflowId" | "WorkflowType" | "RunId" | "TaskQueue" | "ExecutionStatus"
            ) {
                return Err(unsupported(query));
            }
            clauses.push((field, unquoted.to_string()));
        }
        Ok(Filter { clauses })
    }

    fn matches(&self, run: &Execution) -> bool {
        self.clauses
            .iter()
            .all(|(field, value)| match field.as_str() {
                "WorkflowId" => run.key.workflow_id == *value,
                "RunId" => run.key.run_id == *value,
                "WorkflowType" => run.workflow_type == *value,
                "TaskQueue" => run.task_queue == *value,
                "ExecutionStatus" => status_name(run.status).eq_ignore_ascii_case(value),
                _ => false,
            })
    }
}

/// Splits on the keyword AND (any case) outside quotes.
fn split_and(query: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let words: Vec<&str> = query.split(' ').collect();
    for word in words {
        for ch in word.chars() {
            match quote {
                Some(q) if ch == q => quote = None,
                None if ch == '\'' || ch == '"' => quote = Some(ch),
                _ => {}
            }
        }
        if quote.is_none() && word.eq_ignore_ascii_case("and") {
            parts.push(std::mem::take(&mut current));
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    parts.push(current);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

fn status_name(status: WorkflowExecutionStatus) -> &'static str {
    match status {
        WorkflowExecutionStatus::Running => "Running",
        WorkflowExecutionStatus::Completed => "Completed",
        WorkflowExecutionStatus::Failed => "Failed",
        WorkflowExecutionStatus::Canceled => "Canceled",
        WorkflowExecutionStatus::Terminated => "Terminated",
        WorkflowExecutionStatus::ContinuedAsNew => "ContinuedAsNew",
        WorkflowExecutionStatus::TimedOut => "TimedOut",
        _ => "Unspecified",
    }
}

fn unsupported(query: &str) -> EngineError {
    EngineError::InvalidArgument(format!(
        "invalid query {query:?}: the wfkit engine supports `Field = 'value'` clauses joined by AND, on WorkflowId, WorkflowType, RunId, TaskQueue and ExecutionStatus"
    ))
}
