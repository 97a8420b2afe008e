//! Errors the engine returns, each mapped to the gRPC status the real server gives, with the
//! error details SDKs inspect (`grpc-status-details-bin`).

use prost::Message;
use temporalio_protos::google::rpc::Status as RpcStatus;
use temporalio_protos::temporal::api::errordetails::v1::{
    NamespaceNotFoundFailure, NotFoundFailure, WorkflowExecutionAlreadyStartedFailure,
};
use tonic::Code;

/// An error answering a request. The message starts with a stable code.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A required field is missing or a value is out of range.
    #[error("[WFE001] {0}")]
    InvalidArgument(String),
    /// The namespace does not exist.
    #[error("[WFE002] Namespace {0} is not found.")]
    NamespaceNotFound(String),
    /// The workflow execution, activity or task does not exist (or is no longer open).
    #[error("[WFE003] {0}")]
    NotFound(String),
    /// A workflow with this id is already running.
    #[error(
        "[WFE004] Workflow execution is already running. WorkflowId: {workflow_id}, RunId: {run_id}."
    )]
    AlreadyStarted {
        /// The workflow id.
        workflow_id: String,
        /// The run that is running.
        run_id: String,
        /// The request id that started it.
        start_request_id: String,
    },
    /// The namespace already exists.
    #[error("[WFE005] Namespace already exists.")]
    NamespaceAlreadyExists,
    /// The operation is not allowed in the current state (for example on a closed workflow).
    #[error("[WFE006] {0}")]
    FailedPrecondition(String),
    /// The server failed a workflow task (a refused or unhandled command). The message is the
    /// cause and detail exactly as the real server words them, with no code in front: SDKs
    /// compare it (sdk-core matches `UnhandledCommand`).
    #[error("{0}")]
    WorkflowTaskFailedByServer(String),
    /// The worker answered a query with an error.
    #[error("[WFE008] {0}")]
    QueryFailed(String),
    /// Nothing answered in time.
    #[error("[WFE009] {0}")]
    DeadlineExceeded(String),
    /// The reply was lost on the way (an injected fault): the request may have been applied.
    #[error("[WFE010] {0}")]
    Unavailable(String),
    /// The RPC is not served by the engine.
    #[error("[WFE007] {0} is not implemented by the wfkit engine")]
    Unimplemented(&'static str),
}

impl EngineError {
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
            EngineError::Unimplemented(_) => (Code::Unimplemented, None),
            EngineError::QueryFailed(_) => (
                Code::InvalidArgument,
                Some(any(
                    "temporal.api.errordetails.v1.QueryFailedFailure",
                    temporalio_protos::temporal::api::errordetails::v1::QueryFailedFailure::default().encode_to_vec(),
                )),
            ),
            EngineError::DeadlineExceeded(_) => (Code::DeadlineExceeded, None),
            EngineError::Unavailable(_) => (Code::Unavailable, None),
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

fn any(type_name: &str, value: Vec<u8>) -> prost_wkt_types::Any {
    prost_wkt_types::Any {
        type_url: format!("type.googleapis.com/{type_name}"),
        value,
    }
}
