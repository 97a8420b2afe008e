//! The labels failures are counted under: short and stable, so reports from different runs and
//! servers compare.

use temporalio_client::tonic::{Code, Status};

use crate::TargetError;

/// The workflow closed as failed.
pub const WORKFLOW_FAILED: &str = "WORKFLOW_FAILED";
/// The workflow timed out (its execution or run timeout).
pub const WORKFLOW_TIMED_OUT: &str = "WORKFLOW_TIMED_OUT";
/// The workflow was cancelled.
pub const WORKFLOW_CANCELED: &str = "WORKFLOW_CANCELED";
/// The workflow was terminated.
pub const WORKFLOW_TERMINATED: &str = "WORKFLOW_TERMINATED";
/// The workflow completed with another result than expected (for `signals`: a lost or
/// duplicated signal), or an update answered another value than expected.
pub const RESULT_MISMATCH: &str = "RESULT_MISMATCH";
/// An update completed with a failure (its handler failed, or a validator rejected it).
pub const UPDATE_FAILED: &str = "UPDATE_FAILED";
/// The workflow continued as new more often than `wait` follows.
pub const CONTINUE_AS_NEW_LIMIT: &str = "CONTINUE_AS_NEW_LIMIT";
/// The server answered something the protocol does not allow (a start without a run id, a
/// close event of an unknown kind).
pub const BAD_RESPONSE: &str = "BAD_RESPONSE";

/// The canonical name of a gRPC status code, as in gRPC's documentation: `UNAVAILABLE`.
#[must_use]
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// A failed call as a target error: counted under the code name, with the call and the
/// server's message as details.
pub(super) fn from_status(call: &str, status: &Status) -> TargetError {
    TargetError::new(
        code_name(status.code()),
        format!("{call}: {}", status.message()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_are_grpc_names() {
        assert_eq!(code_name(Code::Unavailable), "UNAVAILABLE");
        assert_eq!(code_name(Code::DeadlineExceeded), "DEADLINE_EXCEEDED");
        let error = from_status("StartWorkflowExecution", &Status::already_exists("taken"));
        assert_eq!(error.status, "ALREADY_EXISTS");
        assert_eq!(error.message, "StartWorkflowExecution: taken");
    }
}
