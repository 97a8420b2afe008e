//! Errors the engine returns, each mapped to the gRPC status the real server gives, with the
//! error details SDKs inspect (`grpc-status-details-bin`).

use prost::Message;
use temporalio_protos::google::rpc::Status as RpcStatus;
use temporalio_protos::temporal::api::errordetails::v1::{
    NamespaceNotFoundFailure, NotFoundFailure, WorkflowExecutionAlreadyStartedFailure,
};
use tonic::Code;

/// Every code the engine answers with, kept as data: the code, one line of what it means and
/// one of what to do. `engine/ERRORS.md` is checked against this list by a test, and every code
/// is constructed somewhere in the engine. Codes are never reused: WFE007 (an RPC the engine
/// did not serve) is retired, since those RPCs answer tonic's own UNIMPLEMENTED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// WFE001: a required field is missing or a value is out of range.
    InvalidArgument,
    /// WFE002: the namespace does not exist.
    NamespaceNotFound,
    /// WFE003: the workflow execution, activity or task does not exist (or is no longer open).
    NotFound,
    /// WFE004: a workflow with this id is already running.
    AlreadyStarted,
    /// WFE005: the namespace already exists.
    NamespaceAlreadyExists,
    /// WFE006: the operation is not allowed in the current state.
    FailedPrecondition,
    /// WFE008: the worker answered a query with an error.
    QueryFailed,
    /// WFE009: nothing answered in time.
    DeadlineExceeded,
    /// WFE010: the reply was lost on the way (an injected fault).
    Unavailable,
    /// WFE011: the engine failed a workflow task (a refused or unhandled command).
    WorkflowTaskFailedByServer,
    /// WFE012: the engine hit a bug handling the request and undid it.
    Internal,
    /// WFE013: a limit was reached, or the workflow is busy closing.
    ResourceExhausted,
    /// WFE014: the operation is not supported in this form.
    PermissionDenied,
    /// WFE015: update-with-start could not be executed (per-operation statuses in the details).
    MultiOperation,
    /// WFE016: the workflow cannot answer yet: no workflow task has started (a query).
    WorkflowNotReady,
    /// WFE101: the engine cannot listen on the address.
    Bind,
}

impl ErrorCode {
    /// Every code, in code order.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::InvalidArgument,
        ErrorCode::NamespaceNotFound,
        ErrorCode::NotFound,
        ErrorCode::AlreadyStarted,
        ErrorCode::NamespaceAlreadyExists,
        ErrorCode::FailedPrecondition,
        ErrorCode::QueryFailed,
        ErrorCode::DeadlineExceeded,
        ErrorCode::Unavailable,
        ErrorCode::WorkflowTaskFailedByServer,
        ErrorCode::Internal,
        ErrorCode::ResourceExhausted,
        ErrorCode::PermissionDenied,
        ErrorCode::MultiOperation,
        ErrorCode::WorkflowNotReady,
        ErrorCode::Bind,
    ];

    /// The stable code, such as `WFE001`.
    pub fn as_str(self) -> &'static str {
        self.entry().0
    }

    /// One line: what it means.
    pub fn meaning(self) -> &'static str {
        self.entry().1
    }

    /// One line: what to do about it.
    pub fn what_to_do(self) -> &'static str {
        self.entry().2
    }

    fn entry(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ErrorCode::InvalidArgument => (
                "WFE001",
                "a required field is missing or a value is out of range (INVALID_ARGUMENT)",
                "fix the request field the message names",
            ),
            ErrorCode::NamespaceNotFound => (
                "WFE002",
                "the namespace does not exist (NOT_FOUND)",
                "register it first (`temporal operator namespace create`), or use `default`",
            ),
            ErrorCode::NotFound => (
                "WFE003",
                "the workflow execution, activity or task does not exist or is closed (NOT_FOUND)",
                "check the workflow id and run id; a task token is good only while its task is open",
            ),
            ErrorCode::AlreadyStarted => (
                "WFE004",
                "a workflow with this id is already running (ALREADY_EXISTS)",
                "use another workflow id, or an id conflict policy that uses or terminates the running one",
            ),
            ErrorCode::NamespaceAlreadyExists => (
                "WFE005",
                "the namespace already exists (ALREADY_EXISTS)",
                "nothing: use it as it is, or pick another name",
            ),
            ErrorCode::FailedPrecondition => (
                "WFE006",
                "the operation is not allowed in the current state, such as on a closed workflow (FAILED_PRECONDITION)",
                "read the state first (DescribeWorkflowExecution); the message says which state refused it",
            ),
            ErrorCode::QueryFailed => (
                "WFE008",
                "the worker answered the query with an error (INVALID_ARGUMENT with QueryFailedFailure)",
                "fix the workflow's query handler; the message is the worker's",
            ),
            ErrorCode::DeadlineExceeded => (
                "WFE009",
                "nothing answered in time, such as a query no worker took (DEADLINE_EXCEEDED)",
                "start a worker polling the task queue, or give the call a longer deadline",
            ),
            ErrorCode::Unavailable => (
                "WFE010",
                "the reply was lost on the way, an injected fault; the request may have been applied (UNAVAILABLE)",
                "retry as an SDK does; the fault plan in force says which reply was lost",
            ),
            ErrorCode::WorkflowTaskFailedByServer => (
                "WFE011",
                "the engine failed a workflow task for a refused or unhandled command; the message is the server's own words, with no code in front (INVALID_ARGUMENT)",
                "the SDK retries the task; if it keeps failing, the workflow issues a command the engine refuses",
            ),
            ErrorCode::Internal => (
                "WFE012",
                "the engine panicked handling the request; the request was undone, nothing of it was applied (INTERNAL)",
                "a wfkit bug: report it with the message and the engine's log; retrying is safe",
            ),
            ErrorCode::ResourceExhausted => (
                "WFE013",
                "a limit was reached (such as 10 updates in flight on one workflow), or the workflow is closing (RESOURCE_EXHAUSTED)",
                "retry later, as SDKs do; a workflow that is continuing as new takes the retried request on its new run",
            ),
            ErrorCode::PermissionDenied => (
                "WFE014",
                "the operation is not supported in this form, such as an update that waits only for ADMITTED (PERMISSION_DENIED); the message is the real server's",
                "change the request as the message says (wait for ACCEPTED or COMPLETED)",
            ),
            ErrorCode::MultiOperation => (
                "WFE015",
                "update-with-start could not be executed: the status of the operation that failed is the call's, each operation's is in MultiOperationExecutionFailure (the other one ABORTED)",
                "fix the operation whose status is not ABORTED, as its own message says",
            ),
            ErrorCode::WorkflowNotReady => (
                "WFE016",
                "the workflow cannot answer a query yet: its first workflow task waits for a cron or retry backoff beyond the call's deadline, or the run closed before any task started (FAILED_PRECONDITION with WorkflowNotReadyFailure)",
                "query after the first workflow task has run (DescribeWorkflowExecution shows its execution time), or give the call a longer deadline",
            ),
            ErrorCode::Bind => (
                "WFE101",
                "the engine cannot listen on the address",
                "pick a free port (or port 0 for any), or stop what holds it",
            ),
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answering a request. Its [`ErrorCode`] is data (`code()`); the message starts with
/// it, except where the real server's exact words are what SDKs compare.
#[derive(Debug)]
#[non_exhaustive]
pub enum EngineError {
    /// A required field is missing or a value is out of range.
    InvalidArgument(String),
    /// The namespace does not exist.
    NamespaceNotFound(String),
    /// The workflow execution, activity or task does not exist (or is no longer open).
    NotFound(String),
    /// A workflow with this id is already running.
    AlreadyStarted {
        /// The workflow id.
        workflow_id: String,
        /// The run that is running.
        run_id: String,
        /// The request id that started it.
        start_request_id: String,
    },
    /// The namespace already exists.
    NamespaceAlreadyExists,
    /// The operation is not allowed in the current state (for example on a closed workflow).
    FailedPrecondition(String),
    /// The server failed a workflow task (a refused or unhandled command). The message is the
    /// cause and detail exactly as the real server words them, with no code in front: SDKs
    /// compare it (sdk-core matches `UnhandledCommand`).
    WorkflowTaskFailedByServer(String),
    /// The worker answered a query with an error.
    QueryFailed(String),
    /// Nothing answered in time.
    DeadlineExceeded(String),
    /// The reply was lost on the way (an injected fault): the request may have been applied.
    Unavailable(String),
    /// The handler panicked; its changes were undone. The message is the panic's.
    Internal(String),
    /// A limit was reached, or the workflow is closing. The message is the real server's.
    ResourceExhausted(String),
    /// The operation is not supported in this form. The message is the real server's.
    PermissionDenied(String),
    /// CreateSchedule with the id of a schedule that exists (created by another request).
    ScheduleAlreadyRegistered(String),
    /// The workflow has no workflow task that could answer a query (yet). The message is the
    /// real server's.
    WorkflowNotReady(String),
    /// ExecuteMultiOperation failed: per operation (start, then update), its error, or `None`
    /// when it was fine but aborted because the other one failed.
    MultiOperation(Vec<Option<Box<EngineError>>>),
}

impl std::error::Error for EngineError {}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = self.code();
        match self {
            EngineError::InvalidArgument(detail)
            | EngineError::NotFound(detail)
            | EngineError::FailedPrecondition(detail)
            | EngineError::QueryFailed(detail)
            | EngineError::DeadlineExceeded(detail)
            | EngineError::Unavailable(detail)
            | EngineError::ResourceExhausted(detail)
            | EngineError::PermissionDenied(detail)
            | EngineError::WorkflowNotReady(detail) => write!(f, "[{code}] {detail}"),
            EngineError::Internal(detail) => {
                write!(
                    f,
                    "[{code}] the engine panicked and undid the request: {detail}"
                )
            }
            EngineError::NamespaceNotFound(namespace) => {
                write!(f, "[{code}] Namespace {namespace} is not found.")
            }
            EngineError::AlreadyStarted {
                workflow_id,
                run_id,
                ..
            } => write!(
                f,
                "[{code}] Workflow execution is already running. WorkflowId: {workflow_id}, RunId: {run_id}."
            ),
            EngineError::NamespaceAlreadyExists => {
                write!(f, "[{code}] Namespace already exists.")
            }
            EngineError::ScheduleAlreadyRegistered(schedule_id) => {
                write!(f, "[{code}] schedule {schedule_id:?} is already registered")
            }
            EngineError::WorkflowTaskFailedByServer(detail) => f.write_str(detail),
            EngineError::MultiOperation(_) => {
                write!(f, "[{code}] Update-with-Start could not be executed.")
            }
        }
    }
}

impl EngineError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::InvalidArgument(_) => ErrorCode::InvalidArgument,
            EngineError::NamespaceNotFound(_) => ErrorCode::NamespaceNotFound,
            EngineError::NotFound(_) => ErrorCode::NotFound,
            EngineError::AlreadyStarted { .. } | EngineError::ScheduleAlreadyRegistered(_) => {
                ErrorCode::AlreadyStarted
            }
            EngineError::NamespaceAlreadyExists => ErrorCode::NamespaceAlreadyExists,
            EngineError::FailedPrecondition(_) => ErrorCode::FailedPrecondition,
            EngineError::WorkflowTaskFailedByServer(_) => ErrorCode::WorkflowTaskFailedByServer,
            EngineError::QueryFailed(_) => ErrorCode::QueryFailed,
            EngineError::DeadlineExceeded(_) => ErrorCode::DeadlineExceeded,
            EngineError::Unavailable(_) => ErrorCode::Unavailable,
            EngineError::Internal(_) => ErrorCode::Internal,
            EngineError::ResourceExhausted(_) => ErrorCode::ResourceExhausted,
            EngineError::PermissionDenied(_) => ErrorCode::PermissionDenied,
            EngineError::MultiOperation(_) => ErrorCode::MultiOperation,
            EngineError::WorkflowNotReady(_) => ErrorCode::WorkflowNotReady,
        }
    }

    /// Errors that are part of normal traffic (lost replies under a fault plan, queries that
    /// found no worker, tasks already closed), logged at DEBUG rather than INFO.
    pub(crate) fn is_everyday(&self) -> bool {
        matches!(
            self,
            EngineError::NotFound(_)
                | EngineError::Unavailable(_)
                | EngineError::DeadlineExceeded(_)
        )
    }

    /// The gRPC status for this error.
    pub fn to_status(&self) -> tonic::Status {
        let message = self.to_string();
        let (code, detail) = match self {
            EngineError::InvalidArgument(_) | EngineError::WorkflowTaskFailedByServer(_) => {
                (Code::InvalidArgument, None)
            }
            EngineError::NamespaceNotFound(namespace) => (
                Code::NotFound,
                Some(any(
                    "temporal.api.errordetails.v1.NamespaceNotFoundFailure",
                    NamespaceNotFoundFailure {
                        namespace: namespace.clone(),
                    }
                    .encode_to_vec(),
                )),
            ),
            EngineError::NotFound(_) => (
                Code::NotFound,
                Some(any(
                    "temporal.api.errordetails.v1.NotFoundFailure",
                    NotFoundFailure::default().encode_to_vec(),
                )),
            ),
            EngineError::AlreadyStarted {
                run_id,
                start_request_id,
                ..
            } => (
                Code::AlreadyExists,
                Some(any(
                    "temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure",
                    WorkflowExecutionAlreadyStartedFailure {
                        start_request_id: start_request_id.clone(),
                        run_id: run_id.clone(),
                        ..WorkflowExecutionAlreadyStartedFailure::default()
                    }
                    .encode_to_vec(),
                )),
            ),
            EngineError::NamespaceAlreadyExists => (
                Code::AlreadyExists,
                Some(any(
                    "temporal.api.errordetails.v1.NamespaceAlreadyExistsFailure",
                    temporalio_protos::temporal::api::errordetails::v1::NamespaceAlreadyExistsFailure::default()
                        .encode_to_vec(),
                )),
            ),
            EngineError::FailedPrecondition(_) => (Code::FailedPrecondition, None),
            // The SDKs tell a duplicate schedule by this detail (Python: ScheduleAlreadyRunningError).
            EngineError::ScheduleAlreadyRegistered(_) => (
                Code::AlreadyExists,
                Some(any(
                    "temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure",
                    WorkflowExecutionAlreadyStartedFailure::default().encode_to_vec(),
                )),
            ),
            EngineError::WorkflowNotReady(_) => (
                Code::FailedPrecondition,
                Some(any(
                    "temporal.api.errordetails.v1.WorkflowNotReadyFailure",
                    temporalio_protos::temporal::api::errordetails::v1::WorkflowNotReadyFailure::default()
                        .encode_to_vec(),
                )),
            ),
            EngineError::QueryFailed(_) => (
                Code::InvalidArgument,
                Some(any(
                    "temporal.api.errordetails.v1.QueryFailedFailure",
                    temporalio_protos::temporal::api::errordetails::v1::QueryFailedFailure::default().encode_to_vec(),
                )),
            ),
            EngineError::DeadlineExceeded(_) => (Code::DeadlineExceeded, None),
            EngineError::Unavailable(_) => (Code::Unavailable, None),
            EngineError::Internal(_) => (Code::Internal, None),
            EngineError::ResourceExhausted(_) => (Code::ResourceExhausted, None),
            EngineError::PermissionDenied(_) => (Code::PermissionDenied, None),
            EngineError::MultiOperation(operations) => multi_operation_status(operations),
        };
        match detail {
            None => tonic::Status::new(code, message),
            Some(detail) => {
                let status = RpcStatus {
                    code: code as i32,
                    message: message.clone(),
                    details: vec![detail],
                };
                tonic::Status::with_details(code, message, status.encode_to_vec().into())
            }
        }
    }
}

impl From<EngineError> for tonic::Status {
    fn from(error: EngineError) -> Self {
        error.to_status()
    }
}

/// The call's code (the first failed operation's) and the per-operation statuses, as the real
/// server encodes a multi-operation failure.
fn multi_operation_status(
    operations: &[Option<Box<EngineError>>],
) -> (Code, Option<prost_wkt_types::Any>) {
    use temporalio_protos::temporal::api::errordetails::v1::MultiOperationExecutionFailure;
    use temporalio_protos::temporal::api::errordetails::v1::multi_operation_execution_failure::OperationStatus;
    let statuses: Vec<OperationStatus> = operations
        .iter()
        .map(|operation| match operation {
            Some(error) => {
                let status = error.to_status();
                OperationStatus {
                    code: status.code() as i32,
                    message: status.message().to_string(),
                    details: RpcStatus::decode(status.details())
                        .map(|decoded| decoded.details)
                        .unwrap_or_default(),
                }
            }
            None => OperationStatus {
                code: Code::Aborted as i32,
                message: "Operation was aborted.".to_string(),
                details: vec![any(
                    "temporal.api.failure.v1.MultiOperationExecutionAborted",
                    Vec::new(),
                )],
            },
        })
        .collect();
    let code = statuses
        .iter()
        .map(|status| Code::from_i32(status.code))
        .find(|code| !matches!(code, Code::Ok | Code::Aborted))
        .unwrap_or(Code::Aborted);
    let detail = any(
        "temporal.api.errordetails.v1.MultiOperationExecutionFailure",
        MultiOperationExecutionFailure { statuses }.encode_to_vec(),
    );
    (code, Some(detail))
}

fn any(type_name: &str, value: Vec<u8>) -> prost_wkt_types::Any {
    prost_wkt_types::Any {
        type_url: format!("type.googleapis.com/{type_name}"),
        value,
    }
}

/// The table of codes as `engine/ERRORS.md` holds it (a test keeps the two equal).
pub fn error_table_markdown() -> String {
    wfkit_codes::markdown_table(
        ErrorCode::ALL
            .iter()
            .map(|code| (code.as_str(), code.meaning(), code.what_to_do())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_md_lists_every_code_as_the_registry_says() {
        let doc = include_str!("../ERRORS.md");
        let table = error_table_markdown();
        assert!(
            doc.contains(&table),
            "engine/ERRORS.md is out of date; its table must be exactly:\n{table}"
        );
    }

    #[test]
    fn codes_are_unique_and_in_order() {
        let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn messages_start_with_their_code_except_the_servers_own_words() {
        let error = EngineError::NotFound("gone".to_string());
        assert_eq!(error.to_string(), "[WFE003] gone");
        assert_eq!(error.code(), ErrorCode::NotFound);
        let server = EngineError::WorkflowTaskFailedByServer("UnhandledCommand".to_string());
        assert_eq!(server.to_string(), "UnhandledCommand");
        assert_eq!(server.code().as_str(), "WFE011");
    }
}
