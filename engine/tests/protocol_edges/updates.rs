//! Update cases of the protocol edges: what SDKs cannot script. The scripted worker answers
//! update requests with raw protocol messages; the client side is raw `UpdateWorkflowExecution`
//! and `PollWorkflowExecutionUpdate` calls. Facts (stages, outcomes, status codes and messages,
//! messages on tasks) must be equal on both backends, as must the histories.

use prost::Message as _;
use temporalio_protos::temporal::api::command::v1::ProtocolMessageCommandAttributes;
use temporalio_protos::temporal::api::enums::v1::UpdateWorkflowExecutionLifecycleStage as Stage;
use temporalio_protos::temporal::api::protocol::v1::{Message, message::SequencingId};
use temporalio_protos::temporal::api::update::v1::{
    Acceptance, Input, Meta, Outcome, Rejection, Request as UpdateRequest,
    Response as UpdateResponse, UpdateRef, WaitPolicy, outcome,
};
use temporalio_protos::temporal::api::workflowservice::v1::{
    PollWorkflowExecutionUpdateRequest, UpdateWorkflowExecutionRequest,
    UpdateWorkflowExecutionResponse,
};

use super::*;

const UPDATE_NAME: &str = "scripted-update";

impl Ctx {
    fn update_request(
        &self,
        update_id: &str,
        name: &str,
        stage: Stage,
    ) -> UpdateWorkflowExecutionRequest {
        UpdateWorkflowExecutionRequest {
            namespace: self.namespace.clone(),
            workflow_execution: self.execution(""),
            wait_policy: Some(WaitPolicy {
                lifecycle_stage: stage as i32,
            }),
            request: Some(UpdateRequest {
                meta: Some(Meta {
                    update_id: update_id.to_owned(),
                    identity: IDENTITY.to_owned(),
                }),
                input: Some(Input {
                    name: name.to_owned(),
                    args: payloads(&format!("{update_id} args")),
                    ..Input::default()
                }),
                ..UpdateRequest::default()
            }),
            ..UpdateWorkflowExecutionRequest::default()
        }
    }

    /// Sends an update without waiting for it: the scripted worker answers it meanwhile.
    fn spawn_update(
        &self,
        update: UpdateWorkflowExecutionRequest,
    ) -> tokio::task::JoinHandle<Result<Result<UpdateWorkflowExecutionResponse, Status>>> {
        let client = self.client.clone();
        tokio::spawn(async move {
            within(
                "UpdateWorkflowExecution",
                RPC_TIMEOUT,
                client
                    .clone()
                    .update_workflow_execution(request(update, RPC_TIMEOUT)),
            )
            .await
        })
    }

    /// Sends an update and records what it answered under `label`.
    async fn update_fact(&self, label: &str, update: UpdateWorkflowExecutionRequest) -> Result<()> {
        let answer = within(
            "UpdateWorkflowExecution",
            RPC_TIMEOUT,
            self.client
                .clone()
                .update_workflow_execution(request(update, RPC_TIMEOUT)),
        )
        .await?;
        self.fact(label, update_answer_text(&answer));
        Ok(())
    }

    /// Completes a workflow task with protocol messages; returns the server's answer.
    async fn complete_with_messages(
        &self,
        task_token: Vec<u8>,
        commands: Vec<Command>,
        messages: Vec<Message>,
    ) -> Result<Result<RespondWorkflowTaskCompletedResponse, Status>> {
        let completion = RespondWorkflowTaskCompletedRequest {
            namespace: self.namespace.clone(),
            task_token,
            commands,
            messages,
            identity: IDENTITY.to_owned(),
            ..RespondWorkflowTaskCompletedRequest::default()
        };
        within(
            "RespondWorkflowTaskCompleted",
            RPC_TIMEOUT,
            self.client
                .clone()
                .respond_workflow_task_completed(request(completion, RPC_TIMEOUT)),
        )
        .await
    }

    /// The task's update requests, recorded as a fact.
    fn update_requests(&self, label: &str, task: &PollWorkflowTaskQueueResponse) -> Vec<Message> {
        let text: Vec<String> = task
            .messages
            .iter()
            .map(|message| {
                format!(
                    "id={} instance={} event_id={:?} body={}",
                    message.id,
                    message.protocol_instance_id,
                    message.sequencing_id,
                    message
                        .body
                        .as_ref()
                        .map_or("none", |body| body.type_url.as_str()),
                )
            })
            .collect();
        self.fact(&format!("update requests ({label})"), text.join("; "));
        task.messages.clone()
    }
}

fn update_answer_text(answer: &Result<UpdateWorkflowExecutionResponse, Status>) -> String {
    match answer {
        Ok(response) => format!(
            "stage={:?} outcome={} ref={}",
            Stage::try_from(response.stage).unwrap_or(Stage::Unspecified),
            outcome_text(response.outcome.as_ref()),
            response
                .update_ref
                .as_ref()
                .map_or("none".to_owned(), |r: &UpdateRef| r.update_id.clone()),
        ),
        Err(status) => status_text(status),
    }
}

/// A status as a fact: its code and message. The engine puts its error code in front of the
/// real server's words (`[WFE003] ...`); the words are what must be equal.
fn status_text(status: &Status) -> String {
    let message = status.message();
    let words = match message.strip_prefix("[WFE") {
        Some(rest) => rest.split_once("] ").map_or(message, |(_, words)| words),
        None => message,
    };
    format!("{:?} {words:?}", status.code())
}

fn outcome_text(outcome: Option<&Outcome>) -> String {
    match outcome.and_then(|outcome| outcome.value.as_ref()) {
        None => "none".to_owned(),
        Some(outcome::Value::Success(payloads)) => {
            format!("success {}", payloads_text(Some(payloads)))
        }
        Some(outcome::Value::Failure(failure)) => format!("failure {:?}", failure.message),
    }
}

fn any<T: prost::Message>(kind: &str, body: &T) -> Option<prost_wkt_types::Any> {
    Some(prost_wkt_types::Any {
        type_url: format!("type.googleapis.com/temporal.api.update.v1.{kind}"),
        value: body.encode_to_vec(),
    })
}

fn requested(message: &Message) -> (UpdateRequest, i64) {
    let request = message
        .body
        .as_ref()
        .and_then(|body| UpdateRequest::decode(body.value.as_slice()).ok())
        .unwrap_or_default();
    let event_id = match message.sequencing_id {
        Some(SequencingId::EventId(id)) => id,
        _ => 0,
    };
    (request, event_id)
}

/// The worker's acceptance of an update request, and its command.
fn accept(message: &Message) -> (Message, Command) {
    let (request, event_id) = requested(message);
    let id = format!("{}/accept", message.id);
    let reply = Message {
        id: id.clone(),
        protocol_instance_id: message.protocol_instance_id.clone(),
        sequencing_id: None,
        body: any(
            "Acceptance",
            &Acceptance {
                accepted_request_message_id: message.id.clone(),
                accepted_request_sequencing_event_id: event_id,
                accepted_request: Some(request),
            },
        ),
    };
    (reply, protocol_command(&id))
}

/// The worker's response (success) to an accepted update, and its command.
fn respond(message: &Message, result: &str) -> (Message, Command) {
    let id = format!("{}/complete", message.id);
    let reply = Message {
        id: id.clone(),
        protocol_instance_id: message.protocol_instance_id.clone(),
        sequencing_id: None,
        body: any(
            "Response",
            &UpdateResponse {
                meta: Some(Meta {
                    update_id: message.protocol_instance_id.clone(),
                    identity: IDENTITY.to_owned(),
                }),
                outcome: Some(Outcome {
                    value: payloads(result).map(outcome::Value::Success),
                }),
            },
        ),
    };
    (reply, protocol_command(&id))
}

/// The worker's rejection of an update request (no command goes with it).
fn reject(message: &Message, reason: &str) -> Message {
    let (request, event_id) = requested(message);
    Message {
        id: format!("{}/reject", message.id),
        protocol_instance_id: message.protocol_instance_id.clone(),
        sequencing_id: None,
        body: any(
            "Rejection",
            &Rejection {
                rejected_request_message_id: message.id.clone(),
                rejected_request_sequencing_event_id: event_id,
                rejected_request: Some(request),
                failure: Some(application_failure(reason, "ScriptedRejection")),
            },
        ),
    }
}

fn protocol_command(message_id: &str) -> Command {
    Command {
        command_type: CommandType::ProtocolMessage as i32,
        attributes: Some(command::Attributes::ProtocolMessageCommandAttributes(
            ProtocolMessageCommandAttributes {
                message_id: message_id.to_owned(),
            },
        )),
        ..Command::default()
    }
}

fn answer_text<T: std::fmt::Debug>(
    answer: &Result<T, Status>,
    show: impl Fn(&T) -> String,
) -> String {
    match answer {
        Ok(value) => format!("ok {}", show(value)),
        Err(status) => status_text(status),
    }
}

/// U1. An update to an idle workflow rides on a speculative task; the worker rejects it. The
///     caller gets the rejection as the outcome, the worker is told to rewind, and the history
///     holds no trace of the task. Then a second update is accepted and completed in one task.
pub(super) async fn update_rejected_leaves_no_events(ctx: Ctx) -> Result<History> {
    let run_id = ctx.start(|_| {}).await?;
    let first = ctx.poll_workflow_task("first").await?;
    ctx.complete(first.task_token, vec![]).await?;
    let before = ctx.history(&run_id).await?;

    let rejected =
        ctx.spawn_update(ctx.update_request("rejected-1", UPDATE_NAME, Stage::Completed));
    let task = ctx.poll_workflow_task("speculative, rejected").await?;
    let requests = ctx.update_requests("speculative, rejected", &task);
    let replies = requests.iter().map(|m| reject(m, "not today")).collect();
    let answer = ctx
        .complete_with_messages(task.task_token, vec![], replies)
        .await?;
    ctx.fact(
        "completion that only rejects",
        answer_text(&answer, |r| {
            format!("reset_history_event_id={}", r.reset_history_event_id)
        }),
    );
    let outcome = rejected.await??;
    ctx.fact("rejected update", update_answer_text(&outcome));
    let after = ctx.history(&run_id).await?;
    ctx.check(
        "a rejected update leaves the history as it was",
        after.events.len() == before.events.len(),
        event_types(&after),
    );
    // A rejected update does not exist afterwards.
    let poll = within(
        "PollWorkflowExecutionUpdate",
        RPC_TIMEOUT,
        ctx.client.clone().poll_workflow_execution_update(request(
            PollWorkflowExecutionUpdateRequest {
                namespace: ctx.namespace.clone(),
                update_ref: Some(UpdateRef {
                    workflow_execution: ctx.execution(&run_id),
                    update_id: "rejected-1".to_owned(),
                }),
                identity: IDENTITY.to_owned(),
                ..PollWorkflowExecutionUpdateRequest::default()
            },
            RPC_TIMEOUT,
        )),
    )
    .await?;
    ctx.fact(
        "poll of a rejected update",
        answer_text(&poll, |r| format!("stage={}", r.stage)),
    );

    let accepted =
        ctx.spawn_update(ctx.update_request("accepted-1", UPDATE_NAME, Stage::Completed));
    let task = ctx.poll_workflow_task("speculative, accepted").await?;
    let requests = ctx.update_requests("speculative, accepted", &task);
    let mut messages = Vec::new();
    let mut commands = Vec::new();
    for message in &requests {
        let (acceptance, accept_command) = accept(message);
        let (response, respond_command) = respond(message, "update result");
        messages.extend([acceptance, response]);
        commands.extend([accept_command, respond_command]);
    }
    ctx.complete_with_messages(task.task_token, commands, messages)
        .await?
        .map_err(|status| anyhow::anyhow!("completion with an accepted update: {status:?}"))?;
    let outcome = accepted.await??;
    ctx.fact("accepted update", update_answer_text(&outcome));

    // Dedup: the same id again answers the stored outcome at once.
    ctx.update_fact(
        "the same update id again",
        ctx.update_request("accepted-1", UPDATE_NAME, Stage::Completed),
    )
    .await?;
    // The same id with other arguments and another name: still the stored outcome.
    let mut other = ctx.update_request("accepted-1", "another-update", Stage::Completed);
    if let Some(input) = other.request.as_mut().and_then(|r| r.input.as_mut()) {
        input.args = payloads("other arguments");
    }
    ctx.update_fact("the same update id with other arguments", other)
        .await?;
    // Bad requests.
    ctx.update_fact(
        "an empty update name",
        ctx.update_request("empty-name", "", Stage::Completed),
    )
    .await?;
    ctx.update_fact(
        "waiting only for ADMITTED",
        ctx.update_request("admitted-only", UPDATE_NAME, Stage::Admitted),
    )
    .await?;
    let mut elsewhere = ctx.update_request("no-namespace", UPDATE_NAME, Stage::Completed);
    elsewhere.namespace = "wfkit-no-such-namespace".to_owned();
    ctx.update_fact("an update to a namespace that does not exist", elsewhere)
        .await?;

    ctx.signal_and_complete(&run_id).await?;
    // Closed: a new update id is refused, a completed one still answers.
    ctx.update_fact(
        "a new update to a closed workflow",
        ctx.update_request("after-close", UPDATE_NAME, Stage::Completed),
    )
    .await?;
    ctx.update_fact(
        "a completed update to a closed workflow",
        ctx.update_request("accepted-1", UPDATE_NAME, Stage::Completed),
    )
    .await?;
    ctx.history(&run_id).await
}

/// U2. An update arrives while a workflow task is running: that task does not carry it; the
///     task after it does (speculative, since nothing else happened), and the worker accepts
///     it in one task and completes it in the next (the ACCEPTED waiter returns in between).
pub(super) async fn update_during_running_task(ctx: Ctx) -> Result<History> {
    let run_id = ctx.start(|_| {}).await?;
    let first = ctx.poll_workflow_task("first").await?;
    let waiter = ctx.spawn_update(ctx.update_request("during-1", UPDATE_NAME, Stage::Accepted));
    ctx.wait_admitted(&run_id, "during-1").await?;
    ctx.complete(first.task_token, vec![]).await?;

    let task = ctx.poll_workflow_task("carries the update").await?;
    let requests = ctx.update_requests("carries the update", &task);
    let (messages, commands): (Vec<Message>, Vec<Command>) = requests.iter().map(accept).unzip();
    ctx.complete_with_messages(task.task_token, commands, messages)
        .await?
        .map_err(|status| anyhow::anyhow!("accepting the update: {status:?}"))?;
    let accepted = waiter.await??;
    ctx.fact("ACCEPTED waiter", update_answer_text(&accepted));

    // Completing it takes another task: a signal brings one.
    ctx.signal(&run_id).await?;
    let task = ctx.poll_workflow_task("completes the update").await?;
    let (messages, commands): (Vec<Message>, Vec<Command>) =
        requests.iter().map(|m| respond(m, "late result")).unzip();
    let mut commands = commands;
    commands.push(complete_workflow("done"));
    ctx.complete_with_messages(task.task_token, commands, messages)
        .await?
        .map_err(|status| anyhow::anyhow!("completing the update: {status:?}"))?;
    ctx.update_fact(
        "the completed update",
        ctx.update_request("during-1", UPDATE_NAME, Stage::Completed),
    )
    .await?;
    ctx.history(&run_id).await
}

impl Ctx {
    /// Waits until the server knows the update (PollWorkflowExecutionUpdate stops answering
    /// NOT_FOUND), so that it is in flight before the script goes on.
    async fn wait_admitted(&self, run_id: &str, update_id: &str) -> Result<()> {
        let deadline = Instant::now() + EVENT_WAIT;
        loop {
            let poll = within(
                "PollWorkflowExecutionUpdate",
                RPC_TIMEOUT,
                self.client.clone().poll_workflow_execution_update(request(
                    PollWorkflowExecutionUpdateRequest {
                        namespace: self.namespace.clone(),
                        update_ref: Some(UpdateRef {
                            workflow_execution: self.execution(run_id),
                            update_id: update_id.to_owned(),
                        }),
                        identity: IDENTITY.to_owned(),
                        ..PollWorkflowExecutionUpdateRequest::default()
                    },
                    RPC_TIMEOUT,
                )),
            )
            .await?;
            match poll {
                Ok(_) => return Ok(()),
                Err(status) if status.code() == Code::NotFound && Instant::now() < deadline => {
                    tokio::time::sleep(EVENT_POLL_INTERVAL).await;
                }
                Err(status) => bail!("update {update_id} never admitted: {status:?}"),
            }
        }
    }

    pub(super) async fn signal(&self, run_id: &str) -> Result<()> {
        let signal = SignalWorkflowExecutionRequest {
            namespace: self.namespace.clone(),
            workflow_execution: self.execution(run_id),
            signal_name: "poke".to_owned(),
            input: payloads("signal input"),
            identity: IDENTITY.to_owned(),
            request_id: format!("{}-signal-{}", self.id, self.record().facts.len()),
            ..SignalWorkflowExecutionRequest::default()
        };
        expect_ok(
            "SignalWorkflowExecution",
            RPC_TIMEOUT,
            self.client
                .clone()
                .signal_workflow_execution(request(signal, RPC_TIMEOUT)),
        )
        .await?;
        Ok(())
    }

    /// A signal brings a workflow task, which completes the workflow.
    pub(super) async fn signal_and_complete(&self, run_id: &str) -> Result<()> {
        self.signal(run_id).await?;
        let task = self.poll_workflow_task("completes the workflow").await?;
        self.complete(task.task_token, vec![complete_workflow("done")])
            .await
    }
}

/// The per-operation statuses of an update-with-start failure, as a fact.
fn multi_operation_text(status: &Status) -> String {
    use temporalio_protos::google::rpc::Status as RpcStatus;
    use temporalio_protos::temporal::api::errordetails::v1::MultiOperationExecutionFailure;
    let operations: Vec<String> = RpcStatus::decode(status.details())
        .ok()
        .into_iter()
        .flat_map(|decoded| decoded.details)
        .filter_map(|detail| MultiOperationExecutionFailure::decode(detail.value.as_slice()).ok())
        .flat_map(|failure| failure.statuses)
        .map(|operation| {
            status_text(&Status::new(
                tonic::Code::from_i32(operation.code),
                operation.message,
            ))
        })
        .collect();
    format!("{} [{}]", status_text(status), operations.join("; "))
}

impl Ctx {
    fn update_with_start(
        &self,
        update_id: &str,
        workflow_id: &str,
    ) -> temporalio_protos::temporal::api::workflowservice::v1::ExecuteMultiOperationRequest {
        use temporalio_protos::temporal::api::workflowservice::v1::ExecuteMultiOperationRequest;
        use temporalio_protos::temporal::api::workflowservice::v1::execute_multi_operation_request::{
            Operation, operation::Operation as Kind,
        };
        let start = StartWorkflowExecutionRequest {
            namespace: self.namespace.clone(),
            workflow_id: self.id.clone(),
            workflow_type: Some(WorkflowType {
                name: WORKFLOW_TYPE.to_owned(),
            }),
            task_queue: Some(self.normal_queue()),
            input: payloads("start input"),
            identity: IDENTITY.to_owned(),
            request_id: format!("{}-start", self.id),
            workflow_id_conflict_policy:
                temporalio_protos::temporal::api::enums::v1::WorkflowIdConflictPolicy::UseExisting
                    as i32,
            ..StartWorkflowExecutionRequest::default()
        };
        let mut update = self.update_request(update_id, UPDATE_NAME, Stage::Completed);
        if let Some(execution) = update.workflow_execution.as_mut() {
            execution.workflow_id = workflow_id.to_owned();
        }
        ExecuteMultiOperationRequest {
            namespace: self.namespace.clone(),
            operations: vec![
                Operation {
                    operation: Some(Kind::StartWorkflow(start)),
                },
                Operation {
                    operation: Some(Kind::UpdateWorkflow(update)),
                },
            ],
            ..ExecuteMultiOperationRequest::default()
        }
    }
}

fn multi_answer_text(
    answer: &Result<
        temporalio_protos::temporal::api::workflowservice::v1::ExecuteMultiOperationResponse,
        Status,
    >,
) -> String {
    use temporalio_protos::temporal::api::workflowservice::v1::execute_multi_operation_response::response::Response as Answered;
    match answer {
        Ok(response) => response
            .responses
            .iter()
            .map(|operation| match &operation.response {
                Some(Answered::StartWorkflow(start)) => {
                    format!("start started={} status={}", start.started, start.status)
                }
                Some(Answered::UpdateWorkflow(update)) => {
                    format!("update {}", update_answer_text(&Ok(update.clone())))
                }
                None => "none".to_owned(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Err(status) => multi_operation_text(status),
    }
}

/// U3. Update-with-start: a new run carries the update on its first workflow task; the same
///     call again attaches to the run (started=false) and answers the stored outcome; an update
///     naming another workflow id fails as a multi-operation error.
pub(super) async fn update_with_start(ctx: Ctx) -> Result<History> {
    let client = ctx.client.clone();
    let call = ctx.update_with_start("with-start-1", &ctx.id);
    let first_call = tokio::spawn(async move {
        within(
            "ExecuteMultiOperation",
            RPC_TIMEOUT,
            client
                .clone()
                .execute_multi_operation(request(call, RPC_TIMEOUT)),
        )
        .await
    });
    let task = ctx.poll_workflow_task("first, with the update").await?;
    let requests = ctx.update_requests("first, with the update", &task);
    let mut messages = Vec::new();
    let mut commands = Vec::new();
    for message in &requests {
        let (acceptance, accept_command) = accept(message);
        let (response, respond_command) = respond(message, "with-start result");
        messages.extend([acceptance, response]);
        commands.extend([accept_command, respond_command]);
    }
    ctx.complete_with_messages(task.task_token, commands, messages)
        .await?
        .map_err(|status| anyhow::anyhow!("accepting the update on the first task: {status:?}"))?;
    let answer = first_call.await??;
    ctx.fact("update-with-start", multi_answer_text(&answer));
    let run_id = answer
        .as_ref()
        .ok()
        .and_then(|response| response.responses.first())
        .and_then(|operation| match &operation.response {
            Some(temporalio_protos::temporal::api::workflowservice::v1::execute_multi_operation_response::response::Response::StartWorkflow(start)) => Some(start.run_id.clone()),
            _ => None,
        })
        .unwrap_or_default();

    let again = within(
        "ExecuteMultiOperation",
        RPC_TIMEOUT,
        ctx.client.clone().execute_multi_operation(request(
            ctx.update_with_start("with-start-1", &ctx.id),
            RPC_TIMEOUT,
        )),
    )
    .await?;
    ctx.fact("update-with-start again", multi_answer_text(&again));
    let mismatched = within(
        "ExecuteMultiOperation",
        RPC_TIMEOUT,
        ctx.client.clone().execute_multi_operation(request(
            ctx.update_with_start("with-start-2", "another-workflow-id"),
            RPC_TIMEOUT,
        )),
    )
    .await?;
    ctx.fact(
        "update-with-start naming another workflow",
        multi_answer_text(&mismatched),
    );
    ctx.signal_and_complete(&run_id).await?;
    ctx.history(&run_id).await
}

fn continue_as_new(ctx: &Ctx) -> Command {
    use temporalio_protos::temporal::api::command::v1::ContinueAsNewWorkflowExecutionCommandAttributes;
    Command {
        command_type: CommandType::ContinueAsNewWorkflowExecution as i32,
        attributes: Some(
            command::Attributes::ContinueAsNewWorkflowExecutionCommandAttributes(
                ContinueAsNewWorkflowExecutionCommandAttributes {
                    workflow_type: Some(WorkflowType {
                        name: WORKFLOW_TYPE.to_owned(),
                    }),
                    task_queue: Some(ctx.normal_queue()),
                    input: payloads("next run"),
                    ..ContinueAsNewWorkflowExecutionCommandAttributes::default()
                },
            ),
        ),
        ..Command::default()
    }
}

/// U4. An update arrives while the task that continues the run as new is running: it was never
///     accepted, so the caller is told to retry (the workflow is closing), and the same update
///     id is new on the next run.
pub(super) async fn update_during_continue_as_new(ctx: Ctx) -> Result<History> {
    let run_id = ctx.start(|_| {}).await?;
    let first = ctx.poll_workflow_task("continues as new").await?;
    let waiter = ctx.spawn_update(ctx.update_request("can-1", UPDATE_NAME, Stage::Completed));
    ctx.wait_admitted(&run_id, "can-1").await?;
    ctx.complete(first.task_token, vec![continue_as_new(&ctx)])
        .await?;
    let answer = waiter.await??;
    ctx.fact(
        "update while continuing as new",
        update_answer_text(&answer),
    );
    // The new run: its first task, then done.
    let task = ctx.poll_workflow_task("the next run's first task").await?;
    ctx.complete(task.task_token, vec![complete_workflow("done")])
        .await?;
    ctx.history(&run_id).await
}

/// U5. An accepted update whose handler never finished when the workflow completed: the
///     caller gets the server's AcceptedUpdateCompletedWorkflow failure as the outcome, and
///     so does a later call with the same id.
pub(super) async fn update_unfinished_at_completion(ctx: Ctx) -> Result<History> {
    let run_id = ctx.start(|_| {}).await?;
    let first = ctx.poll_workflow_task("first").await?;
    ctx.complete(first.task_token, vec![]).await?;
    let waiter =
        ctx.spawn_update(ctx.update_request("unfinished-1", UPDATE_NAME, Stage::Completed));
    let task = ctx.poll_workflow_task("carries the update").await?;
    let requests = ctx.update_requests("carries the update", &task);
    let (messages, mut commands): (Vec<Message>, Vec<Command>) =
        requests.iter().map(accept).unzip();
    commands.push(complete_workflow("done without the update"));
    ctx.complete_with_messages(task.task_token, commands, messages)
        .await?
        .map_err(|status| anyhow::anyhow!("accepting, then completing: {status:?}"))?;
    let answer = waiter.await??;
    ctx.fact(
        "update unfinished at completion",
        update_answer_text(&answer),
    );
    ctx.update_fact(
        "the same update after the run closed",
        ctx.update_request("unfinished-1", UPDATE_NAME, Stage::Completed),
    )
    .await?;
    ctx.history(&run_id).await
}

/// U6. The worker that got an update never answers its task (a worker that died): the task
///     times out, and the next attempt delivers the update again; accepted and completed then.
pub(super) async fn update_redelivered_after_timeout(ctx: Ctx) -> Result<History> {
    let run_id = ctx
        .start(|start| start.workflow_task_timeout = seconds(1))
        .await?;
    let first = ctx.poll_workflow_task("first").await?;
    ctx.complete(first.task_token, vec![]).await?;
    let waiter = ctx.spawn_update(ctx.update_request("again-1", UPDATE_NAME, Stage::Completed));
    let lost = ctx
        .poll_workflow_task("carries the update, never answered")
        .await?;
    ctx.update_requests("carries the update, never answered", &lost);
    let task = ctx.poll_workflow_task("delivers it again").await?;
    let requests = ctx.update_requests("delivers it again", &task);
    let mut messages = Vec::new();
    let mut commands = Vec::new();
    for message in &requests {
        let (acceptance, accept_command) = accept(message);
        let (response, respond_command) = respond(message, "delivered again");
        messages.extend([acceptance, response]);
        commands.extend([accept_command, respond_command]);
    }
    ctx.complete_with_messages(task.task_token, commands, messages)
        .await?
        .map_err(|status| anyhow::anyhow!("answering the redelivered update: {status:?}"))?;
    let answer = waiter.await??;
    ctx.fact("redelivered update", update_answer_text(&answer));
    ctx.signal_and_complete(&run_id).await?;
    ctx.history(&run_id).await
}
