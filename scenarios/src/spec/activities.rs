//! Scenarios about activities ending other than by completing, and about local activities.

use serde_json::json;
use temporalio_protos::{
    constants::LOCAL_ACTIVITY_MARKER_NAME,
    temporal::api::enums::v1::{EventType, RetryState, TimeoutType},
};

use super::{EXECUTION_TIMEOUT_MS, ScenarioSpec, activities, count, strings};
use crate::{
    checks::HistoryCheck,
    outcome::Outcome,
    workflows::{activity_heartbeat_cancel, activity_timeout, local_activity},
};

/// The activity must be running when the timer fires, or the server cancels it before it
/// starts and the history has no `ActivityTaskStarted`: half a second leaves a slow worker
/// ample time to pick it up.
pub(super) fn activity_heartbeat_cancel_spec() -> ScenarioSpec {
    let activity = "heartbeat_until_cancelled";
    ScenarioSpec {
        name: "activity_heartbeat_cancel".to_owned(),
        workflow_type: activity_heartbeat_cancel::WORKFLOW_TYPE.to_owned(),
        input: json!(500),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!(activity_heartbeat_cancel::CANCELLED_RESULT),
        },
        checks: vec![
            activities(&[activity]),
            count(EventType::TimerFired, 1),
            count(EventType::ActivityTaskCancelRequested, 1),
            HistoryCheck::ActivityStartedOnAttempt {
                activity_type: activity.to_owned(),
                attempt: 1,
            },
            count(EventType::ActivityTaskCanceled, 1),
            count(EventType::ActivityTaskCompleted, 0),
        ],
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

pub(super) fn activity_timeout_spec() -> ScenarioSpec {
    let attempts = 2;
    ScenarioSpec {
        name: "activity_timeout".to_owned(),
        workflow_type: activity_timeout::WORKFLOW_TYPE.to_owned(),
        input: json!({ "maximum_attempts": attempts, "sleep_ms": 2_000, "start_to_close_ms": 200 }),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!(
                "activity sleep timed out: START_TO_CLOSE, retry state MAXIMUM_ATTEMPTS_REACHED"
            ),
        },
        checks: vec![
            activities(&["sleep"]),
            HistoryCheck::ActivityStartedOnAttempt {
                activity_type: "sleep".to_owned(),
                attempt: attempts,
            },
            HistoryCheck::ActivityTimedOut {
                activity_type: "sleep".to_owned(),
                timeout_type: TimeoutType::StartToClose,
                retry_state: RetryState::MaximumAttemptsReached,
            },
            count(EventType::ActivityTaskTimedOut, 1),
            count(EventType::ActivityTaskCompleted, 0),
        ],
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}

pub(super) fn local_activity_spec() -> ScenarioSpec {
    ScenarioSpec {
        name: "local_activity".to_owned(),
        workflow_type: local_activity::WORKFLOW_TYPE.to_owned(),
        input: json!("local"),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!("Hello, local!"),
        },
        checks: vec![
            HistoryCheck::MarkersRecorded(strings(&[LOCAL_ACTIVITY_MARKER_NAME])),
            HistoryCheck::LocalActivitiesRecorded(strings(&["greet"])),
            count(EventType::ActivityTaskScheduled, 0),
        ],
        execution_timeout_ms: EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}
