//! What the Temporal target starts, and what it expects back.

use std::time::Duration;

use serde_json::Value;

use super::input_template::InputTemplate;
use crate::LoadgenError;

/// The longest workflow-id prefix (the run name). Temporal's limit on a workflow id is 1,000
/// bytes; the prefix leaves room for the iteration number and a child suffix.
pub const MAX_ID_PREFIX_CHARS: usize = 200;
/// The most signals sent to one workflow.
pub const MAX_SIGNALS_PER_WORKFLOW: u32 = 10_000;
/// The most updates sent to one workflow: Temporal's default limit on distinct updates per
/// workflow execution (`history.maxTotalUpdates`).
pub const MAX_UPDATES_PER_WORKFLOW: u32 = 2_000;
/// The most continue-as-new runs `wait` follows before it gives up on a workflow
/// (`CONTINUE_AS_NEW_LIMIT`): a chain that never ends is a bug to count, not to follow forever.
pub const MAX_CONTINUE_AS_NEW_FOLLOWED: u32 = 1_000;

/// Signals sent to each workflow after its start: `count` signals named `name`, with the
/// signal's index (0, 1, …) as argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalPlan {
    /// The signal name.
    pub name: String,
    /// How many to send (at most [`MAX_SIGNALS_PER_WORKFLOW`]).
    pub count: u32,
}

/// Updates sent to each workflow after its start (and after its signals): `count` updates
/// named `name`, one after another, each with its index (0, 1, …) as argument and waited for
/// until it completed (UpdateWorkflowExecution). The workflow must answer each with the number
/// of updates it has received, so update `index` answers `index + 1`; another answer counts
/// as `RESULT_MISMATCH`, a failed update as `UPDATE_FAILED`. Each update's round trip is
/// recorded in `update_latency_us`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatePlan {
    /// The update name.
    pub name: String,
    /// How many to send (at most [`MAX_UPDATES_PER_WORKFLOW`]).
    pub count: u32,
}

/// What each iteration starts and how it waits. Build with [`WorkflowPlan::new`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct WorkflowPlan {
    /// The workflow type to start.
    pub workflow_type: String,
    /// The task queue a worker polls for it.
    pub task_queue: String,
    /// Workflow ids are `{id_prefix}-{iteration}`; use the run name, so ids are unique per run.
    pub id_prefix: String,
    /// The input of each workflow; `None` starts workflows without input.
    pub input: Option<InputTemplate>,
    /// Signals to send after the start.
    pub signals: Option<SignalPlan>,
    /// Updates to send after the start and the signals.
    pub updates: Option<UpdatePlan>,
    /// The result every workflow must return; another result counts as `RESULT_MISMATCH`.
    pub expected_result: Option<Value>,
    /// `false`: start-only load, `wait` returns at once (end-to-end latency is then the start).
    pub wait_for_result: bool,
    /// The workflow execution timeout set on each start, so that abandoned workflows do not
    /// linger on a shared cluster.
    pub execution_timeout: Option<Duration>,
}

impl WorkflowPlan {
    /// Start `workflow_type` on `task_queue` without input, ids `{id_prefix}-{iteration}`,
    /// and wait for each result.
    pub fn new(
        workflow_type: impl Into<String>,
        task_queue: impl Into<String>,
        id_prefix: impl Into<String>,
    ) -> Self {
        WorkflowPlan {
            workflow_type: workflow_type.into(),
            task_queue: task_queue.into(),
            id_prefix: id_prefix.into(),
            input: None,
            signals: None,
            updates: None,
            expected_result: None,
            wait_for_result: true,
            execution_timeout: None,
        }
    }

    /// Gives each workflow this input.
    pub fn with_input(mut self, input: InputTemplate) -> Self {
        self.input = Some(input);
        self
    }

    /// Sends `count` signals named `name` to each workflow after its start.
    pub fn with_signals(mut self, name: impl Into<String>, count: u32) -> Self {
        self.signals = Some(SignalPlan {
            name: name.into(),
            count,
        });
        self
    }

    /// Sends `count` updates named `name` to each workflow after its start (see
    /// [`UpdatePlan`]).
    pub fn with_updates(mut self, name: impl Into<String>, count: u32) -> Self {
        self.updates = Some(UpdatePlan {
            name: name.into(),
            count,
        });
        self
    }

    /// Checks each workflow's result against `expected`.
    pub fn expecting(mut self, expected: Value) -> Self {
        self.expected_result = Some(expected);
        self
    }

    /// Start-only: `wait` returns at once.
    pub fn start_only(mut self) -> Self {
        self.wait_for_result = false;
        self
    }

    /// Sets the workflow execution timeout of each start.
    pub fn with_execution_timeout(mut self, timeout: Duration) -> Self {
        self.execution_timeout = Some(timeout);
        self
    }

    /// The workflow id of iteration `iteration`.
    #[must_use]
    pub fn workflow_id(&self, iteration: u64) -> String {
        format!("{}-{iteration}", self.id_prefix)
    }

    /// Checks names and limits (`[WFL005]`).
    pub fn validate(&self) -> Result<(), LoadgenError> {
        if self.workflow_type.trim().is_empty() {
            return Err(LoadgenError::config("workflow type", "must not be empty"));
        }
        if self.task_queue.trim().is_empty() {
            return Err(LoadgenError::config("task queue", "must not be empty"));
        }
        let prefix_ok = !self.id_prefix.is_empty()
            && self.id_prefix.chars().count() <= MAX_ID_PREFIX_CHARS
            && self
                .id_prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !prefix_ok {
            return Err(LoadgenError::config(
                "workflow id prefix",
                format!(
                    "{:?}: 1 to {MAX_ID_PREFIX_CHARS} letters, digits, '-', '_' or '.' (it goes into JSON inputs unescaped)",
                    self.id_prefix
                ),
            ));
        }
        if let Some(signals) = &self.signals {
            if signals.name.trim().is_empty() {
                return Err(LoadgenError::config("signal name", "must not be empty"));
            }
            if signals.count > MAX_SIGNALS_PER_WORKFLOW {
                return Err(LoadgenError::config(
                    "signals per workflow",
                    format!(
                        "{} is more than the limit of {MAX_SIGNALS_PER_WORKFLOW}",
                        signals.count
                    ),
                ));
            }
            if !self.wait_for_result {
                return Err(LoadgenError::config(
                    "signals",
                    "start-only load sends no signals: it does not wait for the workflows",
                ));
            }
        }
        if let Some(updates) = &self.updates {
            if updates.name.trim().is_empty() {
                return Err(LoadgenError::config("update name", "must not be empty"));
            }
            if updates.count > MAX_UPDATES_PER_WORKFLOW {
                return Err(LoadgenError::config(
                    "updates per workflow",
                    format!(
                        "{} is more than the limit of {MAX_UPDATES_PER_WORKFLOW}",
                        updates.count
                    ),
                ));
            }
            if !self.wait_for_result {
                return Err(LoadgenError::config(
                    "updates",
                    "start-only load sends no updates: it does not wait for the workflows",
                ));
            }
        }
        if self
            .execution_timeout
            .is_some_and(|timeout| timeout.is_zero())
        {
            return Err(LoadgenError::config(
                "workflow execution timeout",
                "must be greater than zero",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_are_checked_like_signals() {
        let plan = WorkflowPlan::new("LoadUpdates", "q", "run").with_updates("load_update", 3);
        assert!(plan.validate().is_ok());
        assert_eq!(
            plan.updates,
            Some(UpdatePlan {
                name: "load_update".to_owned(),
                count: 3
            })
        );
        let too_many = plan
            .clone()
            .with_updates("load_update", MAX_UPDATES_PER_WORKFLOW + 1);
        let error = too_many.validate().expect_err("refused");
        assert!(
            error.to_string().contains("updates per workflow"),
            "{error}"
        );
        let unnamed = plan.clone().with_updates(" ", 1);
        assert!(unnamed.validate().is_err());
        let start_only = plan.start_only();
        let error = start_only.validate().expect_err("refused");
        assert!(error.to_string().contains("start-only"), "{error}");
    }
}
