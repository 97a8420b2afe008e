//! Virtual time (the fuzzer's clock) waits for workers that are slow to start. Regression for a
//! Python worker that took over a second to poll on a busy machine: the hung-work grace moved
//! the clock to the workflow's timeout before the worker ever saw its first task.
//!
//! The test asserts that time did *not* move while no worker polled, so it holds however slow
//! the machine is; the real-time wait only has to exceed the engine's 1 s grace.

use std::time::Duration;

use anyhow::Result;
use temporalio_protos::temporal::api::common::v1::WorkflowType;
use temporalio_protos::temporal::api::enums::v1::{EventType, TaskQueueKind};
use temporalio_protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_protos::temporal::api::workflowservice::v1::StartWorkflowExecutionRequest;
use wfkit_engine::{EngineConfig, TestEngine, TimeMode};

/// Longer than the engine's grace for hung work (1 s), with margin.
const UNPOLLED_WAIT: Duration = Duration::from_millis(2_500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn virtual_time_waits_for_a_worker_that_has_not_polled_yet() -> Result<()> {
    let engine = TestEngine::start_with(EngineConfig {
        time_mode: TimeMode::virtual_default(),
        ..EngineConfig::default()
    })
    .await?;
    let before = engine.now();
    engine
        .start_workflow(StartWorkflowExecutionRequest {
            namespace: "default".to_string(),
            workflow_id: "slow-worker".to_string(),
            workflow_type: Some(WorkflowType {
                name: "Anything".to_string(),
            }),
            task_queue: Some(TaskQueue {
                name: "nobody-polls-yet".to_string(),
                kind: TaskQueueKind::Normal as i32,
                ..TaskQueue::default()
            }),
            workflow_execution_timeout: Some(prost_wkt_duration(10)),
            request_id: "slow-worker-start".to_string(),
            ..StartWorkflowExecutionRequest::default()
        })
        .await?;

    tokio::time::sleep(UNPOLLED_WAIT).await;

    let history = engine.history("default", "slow-worker")?;
    let types: Vec<i32> = history.events.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        vec![
            EventType::WorkflowExecutionStarted as i32,
            EventType::WorkflowTaskScheduled as i32
        ],
        "nothing happens to a run whose first task no worker has polled"
    );
    assert_eq!(engine.now(), before, "virtual time did not move");
    engine.stop().await;
    Ok(())
}

fn prost_wkt_duration(seconds: i64) -> prost_wkt_types::Duration {
    prost_wkt_types::Duration { seconds, nanos: 0 }
}
