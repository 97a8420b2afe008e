//! Replaying recorded histories against the scenario workflows with the SDK's own replayer:
//! a recorded fixture that no longer replays means the workflow code changed incompatibly and
//! needs a new fixture version.

use temporalio_client::WorkflowHistory;
use temporalio_protos::temporal::api::history::v1::History;
use temporalio_sdk::workflow_replayer::{
    WorkflowReplayFailure, WorkflowReplayer, WorkflowReplayerOptions,
};

use crate::{error::WorkerError, worker::register_scenario_workflows};

/// A replayer with every scenario workflow registered.
pub fn replayer() -> Result<WorkflowReplayer, WorkerError> {
    let options = register_scenario_workflows!(WorkflowReplayerOptions::new()).build();
    Ok(WorkflowReplayer::new(options)?)
}

/// Replays `histories` against the scenario workflows, in order; each entry is `None` when the
/// history replays cleanly and the failure otherwise. An `Err` means replay itself could not
/// run.
pub async fn replay_histories(
    histories: &[History],
) -> Result<Vec<Option<WorkflowReplayFailure>>, WorkerError> {
    let replayer = replayer()?;
    let results = replayer
        .replay_workflows(histories.iter().cloned().map(WorkflowHistory::from))
        .await?;
    Ok(results.into_iter().map(|r| r.replay_failure).collect())
}
