//! Shared setup for the cluster tests: a real dev server and workflow executions on it.
//!
//! No worker runs: executions are started and then terminated over gRPC, which gives each a
//! short, real history ending in a close event.

use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use temporalio_protos::temporal::api::common::v1::{WorkflowExecution, WorkflowType};
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::{
    CountWorkflowExecutionsRequest, StartWorkflowExecutionRequest,
    TerminateWorkflowExecutionRequest,
};
use wfkit_cluster::Client;

/// Starts a workflow (no worker will ever pick it up) and returns its run id.
pub(crate) async fn start_workflow(
    client: &Client,
    workflow_type: &str,
    workflow_id: &str,
) -> Result<String> {
    let response = client
        .clone()
        .start_workflow_execution(StartWorkflowExecutionRequest {
            namespace: "default".to_owned(),
            workflow_id: workflow_id.to_owned(),
            workflow_type: Some(WorkflowType {
                name: workflow_type.to_owned(),
            }),
            task_queue: Some(TaskQueue {
                name: "wfkit-test-queue".to_owned(),
                ..Default::default()
            }),
            request_id: format!("start-{workflow_id}"),
            identity: "wfkit-cluster-tests".to_owned(),
            ..Default::default()
        })
        .await
        .with_context(|| format!("starting {workflow_id}"))?;
    Ok(response.into_inner().run_id)
}

/// Terminates a workflow with the reason `terminated <workflow id>`, so the file's last event
/// names the execution it belongs to.
pub(crate) async fn terminate_workflow(
    client: &Client,
    workflow_id: &str,
    run_id: &str,
) -> Result<()> {
    client
        .clone()
        .terminate_workflow_execution(TerminateWorkflowExecutionRequest {
            namespace: "default".to_owned(),
            workflow_execution: Some(WorkflowExecution {
                workflow_id: workflow_id.to_owned(),
                run_id: run_id.to_owned(),
            }),
            reason: terminate_reason(workflow_id),
            identity: "wfkit-cluster-tests".to_owned(),
            ..Default::default()
        })
        .await
        .with_context(|| format!("terminating {workflow_id}"))?;
    Ok(())
}

/// The termination reason [`terminate_workflow`] writes.
pub(crate) fn terminate_reason(workflow_id: &str) -> String {
    format!("terminated {workflow_id}")
}

/// Starts and terminates one workflow; returns its run id.
pub(crate) async fn closed_workflow(
    client: &Client,
    workflow_type: &str,
    workflow_id: &str,
) -> Result<String> {
    let run_id = start_workflow(client, workflow_type, workflow_id).await?;
    terminate_workflow(client, workflow_id, &run_id).await?;
    Ok(run_id)
}

/// Waits until visibility (which is eventually consistent) counts `expected` executions for
/// `query`.
pub(crate) async fn wait_for_visibility(client: &Client, query: &str, expected: i64) -> Result<()> {
    let mut last = -1;
    for _ in 0..200 {
        let count = client
            .clone()
            .count_workflow_executions(CountWorkflowExecutionsRequest {
                namespace: "default".to_owned(),
                query: query.to_owned(),
            })
            .await?
            .into_inner()
            .count;
        if count == expected {
            return Ok(());
        }
        last = count;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("visibility shows {last} executions for {query:?} after 20 s, expected {expected}")
}
