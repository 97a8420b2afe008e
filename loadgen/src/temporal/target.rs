//! [`TemporalTarget`]: StartWorkflowExecution, then wait for the result.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hdrhistogram::Histogram;
use serde_json::Value;

use temporalio_client::Connection;
use temporalio_client::grpc::WorkflowService;
use temporalio_client::tonic::Request;
use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::enums::v1::TaskQueueKind;
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::{
    SignalWorkflowExecutionRequest, StartWorkflowExecutionRequest,
};

use super::close_wait::wait_for_completion;
use super::connect::LOADGEN_IDENTITY;
use super::live_counts::LiveCounts;
use super::payload::json_payloads;
use super::sample::{DEFAULT_SAMPLE_SIZE, Reservoir, SampledExecution};
use super::status_label::{BAD_RESPONSE, RESULT_MISMATCH, from_status};
use super::update_call::UpdateCall;
use super::workflow_plan::WorkflowPlan;
use crate::measure::{LatencyHistograms, latency_histogram, record_duration};
use crate::{LoadgenError, Target, TargetError};

/// Starts workflows and waits for them, on one connection.
#[derive(Debug)]
pub struct TemporalTarget {
    connection: Connection,
    namespace: String,
    plan: WorkflowPlan,
    live: Arc<LiveCounts>,
    sample: Mutex<Reservoir>,
    /// Round trips of the updates of completed iterations, until the run takes them
    /// ([`Target::add_latencies`]).
    update_latency: Mutex<Histogram<u64>>,
}

/// A started workflow: what `wait` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedWorkflow {
    /// The workflow id.
    pub workflow_id: String,
    /// The run the start created.
    pub run_id: String,
}

impl TemporalTarget {
    /// A target that runs `plan` in `namespace` over `connection` (see [`super::connect`]).
    /// Errors when the plan is invalid.
    pub fn new(
        connection: Connection,
        namespace: impl Into<String>,
        plan: WorkflowPlan,
    ) -> Result<Self, LoadgenError> {
        plan.validate()?;
        Ok(TemporalTarget {
            connection,
            namespace: namespace.into(),
            plan,
            live: Arc::new(LiveCounts::default()),
            sample: Mutex::new(Reservoir::new(DEFAULT_SAMPLE_SIZE)),
            update_latency: Mutex::new(latency_histogram()),
        })
    }

    /// Keeps a uniform sample of `size` completed workflows instead of
    /// [`DEFAULT_SAMPLE_SIZE`] (0: none).
    #[must_use]
    pub fn with_sample_size(mut self, size: usize) -> Self {
        self.sample = Mutex::new(Reservoir::new(size));
        self
    }

    /// The live counters, for a progress line while the run goes on.
    #[must_use]
    pub fn live_counts(&self) -> Arc<LiveCounts> {
        Arc::clone(&self.live)
    }

    /// The plan this target runs.
    pub fn plan(&self) -> &WorkflowPlan {
        &self.plan
    }

    /// The connection, for reading histories after the run.
    #[must_use]
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The namespace workflows run in.
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The sample of completed workflows (start-only: of started ones) kept so far.
    #[must_use]
    pub fn sampled(&self) -> Vec<SampledExecution> {
        self.sample
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .kept()
    }

    fn keep_sample(&self, workflow_id: String, run_id: String) {
        self.sample
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .offer(SampledExecution {
                workflow_id,
                run_id,
            });
    }

    async fn start_workflow(&self, iteration: u64) -> Result<StartedWorkflow, TargetError> {
        let plan = &self.plan;
        let workflow_id = plan.workflow_id(iteration);
        let request = StartWorkflowExecutionRequest {
            namespace: self.namespace.clone(),
            workflow_id: workflow_id.clone(),
            workflow_type: Some(WorkflowType {
                name: plan.workflow_type.clone(),
            }),
            task_queue: Some(TaskQueue {
                name: plan.task_queue.clone(),
                kind: TaskQueueKind::Normal as i32,
                normal_name: String::new(),
            }),
            input: plan
                .input
                .as_ref()
                .map(|input| json_payloads(input.render(iteration, &workflow_id))),
            workflow_execution_timeout: plan
                .execution_timeout
                .and_then(|timeout| timeout.try_into().ok()),
            identity: LOADGEN_IDENTITY.to_owned(),
            // Unique per workflow, so a start the server saw twice is deduplicated.
            request_id: format!("{workflow_id}-start"),
            ..StartWorkflowExecutionRequest::default()
        };
        let response = self
            .connection
            .clone()
            .start_workflow_execution(Request::new(request))
            .await
            .map_err(|status| from_status("StartWorkflowExecution", &status))?
            .into_inner();
        if response.run_id.is_empty() {
            return Err(TargetError::new(
                BAD_RESPONSE,
                format!("StartWorkflowExecution of {workflow_id} answered without a run id"),
            ));
        }
        Ok(StartedWorkflow {
            workflow_id,
            run_id: response.run_id,
        })
    }

    async fn send_signals(&self, started: &StartedWorkflow) -> Result<(), TargetError> {
        let Some(signals) = &self.plan.signals else {
            return Ok(());
        };
        // In order, each after the previous one was accepted: the workflow must see them all.
        for index in 0..signals.count {
            let request = SignalWorkflowExecutionRequest {
                namespace: self.namespace.clone(),
                workflow_execution: Some(WorkflowExecution {
                    workflow_id: started.workflow_id.clone(),
                    run_id: started.run_id.clone(),
                }),
                signal_name: signals.name.clone(),
                input: Some(json_payloads(index.to_string().into_bytes())),
                identity: LOADGEN_IDENTITY.to_owned(),
                request_id: format!("{}-signal-{index}", started.workflow_id),
                ..SignalWorkflowExecutionRequest::default()
            };
            self.connection
                .clone()
                .signal_workflow_execution(Request::new(request))
                .await
                .map_err(|status| from_status("SignalWorkflowExecution", &status))?;
        }
        Ok(())
    }

    /// Sends the plan's updates one after another, each waited for until it completed, and
    /// checks each answer (update `index` answers `index + 1`). Returns each update's round
    /// trip.
    async fn send_updates(&self, started: &StartedWorkflow) -> Result<Vec<Duration>, TargetError> {
        let Some(updates) = &self.plan.updates else {
            return Ok(Vec::new());
        };
        let mut round_trips = Vec::with_capacity(usize::try_from(updates.count).unwrap_or(0));
        for index in 0..updates.count {
            let call = UpdateCall {
                connection: &self.connection,
                namespace: &self.namespace,
                workflow_id: &started.workflow_id,
                run_id: &started.run_id,
                name: &updates.name,
                index,
            };
            let sent_at = tokio::time::Instant::now();
            let answer = call.execute().await?;
            round_trips.push(sent_at.elapsed());
            let expected = Value::from(u64::from(index) + 1);
            if answer != expected {
                return Err(TargetError::new(
                    RESULT_MISMATCH,
                    format!(
                        "update {index} ({}) of workflow {} answered {answer}, expected {expected}",
                        updates.name, started.workflow_id
                    ),
                ));
            }
        }
        Ok(round_trips)
    }

    async fn wait_workflow(&self, started: StartedWorkflow) -> Result<(), TargetError> {
        self.send_signals(&started).await?;
        let update_round_trips = self.send_updates(&started).await?;
        let completed = wait_for_completion(
            &self.connection,
            &self.namespace,
            &started.workflow_id,
            &started.run_id,
        )
        .await?;
        if let Some(expected) = &self.plan.expected_result
            && completed.result != *expected
        {
            return Err(TargetError::new(
                RESULT_MISMATCH,
                format!(
                    "workflow {} returned {}, expected {expected}",
                    started.workflow_id, completed.result
                ),
            ));
        }
        // Like the other latencies, only completed iterations' updates are recorded.
        if !update_round_trips.is_empty() {
            let mut histogram = self
                .update_latency
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            for round_trip in update_round_trips {
                record_duration(&mut histogram, round_trip);
            }
        }
        self.keep_sample(started.workflow_id, completed.run_id);
        Ok(())
    }
}

impl Target for TemporalTarget {
    type Started = StartedWorkflow;

    async fn start(&self, iteration: u64) -> Result<StartedWorkflow, TargetError> {
        let started = self.start_workflow(iteration).await;
        match &started {
            Ok(_) => self.live.started(),
            Err(_) => self.live.failed(),
        }
        started
    }

    async fn wait(&self, started: StartedWorkflow) -> Result<(), TargetError> {
        if !self.plan.wait_for_result {
            self.keep_sample(started.workflow_id, started.run_id);
            self.live.completed();
            return Ok(());
        }
        let waited = self.wait_workflow(started).await;
        match &waited {
            Ok(()) => self.live.completed(),
            Err(_) => self.live.failed(),
        }
        waited
    }

    /// Adds the round trips of the updates sent since the last call (`update_latency_us`).
    fn add_latencies(&self, histograms: &mut LatencyHistograms) -> Result<(), LoadgenError> {
        let taken = std::mem::replace(
            &mut *self
                .update_latency
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
            latency_histogram(),
        );
        histograms.add_update_latency(&taken)
    }
}
