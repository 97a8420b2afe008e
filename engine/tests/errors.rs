//! Error conformance: one table of bad requests, each sent with raw gRPC calls to the real
//! Temporal dev server (`temporal server start-dev`) and to the wfkit engine. The engine must
//! answer with the same gRPC status code as the real server, and with the same error detail
//! types in `grpc-status-details-bin` (`google.rpc.Status.details[].type_url`): the Go SDK turns
//! every `temporal.api.errordetails.v1` type into a typed error, and Python checks
//! `WorkflowExecutionAlreadyStartedFailure`. Success cases compare what SDKs rely on (the run id,
//! `started`). Messages differ between the two and are never compared.
//!
//! Every mismatch is collected and reported in one failure. After the table the engine must
//! still serve: a valid start and its history. Fails (never skips) when the dev server is
//! missing.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use prost::Message;
use temporalio_protos::google::rpc::Status as RpcStatus;
use temporalio_protos::temporal::api::common::v1::{RetryPolicy, WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::{
    EventType, TaskQueueKind, WorkflowIdConflictPolicy, WorkflowIdReusePolicy,
    WorkflowTaskFailedCause,
};
use temporalio_protos::temporal::api::query::v1::WorkflowQuery;
use temporalio_protos::temporal::api::schedule::v1::{
    Schedule, ScheduleAction, ScheduleSpec, ScheduleState, schedule_action,
};
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflow::v1::NewWorkflowExecutionInfo;
use temporalio_protos::temporal::api::workflowservice::v1::{
    CreateScheduleRequest, DeleteScheduleRequest, DescribeNamespaceRequest,
    DescribeScheduleRequest, DescribeWorkflowExecutionRequest, GetWorkflowExecutionHistoryRequest,
    PatchScheduleRequest, PollWorkflowTaskQueueRequest, QueryWorkflowRequest,
    RegisterNamespaceRequest, ResetStickyTaskQueueRequest, RespondActivityTaskCompletedRequest,
    RespondWorkflowTaskCompletedRequest, RespondWorkflowTaskFailedRequest,
    SignalWorkflowExecutionRequest, StartWorkflowExecutionRequest, StartWorkflowExecutionResponse,
    TerminateWorkflowExecutionRequest,
};
use tonic::{Code, Request, Response, Status};
use wfkit_cluster::{Client, ConnectOptions, NAMESPACE_HEADER, connect};
use wfkit_devserver::DevServer;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};

/// A namespace neither backend has.
const UNKNOWN_NAMESPACE: &str = "wfkit-errors-no-such-namespace";
/// A well-formed run id that no execution has.
const UNKNOWN_RUN_ID: &str = "5e1f7a3c-0000-4000-8000-000000000000";
/// Bytes that do not decode as any task token (0x6e is field 13 with the invalid wire type 6).
const GARBAGE_TOKEN: &[u8] = b"not a task token";
const WORKFLOW_TYPE: &str = "ErrorsWorkflow";

/// Deadline of an ordinary call: a hung backend fails the case instead of the whole run.
const RPC_TIMEOUT: Duration = Duration::from_secs(10);
/// Deadline of a long poll. The real server refuses polls shorter than 2 s, and every poll here
/// either has a task waiting or is expected to be refused outright.
const POLL_TIMEOUT: Duration = Duration::from_secs(5);
/// Upper bound on one case, setup included.
const CASE_TIMEOUT: Duration = Duration::from_secs(30);

/// What a backend answered to a case's probe.
#[derive(Debug, Clone)]
enum Outcome {
    /// Success, with the facts SDKs rely on (e.g. `started=false same_run=true`).
    Ok(String),
    /// A gRPC error: the code and the detail type names (without `type.googleapis.com/`). The
    /// message is kept for the log only: the two backends word their messages differently.
    Error {
        code: Code,
        details: Vec<String>,
        message: String,
    },
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Ok(ours), Outcome::Ok(theirs)) => ours == theirs,
            (
                Outcome::Error { code, details, .. },
                Outcome::Error {
                    code: other_code,
                    details: other_details,
                    ..
                },
            ) => code == other_code && details == other_details,
            _ => false,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Ok(facts) if facts.is_empty() => write!(f, "OK"),
            Outcome::Ok(facts) => write!(f, "OK ({facts})"),
            Outcome::Error { code, details, .. } if details.is_empty() => write!(f, "{code:?}"),
            Outcome::Error { code, details, .. } => {
                write!(f, "{code:?} [{}]", details.join(", "))
            }
        }
    }
}

impl Outcome {
    fn from_status(status: &Status) -> Outcome {
        // A detail blob that does not decode is itself a difference worth seeing.
        let details = if status.details().is_empty() {
            Vec::new()
        } else {
            match RpcStatus::decode(status.details()) {
                Ok(rpc) => rpc
                    .details
                    .iter()
                    .map(|any| {
                        any.type_url
                            .strip_prefix("type.googleapis.com/")
                            .unwrap_or(&any.type_url)
                            .to_owned()
                    })
                    .collect(),
                Err(_) => vec!["<undecodable grpc-status-details-bin>".to_owned()],
            }
        };
        Outcome::Error {
            code: status.code(),
            details,
            message: status.message().to_owned(),
        }
    }

    /// `OK` for a success, the code and details for an error.
    fn of<T>(result: Result<Response<T>, Status>) -> Outcome {
        Outcome::with(result, |_| String::new())
    }

    /// Like [`Outcome::of`], with the facts `describe` reads from a success.
    fn with<T>(result: Result<Response<T>, Status>, describe: impl FnOnce(T) -> String) -> Outcome {
        match result {
            Ok(response) => Outcome::Ok(describe(response.into_inner())),
            Err(status) => Outcome::from_status(&status),
        }
    }
}

/// One backend, as one case sees it: its own workflow id and task queue, so that cases never
/// see each other's tasks.
#[derive(Clone)]
struct Ctx {
    client: Client,
    namespace: String,
    /// Unique per case and backend; the workflow id and the task queue name.
    id: String,
}

impl Ctx {
    /// A request in the backend's namespace with the ordinary deadline.
    fn request<T>(&self, message: T) -> Request<T> {
        request_in(&self.namespace, message, RPC_TIMEOUT)
    }

    fn execution(&self, run_id: &str) -> Option<WorkflowExecution> {
        Some(WorkflowExecution {
            workflow_id: self.id.clone(),
            run_id: run_id.to_owned(),
        })
    }

    /// A valid start of this case's workflow id on this case's task queue.
    fn start_request(&self, request_id: &str) -> StartWorkflowExecutionRequest {
        StartWorkflowExecutionRequest {
            namespace: self.namespace.clone(),
            workflow_id: self.id.clone(),
            workflow_type: Some(WorkflowType {
                name: WORKFLOW_TYPE.to_owned(),
            }),
            task_queue: Some(TaskQueue {
                name: self.id.clone(),
                kind: TaskQueueKind::Normal as i32,
                ..TaskQueue::default()
            }),
            identity: "wfkit-errors-test".to_owned(),
            request_id: format!("{}-{request_id}", self.id),
            ..StartWorkflowExecutionRequest::default()
        }
    }

    async fn start(&self, request_id: &str) -> Result<StartWorkflowExecutionResponse> {
        let response = self
            .client
            .clone()
            .start_workflow_execution(self.request(self.start_request(request_id)))
            .await
            .with_context(|| format!("setup: start {}", self.id))?
            .into_inner();
        ensure!(
            response.started && !response.run_id.is_empty(),
            "setup: start {}: {response:?}",
            self.id
        );
        Ok(response)
    }

    async fn terminate(&self) -> Result<()> {
        self.client
            .clone()
            .terminate_workflow_execution(self.request(TerminateWorkflowExecutionRequest {
                namespace: self.namespace.clone(),
                workflow_execution: self.execution(""),
                reason: "errors test".to_owned(),
                ..TerminateWorkflowExecutionRequest::default()
            }))
            .await
            .with_context(|| format!("setup: terminate {}", self.id))?;
        Ok(())
    }

    /// Starts this case's workflow and takes its first workflow task; returns the task token.
    async fn start_and_poll(&self) -> Result<Vec<u8>> {
        self.start("first").await?;
        let response = self
            .client
            .clone()
            .poll_workflow_task_queue(request_in(
                &self.namespace,
                PollWorkflowTaskQueueRequest {
                    namespace: self.namespace.clone(),
                    task_queue: Some(TaskQueue {
                        name: self.id.clone(),
                        kind: TaskQueueKind::Normal as i32,
                        ..TaskQueue::default()
                    }),
                    identity: "wfkit-errors-test".to_owned(),
                    ..PollWorkflowTaskQueueRequest::default()
                },
                POLL_TIMEOUT,
            ))
            .await
            .with_context(|| format!("setup: poll {}", self.id))?
            .into_inner();
        ensure!(
            !response.task_token.is_empty(),
            "setup: poll {} returned no task",
            self.id
        );
        Ok(response.task_token)
    }

    async fn complete_workflow_task(&self, token: Vec<u8>) -> Result<Response<()>, Status> {
        self.client
            .clone()
            .respond_workflow_task_completed(self.request(RespondWorkflowTaskCompletedRequest {
                namespace: self.namespace.clone(),
                task_token: token,
                identity: "wfkit-errors-test".to_owned(),
                ..RespondWorkflowTaskCompletedRequest::default()
            }))
            .await
            .map(|response| response.map(|_| ()))
    }
}

/// A request routed to `namespace` (the `temporal-namespace` header SDKs send matches the
/// body), with a deadline.
fn request_in<T>(namespace: &str, message: T, timeout: Duration) -> Request<T> {
    let mut request = Request::new(message);
    if let Ok(value) = namespace.parse() {
        request.metadata_mut().insert(NAMESPACE_HEADER, value);
    }
    request.set_timeout(timeout);
    request
}

type CaseFuture = Pin<Box<dyn Future<Output = Result<Outcome>> + Send>>;

/// A bad request: setup that must succeed on both backends, then one probe whose outcome is
/// compared.
struct Case {
    name: &'static str,
    run: fn(Ctx) -> CaseFuture,
}

macro_rules! case {
    ($name:literal, $run:ident) => {
        Case {
            name: $name,
            run: |ctx| Box::pin($run(ctx)),
        }
    };
}

fn cases() -> Vec<Case> {
    vec![
        case!("start: empty workflow_id", start_empty_workflow_id),
        case!("start: no workflow_type", start_no_workflow_type),
        case!("start: no task_queue", start_no_task_queue),
        case!("start: malformed cron_schedule", start_malformed_cron),
        case!("start: cron_schedule with no time", start_cron_never),
        case!(
            "start: cron_schedule and a start delay",
            start_cron_with_delay
        ),
        case!(
            "start: retry coefficient below 1",
            start_retry_coefficient_below_one
        ),
        case!(
            "start: retry maximum below initial",
            start_retry_maximum_below_initial
        ),
        case!("start: empty namespace", start_empty_namespace),
        case!("start: unknown namespace", start_unknown_namespace),
        case!("start: id already running", start_running_id),
        case!("start: same request_id again", start_same_request_id),
        case!("start: USE_EXISTING on a running id", start_use_existing),
        case!(
            "start: REJECT_DUPLICATE after terminate",
            start_reject_duplicate
        ),
        case!(
            "DescribeNamespace: unknown namespace",
            describe_namespace_unknown
        ),
        case!("DescribeNamespace: empty name", describe_namespace_empty),
        case!("GetHistory: unknown workflow id", history_unknown_workflow),
        case!("GetHistory: unknown namespace", history_unknown_namespace),
        case!("GetHistory: unknown run id", history_unknown_run),
        case!("GetHistory: malformed run id", history_malformed_run),
        case!("Signal: unknown workflow id", signal_unknown_workflow),
        case!("Signal: unknown namespace", signal_unknown_namespace),
        case!("Signal: closed workflow", signal_closed),
        case!("Signal: empty signal name", signal_empty_name),
        case!("Terminate: unknown workflow id", terminate_unknown_workflow),
        case!("Terminate: unknown namespace", terminate_unknown_namespace),
        case!("Terminate: closed workflow", terminate_closed),
        case!("Describe: unknown workflow id", describe_unknown_workflow),
        case!("Describe: unknown namespace", describe_unknown_namespace),
        case!("WFT completed: garbage token", wft_completed_garbage_token),
        case!("WFT completed: empty token", wft_completed_empty_token),
        case!(
            "activity completed: garbage token",
            activity_completed_garbage_token
        ),
        case!("WFT completed twice: second", wft_completed_twice),
        case!("WFT failed after completed", wft_failed_after_completed),
        case!(
            "PollWorkflowTaskQueue: empty task queue",
            poll_empty_task_queue
        ),
        case!("Query: empty query type", query_empty_type),
        case!(
            "CreateSchedule: id already registered",
            create_schedule_twice
        ),
        case!(
            "CreateSchedule: malformed cron_string",
            create_schedule_bad_cron
        ),
        case!("DescribeSchedule: unknown id", describe_unknown_schedule),
        case!("PatchSchedule: no patch", patch_schedule_without_patch),
        case!(
            "ResetStickyTaskQueue: a running workflow",
            reset_sticky_running
        ),
        case!(
            "ResetStickyTaskQueue: no workflow id",
            reset_sticky_no_workflow_id
        ),
        case!(
            "ResetStickyTaskQueue: unknown workflow",
            reset_sticky_unknown
        ),
        case!(
            "Query: cron workflow before its first task",
            query_before_first_task
        ),
        case!(
            "Query: closed before any task started",
            query_closed_before_a_task
        ),
        case!("RegisterNamespace: default", register_default_namespace),
        case!(
            "RegisterNamespace: default without retention",
            register_default_no_retention
        ),
    ]
}

// ---- StartWorkflowExecution ----

async fn start_probe(ctx: &Ctx, request: StartWorkflowExecutionRequest) -> Outcome {
    let namespace = request.namespace.clone();
    Outcome::of(
        ctx.client
            .clone()
            .start_workflow_execution(request_in(&namespace, request, RPC_TIMEOUT))
            .await,
    )
}

async fn start_empty_workflow_id(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    request.workflow_id.clear();
    Ok(start_probe(&ctx, request).await)
}

async fn start_no_workflow_type(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    request.workflow_type = None;
    Ok(start_probe(&ctx, request).await)
}

async fn start_no_task_queue(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    request.task_queue = None;
    Ok(start_probe(&ctx, request).await)
}

async fn start_malformed_cron(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    request.cron_schedule = "61 * * * *".to_owned();
    Ok(start_probe(&ctx, request).await)
}

async fn start_cron_never(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    // The 30th of February.
    request.cron_schedule = "0 0 30 2 *".to_owned();
    Ok(start_probe(&ctx, request).await)
}

async fn start_cron_with_delay(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    request.cron_schedule = "@hourly".to_owned();
    request.workflow_start_delay = Some(prost_wkt_types::Duration {
        seconds: 5,
        nanos: 0,
    });
    Ok(start_probe(&ctx, request).await)
}

async fn start_retry_coefficient_below_one(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    request.retry_policy = Some(RetryPolicy {
        backoff_coefficient: 0.5,
        ..RetryPolicy::default()
    });
    Ok(start_probe(&ctx, request).await)
}

async fn start_retry_maximum_below_initial(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    request.retry_policy = Some(RetryPolicy {
        initial_interval: Some(prost_wkt_types::Duration {
            seconds: 10,
            nanos: 0,
        }),
        maximum_interval: Some(prost_wkt_types::Duration {
            seconds: 5,
            nanos: 0,
        }),
        ..RetryPolicy::default()
    });
    Ok(start_probe(&ctx, request).await)
}

async fn start_empty_namespace(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    request.namespace.clear();
    // The header still names the backend's namespace, as an SDK's connection would.
    let request = request_in(&ctx.namespace, request, RPC_TIMEOUT);
    Ok(Outcome::of(
        ctx.client.clone().start_workflow_execution(request).await,
    ))
}

async fn start_unknown_namespace(ctx: Ctx) -> Result<Outcome> {
    let mut request = ctx.start_request("probe");
    request.namespace = UNKNOWN_NAMESPACE.to_owned();
    Ok(start_probe(&ctx, request).await)
}

async fn start_running_id(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    Ok(start_probe(&ctx, ctx.start_request("second")).await)
}

async fn start_same_request_id(ctx: Ctx) -> Result<Outcome> {
    let first = ctx.start("first").await?;
    let result = ctx
        .client
        .clone()
        .start_workflow_execution(ctx.request(ctx.start_request("first")))
        .await;
    Ok(Outcome::with(result, |second| {
        format!(
            "started={} same_run={}",
            second.started,
            second.run_id == first.run_id
        )
    }))
}

async fn start_use_existing(ctx: Ctx) -> Result<Outcome> {
    let first = ctx.start("first").await?;
    let mut request = ctx.start_request("second");
    request.workflow_id_conflict_policy = WorkflowIdConflictPolicy::UseExisting as i32;
    let result = ctx
        .client
        .clone()
        .start_workflow_execution(ctx.request(request))
        .await;
    Ok(Outcome::with(result, |second| {
        format!(
            "started={} same_run={}",
            second.started,
            second.run_id == first.run_id
        )
    }))
}

async fn start_reject_duplicate(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    ctx.terminate().await?;
    let mut request = ctx.start_request("second");
    request.workflow_id_reuse_policy = WorkflowIdReusePolicy::RejectDuplicate as i32;
    Ok(start_probe(&ctx, request).await)
}

// ---- DescribeNamespace ----

async fn describe_namespace_unknown(ctx: Ctx) -> Result<Outcome> {
    let request = request_in(
        UNKNOWN_NAMESPACE,
        DescribeNamespaceRequest {
            namespace: UNKNOWN_NAMESPACE.to_owned(),
            ..DescribeNamespaceRequest::default()
        },
        RPC_TIMEOUT,
    );
    Ok(Outcome::of(
        ctx.client.clone().describe_namespace(request).await,
    ))
}

async fn describe_namespace_empty(ctx: Ctx) -> Result<Outcome> {
    let request = ctx.request(DescribeNamespaceRequest::default());
    Ok(Outcome::of(
        ctx.client.clone().describe_namespace(request).await,
    ))
}

// ---- GetWorkflowExecutionHistory ----

async fn history_probe(ctx: &Ctx, namespace: &str, run_id: &str) -> Outcome {
    let request = request_in(
        namespace,
        GetWorkflowExecutionHistoryRequest {
            namespace: namespace.to_owned(),
            execution: ctx.execution(run_id),
            ..GetWorkflowExecutionHistoryRequest::default()
        },
        RPC_TIMEOUT,
    );
    Outcome::of(
        ctx.client
            .clone()
            .get_workflow_execution_history(request)
            .await,
    )
}

async fn history_unknown_workflow(ctx: Ctx) -> Result<Outcome> {
    Ok(history_probe(&ctx, &ctx.namespace, "").await)
}

async fn history_unknown_namespace(ctx: Ctx) -> Result<Outcome> {
    Ok(history_probe(&ctx, UNKNOWN_NAMESPACE, "").await)
}

async fn history_unknown_run(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    Ok(history_probe(&ctx, &ctx.namespace, UNKNOWN_RUN_ID).await)
}

async fn history_malformed_run(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    Ok(history_probe(&ctx, &ctx.namespace, "not-a-run-id").await)
}

// ---- SignalWorkflowExecution ----

async fn signal_probe(ctx: &Ctx, namespace: &str, signal_name: &str) -> Outcome {
    let request = request_in(
        namespace,
        SignalWorkflowExecutionRequest {
            namespace: namespace.to_owned(),
            workflow_execution: ctx.execution(""),
            signal_name: signal_name.to_owned(),
            identity: "wfkit-errors-test".to_owned(),
            request_id: format!("{}-signal", ctx.id),
            ..SignalWorkflowExecutionRequest::default()
        },
        RPC_TIMEOUT,
    );
    Outcome::of(ctx.client.clone().signal_workflow_execution(request).await)
}

async fn signal_unknown_workflow(ctx: Ctx) -> Result<Outcome> {
    Ok(signal_probe(&ctx, &ctx.namespace, "poke").await)
}

async fn signal_unknown_namespace(ctx: Ctx) -> Result<Outcome> {
    Ok(signal_probe(&ctx, UNKNOWN_NAMESPACE, "poke").await)
}

async fn signal_closed(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    ctx.terminate().await?;
    Ok(signal_probe(&ctx, &ctx.namespace, "poke").await)
}

async fn signal_empty_name(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    Ok(signal_probe(&ctx, &ctx.namespace, "").await)
}

// ---- TerminateWorkflowExecution ----

async fn terminate_probe(ctx: &Ctx, namespace: &str) -> Outcome {
    let request = request_in(
        namespace,
        TerminateWorkflowExecutionRequest {
            namespace: namespace.to_owned(),
            workflow_execution: ctx.execution(""),
            reason: "errors test probe".to_owned(),
            ..TerminateWorkflowExecutionRequest::default()
        },
        RPC_TIMEOUT,
    );
    Outcome::of(
        ctx.client
            .clone()
            .terminate_workflow_execution(request)
            .await,
    )
}

async fn terminate_unknown_workflow(ctx: Ctx) -> Result<Outcome> {
    Ok(terminate_probe(&ctx, &ctx.namespace).await)
}

async fn terminate_unknown_namespace(ctx: Ctx) -> Result<Outcome> {
    Ok(terminate_probe(&ctx, UNKNOWN_NAMESPACE).await)
}

async fn terminate_closed(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    ctx.terminate().await?;
    Ok(terminate_probe(&ctx, &ctx.namespace).await)
}

// ---- DescribeWorkflowExecution ----

async fn describe_probe(ctx: &Ctx, namespace: &str) -> Outcome {
    let request = request_in(
        namespace,
        DescribeWorkflowExecutionRequest {
            namespace: namespace.to_owned(),
            execution: ctx.execution(""),
        },
        RPC_TIMEOUT,
    );
    Outcome::of(
        ctx.client
            .clone()
            .describe_workflow_execution(request)
            .await,
    )
}

async fn describe_unknown_workflow(ctx: Ctx) -> Result<Outcome> {
    Ok(describe_probe(&ctx, &ctx.namespace).await)
}

async fn describe_unknown_namespace(ctx: Ctx) -> Result<Outcome> {
    Ok(describe_probe(&ctx, UNKNOWN_NAMESPACE).await)
}

// ---- Task completions ----

async fn wft_completed_garbage_token(ctx: Ctx) -> Result<Outcome> {
    Ok(Outcome::of(
        ctx.complete_workflow_task(GARBAGE_TOKEN.to_vec()).await,
    ))
}

async fn wft_completed_empty_token(ctx: Ctx) -> Result<Outcome> {
    Ok(Outcome::of(ctx.complete_workflow_task(Vec::new()).await))
}

async fn activity_completed_garbage_token(ctx: Ctx) -> Result<Outcome> {
    let request = ctx.request(RespondActivityTaskCompletedRequest {
        namespace: ctx.namespace.clone(),
        task_token: GARBAGE_TOKEN.to_vec(),
        identity: "wfkit-errors-test".to_owned(),
        ..RespondActivityTaskCompletedRequest::default()
    });
    Ok(Outcome::of(
        ctx.client
            .clone()
            .respond_activity_task_completed(request)
            .await,
    ))
}

async fn wft_completed_twice(ctx: Ctx) -> Result<Outcome> {
    let token = ctx.start_and_poll().await?;
    ctx.complete_workflow_task(token.clone())
        .await
        .context("setup: first completion")?;
    Ok(Outcome::of(ctx.complete_workflow_task(token).await))
}

async fn wft_failed_after_completed(ctx: Ctx) -> Result<Outcome> {
    let token = ctx.start_and_poll().await?;
    ctx.complete_workflow_task(token.clone())
        .await
        .context("setup: completion")?;
    let request = ctx.request(RespondWorkflowTaskFailedRequest {
        namespace: ctx.namespace.clone(),
        task_token: token,
        cause: WorkflowTaskFailedCause::WorkflowWorkerUnhandledFailure as i32,
        identity: "wfkit-errors-test".to_owned(),
        ..RespondWorkflowTaskFailedRequest::default()
    });
    Ok(Outcome::of(
        ctx.client
            .clone()
            .respond_workflow_task_failed(request)
            .await,
    ))
}

// ---- Polls, queries, namespaces ----

async fn poll_empty_task_queue(ctx: Ctx) -> Result<Outcome> {
    let request = request_in(
        &ctx.namespace,
        PollWorkflowTaskQueueRequest {
            namespace: ctx.namespace.clone(),
            task_queue: Some(TaskQueue {
                name: String::new(),
                kind: TaskQueueKind::Normal as i32,
                ..TaskQueue::default()
            }),
            identity: "wfkit-errors-test".to_owned(),
            ..PollWorkflowTaskQueueRequest::default()
        },
        POLL_TIMEOUT,
    );
    Ok(Outcome::with(
        ctx.client.clone().poll_workflow_task_queue(request).await,
        |response| format!("task_token_empty={}", response.task_token.is_empty()),
    ))
}

async fn query_empty_type(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    let request = ctx.request(QueryWorkflowRequest {
        namespace: ctx.namespace.clone(),
        execution: ctx.execution(""),
        query: Some(WorkflowQuery::default()),
        ..QueryWorkflowRequest::default()
    });
    Ok(Outcome::of(
        ctx.client.clone().query_workflow(request).await,
    ))
}

/// The deadline of the queries that no workflow task can answer (they answer at once).
const NOT_READY_QUERY_DEADLINE: Duration = Duration::from_secs(3);

fn query_request(ctx: &Ctx) -> Request<QueryWorkflowRequest> {
    request_in(
        &ctx.namespace,
        QueryWorkflowRequest {
            namespace: ctx.namespace.clone(),
            execution: ctx.execution(""),
            query: Some(WorkflowQuery {
                query_type: "anything".to_owned(),
                ..WorkflowQuery::default()
            }),
            ..QueryWorkflowRequest::default()
        },
        NOT_READY_QUERY_DEADLINE,
    )
}

async fn query_before_first_task(ctx: Ctx) -> Result<Outcome> {
    let mut start = ctx.start_request("first");
    start.cron_schedule = "@yearly".to_owned();
    ctx.client
        .clone()
        .start_workflow_execution(ctx.request(start))
        .await
        .context("setup: start a cron workflow")?;
    let outcome = Outcome::of(ctx.client.clone().query_workflow(query_request(&ctx)).await);
    ctx.terminate().await?;
    Ok(outcome)
}

async fn query_closed_before_a_task(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    ctx.terminate().await?;
    Ok(Outcome::of(
        ctx.client.clone().query_workflow(query_request(&ctx)).await,
    ))
}

fn schedule_request(ctx: &Ctx, request_id: &str, cron: &str) -> CreateScheduleRequest {
    CreateScheduleRequest {
        namespace: ctx.namespace.clone(),
        schedule_id: ctx.id.clone(),
        schedule: Some(Schedule {
            spec: Some(ScheduleSpec {
                cron_string: vec![cron.to_owned()],
                ..ScheduleSpec::default()
            }),
            action: Some(ScheduleAction {
                action: Some(schedule_action::Action::StartWorkflow(
                    NewWorkflowExecutionInfo {
                        workflow_id: ctx.id.clone(),
                        workflow_type: Some(WorkflowType {
                            name: WORKFLOW_TYPE.to_owned(),
                        }),
                        task_queue: Some(TaskQueue {
                            name: ctx.id.clone(),
                            kind: TaskQueueKind::Normal as i32,
                            ..TaskQueue::default()
                        }),
                        ..NewWorkflowExecutionInfo::default()
                    },
                )),
            }),
            // Paused, so that it starts nothing while the table runs.
            state: Some(ScheduleState {
                paused: true,
                ..ScheduleState::default()
            }),
            ..Schedule::default()
        }),
        request_id: format!("{}-{request_id}", ctx.id),
        ..CreateScheduleRequest::default()
    }
}

async fn create_schedule_twice(ctx: Ctx) -> Result<Outcome> {
    ctx.client
        .clone()
        .create_schedule(ctx.request(schedule_request(&ctx, "first", "@yearly")))
        .await
        .context("setup: create the schedule")?;
    let outcome = Outcome::of(
        ctx.client
            .clone()
            .create_schedule(ctx.request(schedule_request(&ctx, "second", "@yearly")))
            .await,
    );
    ctx.client
        .clone()
        .delete_schedule(ctx.request(DeleteScheduleRequest {
            namespace: ctx.namespace.clone(),
            schedule_id: ctx.id.clone(),
            ..DeleteScheduleRequest::default()
        }))
        .await
        .context("cleanup: delete the schedule")?;
    Ok(outcome)
}

async fn create_schedule_bad_cron(ctx: Ctx) -> Result<Outcome> {
    Ok(Outcome::of(
        ctx.client
            .clone()
            .create_schedule(ctx.request(schedule_request(&ctx, "first", "61 * * * *")))
            .await,
    ))
}

async fn describe_unknown_schedule(ctx: Ctx) -> Result<Outcome> {
    Ok(Outcome::of(
        ctx.client
            .clone()
            .describe_schedule(ctx.request(DescribeScheduleRequest {
                namespace: ctx.namespace.clone(),
                schedule_id: ctx.id.clone(),
            }))
            .await,
    ))
}

async fn patch_schedule_without_patch(ctx: Ctx) -> Result<Outcome> {
    Ok(Outcome::of(
        ctx.client
            .clone()
            .patch_schedule(ctx.request(PatchScheduleRequest {
                namespace: ctx.namespace.clone(),
                schedule_id: ctx.id.clone(),
                patch: None,
                ..PatchScheduleRequest::default()
            }))
            .await,
    ))
}

fn reset_sticky(ctx: &Ctx, workflow_id: &str) -> Request<ResetStickyTaskQueueRequest> {
    ctx.request(ResetStickyTaskQueueRequest {
        namespace: ctx.namespace.clone(),
        execution: Some(WorkflowExecution {
            workflow_id: workflow_id.to_owned(),
            run_id: String::new(),
        }),
    })
}

async fn reset_sticky_running(ctx: Ctx) -> Result<Outcome> {
    ctx.start("first").await?;
    Ok(Outcome::of(
        ctx.client
            .clone()
            .reset_sticky_task_queue(reset_sticky(&ctx, &ctx.id))
            .await,
    ))
}

async fn reset_sticky_no_workflow_id(ctx: Ctx) -> Result<Outcome> {
    Ok(Outcome::of(
        ctx.client
            .clone()
            .reset_sticky_task_queue(reset_sticky(&ctx, ""))
            .await,
    ))
}

async fn reset_sticky_unknown(ctx: Ctx) -> Result<Outcome> {
    Ok(Outcome::of(
        ctx.client
            .clone()
            .reset_sticky_task_queue(reset_sticky(&ctx, "no-such-workflow"))
            .await,
    ))
}

/// As `temporal operator namespace create` sends it: with a retention period.
async fn register_default_namespace(ctx: Ctx) -> Result<Outcome> {
    register_default(&ctx, Some(Duration::from_secs(72 * 3600))).await
}

async fn register_default_no_retention(ctx: Ctx) -> Result<Outcome> {
    register_default(&ctx, None).await
}

async fn register_default(ctx: &Ctx, retention: Option<Duration>) -> Result<Outcome> {
    let request = ctx.request(RegisterNamespaceRequest {
        namespace: "default".to_owned(),
        workflow_execution_retention_period: retention
            .map(TryInto::try_into)
            .transpose()
            .context("retention as a proto duration")?,
        ..RegisterNamespaceRequest::default()
    });
    Ok(Outcome::of(
        ctx.client.clone().register_namespace(request).await,
    ))
}

// ---- Running the table ----

/// Each case's outcome on one backend (a case whose setup failed gives the error text).
type Outcomes = Vec<(&'static str, Result<Outcome, String>)>;

/// Runs every case against one backend, then checks that it still serves a valid start.
async fn run_table(
    backend: &str,
    address: &str,
    namespace: &str,
) -> Result<(Outcomes, Result<(), String>)> {
    let client = connect(&ConnectOptions::new(address, namespace))
        .await
        .with_context(|| format!("connect to the {backend} at {address}"))?;
    let mut outcomes = Vec::new();
    for (index, case) in cases().into_iter().enumerate() {
        let ctx = Ctx {
            client: client.clone(),
            namespace: namespace.to_owned(),
            id: format!("errors-{backend}-{index:02}"),
        };
        let outcome = match tokio::time::timeout(CASE_TIMEOUT, (case.run)(ctx)).await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(error)) => Err(format!("{error:#}")),
            Err(_) => Err(format!("no answer within {CASE_TIMEOUT:?}")),
        };
        outcomes.push((case.name, outcome));
    }
    let serves = still_serves(&client, namespace, &format!("errors-{backend}-after"))
        .await
        .map_err(|error| format!("{error:#}"));
    Ok((outcomes, serves))
}

/// A valid start, then its history begins with `WorkflowExecutionStarted`.
async fn still_serves(client: &Client, namespace: &str, workflow_id: &str) -> Result<()> {
    let ctx = Ctx {
        client: client.clone(),
        namespace: namespace.to_owned(),
        id: workflow_id.to_owned(),
    };
    let started = ctx.start("valid").await?;
    let history = client
        .clone()
        .get_workflow_execution_history(ctx.request(GetWorkflowExecutionHistoryRequest {
            namespace: namespace.to_owned(),
            execution: ctx.execution(&started.run_id),
            ..GetWorkflowExecutionHistoryRequest::default()
        }))
        .await
        .context("GetWorkflowExecutionHistory of a valid start")?
        .into_inner();
    let first = history
        .history
        .and_then(|history| history.events.into_iter().next())
        .map(|event| event.event_type);
    if first != Some(EventType::WorkflowExecutionStarted as i32) {
        bail!("the history of a valid start begins with event type {first:?}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_errors_match_the_real_server() -> Result<()> {
    let server = DevServer::start()
        .await
        .context("the real dev server is needed: run `bash scripts/setup.sh`")?;
    let real = run_table("real", &server.address(), server.namespace()).await;
    server.stop().await?;
    let (real, real_serves) = real?;

    // The real server's answers, for whoever reads the log: the oracle, case by case.
    for (name, outcome) in &real {
        match outcome {
            Ok(outcome @ Outcome::Error { message, .. }) => {
                eprintln!("real server: {name}: {outcome} ({message:?})")
            }
            Ok(outcome) => eprintln!("real server: {name}: {outcome}"),
            Err(error) => eprintln!("real server: {name}: setup failed: {error}"),
        }
    }
    let mut own_failures: Vec<String> = real
        .iter()
        .filter_map(|(name, outcome)| {
            outcome
                .as_ref()
                .err()
                .map(|error| format!("{name}: {error}"))
        })
        .collect();
    if let Err(error) = real_serves {
        own_failures.push(format!("valid start and history afterwards: {error}"));
    }
    assert!(
        own_failures.is_empty(),
        "the test's own setup fails on the real server:\n{}",
        own_failures.join("\n")
    );

    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::Real,
        ..EngineConfig::default()
    })
    .await?;
    let ours = run_table("engine", &engine.address().to_string(), "default").await;
    engine.stop().await;
    let (ours, ours_serves) = ours?;

    let mut mismatches = Vec::new();
    for ((name, real), (_, ours)) in real.iter().zip(&ours) {
        let Ok(real) = real else { continue };
        match ours {
            Ok(ours) if ours == real => {}
            Ok(ours) => mismatches.push(format!("{name}: real server {real}, engine {ours}")),
            Err(error) => mismatches.push(format!(
                "{name}: real server {real}, engine setup failed: {error}"
            )),
        }
    }
    if let Err(error) = ours_serves {
        mismatches.push(format!(
            "after the bad requests the engine no longer serves a valid start: {error}"
        ));
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} checks differ from the real server:\n{}",
        mismatches.len(),
        real.len() + 1,
        mismatches.join("\n")
    );
    Ok(())
}
