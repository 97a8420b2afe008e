//! The gRPC frontend: `temporal.api.workflowservice.v1.WorkflowService`. One file per RPC
//! (or per small family of RPCs); this file only routes. RPCs not listed here answer
//! UNIMPLEMENTED.

mod call_deadline;
mod describe;
mod get_history;
pub(crate) mod health;
mod list;
mod long_poll;
mod multi_operation;
pub(crate) mod operator;
mod poll_activity_task;
mod poll_workflow_task;
mod query;
mod respond_activity_by_id;
mod respond_activity_task;
mod respond_workflow_task;
mod schedules;
mod signal;
mod signal_with_start;
mod start_workflow;
mod system;
pub(crate) mod test_service;
mod update;

use std::sync::Arc;

use temporalio_protos::temporal::api::workflowservice::v1 as api;
use tonic::{Request, Response, Status};

use crate::error::EngineError;
use crate::services::workflowservice::workflow_service_server::WorkflowService;
use crate::shared::Shared;

/// The WorkflowService implementation.
#[derive(Debug, Clone)]
pub(crate) struct Frontend {
    pub(crate) shared: Arc<Shared>,
}

/// Implements the service: each listed RPC goes to the handler of the same name, with errors
/// converted to gRPC statuses. (The whole impl is generated so `async_trait` sees the methods.)
macro_rules! routes {
    ($($name:ident($request:ident) -> $response:ident;)*) => {
        #[tonic::async_trait]
        impl WorkflowService for Frontend {
            $(
                async fn $name(&self, request: Request<api::$request>) -> Result<Response<api::$response>, Status> {
                    self.shared.stall.wait().await;
                    let started = std::time::Instant::now();
                    let timeout = request
                        .metadata()
                        .get("grpc-timeout")
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_owned);
                    let handler = catch_panic(Frontend::$name(self, request.into_inner()));
                    let answer = call_deadline::within(timeout.as_deref(), handler).await;
                    log_request(stringify!($name), started, answer.as_ref().err());
                    answer.map(Response::new).map_err(Status::from)
                }
            )*
        }
    };
}

/// Runs a handler, turning a panic into INTERNAL (WFE012). The state lock's guard has already
/// undone the request's changes by the time the panic reaches here (`shared::StateGuard`).
pub(crate) async fn catch_panic<T>(
    handler: impl Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    let mut handler = std::pin::pin!(handler);
    std::future::poll_fn(|context| {
        let poll = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handler.as_mut().poll(context)
        }));
        match poll {
            Ok(poll) => poll,
            // Ready: the panicked handler is never polled again.
            Err(payload) => {
                std::task::Poll::Ready(Err(EngineError::Internal(panic_text(&payload))))
            }
        }
    })
    .await
}

/// The message a panic carries (`panic!` with a literal or a formatted string).
fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// The engine's request log (target `wfkit_engine::rpc`): one event per RPC with its outcome,
/// at DEBUG, so `wfkit serve --log-level debug` (or a test's subscriber) shows the path of a
/// failing test's requests; errors other than the everyday ones (empty polls, not found) at INFO.
fn log_request(rpc: &'static str, started: std::time::Instant, error: Option<&EngineError>) {
    let elapsed_us = started.elapsed().as_micros() as u64;
    match error {
        None => tracing::debug!(target: "wfkit_engine::rpc", rpc, elapsed_us, "ok"),
        Some(error) => {
            let code = error.code().as_str();
            if error.is_everyday() {
                tracing::debug!(target: "wfkit_engine::rpc", rpc, elapsed_us, code, %error, "failed");
            } else {
                tracing::info!(target: "wfkit_engine::rpc", rpc, elapsed_us, code, %error, "failed");
            }
        }
    }
}

routes! {
    create_schedule(CreateScheduleRequest) -> CreateScheduleResponse;
    describe_schedule(DescribeScheduleRequest) -> DescribeScheduleResponse;
    update_schedule(UpdateScheduleRequest) -> UpdateScheduleResponse;
    patch_schedule(PatchScheduleRequest) -> PatchScheduleResponse;
    delete_schedule(DeleteScheduleRequest) -> DeleteScheduleResponse;
    list_schedules(ListSchedulesRequest) -> ListSchedulesResponse;
    list_schedule_matching_times(ListScheduleMatchingTimesRequest) -> ListScheduleMatchingTimesResponse;
    get_system_info(GetSystemInfoRequest) -> GetSystemInfoResponse;
    describe_namespace(DescribeNamespaceRequest) -> DescribeNamespaceResponse;
    list_namespaces(ListNamespacesRequest) -> ListNamespacesResponse;
    register_namespace(RegisterNamespaceRequest) -> RegisterNamespaceResponse;
    start_workflow_execution(StartWorkflowExecutionRequest) -> StartWorkflowExecutionResponse;
    poll_workflow_task_queue(PollWorkflowTaskQueueRequest) -> PollWorkflowTaskQueueResponse;
    respond_workflow_task_completed(RespondWorkflowTaskCompletedRequest) -> RespondWorkflowTaskCompletedResponse;
    respond_workflow_task_failed(RespondWorkflowTaskFailedRequest) -> RespondWorkflowTaskFailedResponse;
    poll_activity_task_queue(PollActivityTaskQueueRequest) -> PollActivityTaskQueueResponse;
    respond_activity_task_completed(RespondActivityTaskCompletedRequest) -> RespondActivityTaskCompletedResponse;
    respond_activity_task_failed(RespondActivityTaskFailedRequest) -> RespondActivityTaskFailedResponse;
    respond_activity_task_canceled(RespondActivityTaskCanceledRequest) -> RespondActivityTaskCanceledResponse;
    record_activity_task_heartbeat(RecordActivityTaskHeartbeatRequest) -> RecordActivityTaskHeartbeatResponse;
    respond_activity_task_completed_by_id(RespondActivityTaskCompletedByIdRequest) -> RespondActivityTaskCompletedByIdResponse;
    respond_activity_task_failed_by_id(RespondActivityTaskFailedByIdRequest) -> RespondActivityTaskFailedByIdResponse;
    respond_activity_task_canceled_by_id(RespondActivityTaskCanceledByIdRequest) -> RespondActivityTaskCanceledByIdResponse;
    record_activity_task_heartbeat_by_id(RecordActivityTaskHeartbeatByIdRequest) -> RecordActivityTaskHeartbeatByIdResponse;
    get_workflow_execution_history(GetWorkflowExecutionHistoryRequest) -> GetWorkflowExecutionHistoryResponse;
    signal_workflow_execution(SignalWorkflowExecutionRequest) -> SignalWorkflowExecutionResponse;
    request_cancel_workflow_execution(RequestCancelWorkflowExecutionRequest) -> RequestCancelWorkflowExecutionResponse;
    terminate_workflow_execution(TerminateWorkflowExecutionRequest) -> TerminateWorkflowExecutionResponse;
    shutdown_worker(ShutdownWorkerRequest) -> ShutdownWorkerResponse;
    reset_sticky_task_queue(ResetStickyTaskQueueRequest) -> ResetStickyTaskQueueResponse;
    describe_workflow_execution(DescribeWorkflowExecutionRequest) -> DescribeWorkflowExecutionResponse;
    query_workflow(QueryWorkflowRequest) -> QueryWorkflowResponse;
    signal_with_start_workflow_execution(SignalWithStartWorkflowExecutionRequest) -> SignalWithStartWorkflowExecutionResponse;
    respond_query_task_completed(RespondQueryTaskCompletedRequest) -> RespondQueryTaskCompletedResponse;
    list_workflow_executions(ListWorkflowExecutionsRequest) -> ListWorkflowExecutionsResponse;
    count_workflow_executions(CountWorkflowExecutionsRequest) -> CountWorkflowExecutionsResponse;
    update_workflow_execution(UpdateWorkflowExecutionRequest) -> UpdateWorkflowExecutionResponse;
    poll_workflow_execution_update(PollWorkflowExecutionUpdateRequest) -> PollWorkflowExecutionUpdateResponse;
    execute_multi_operation(ExecuteMultiOperationRequest) -> ExecuteMultiOperationResponse;
}
