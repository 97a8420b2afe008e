//! Scenarios that need days of workflow time, for servers that skip time.

use serde_json::json;
use temporalio_protos::temporal::api::enums::v1::EventType;

use super::{ScenarioSpec, activities, count};
use crate::{checks::HistoryCheck, outcome::Outcome, workflows::long_sleep};

/// How long `long_sleep` sleeps.
pub const LONG_SLEEP_DAYS: u64 = 30;

/// The least workflow time `long_sleep` takes: its sleep plus the two retry delays of its
/// activity (1 h, then 2 h).
pub const LONG_SLEEP_MIN_VIRTUAL_SECS: u64 = LONG_SLEEP_DAYS * 86_400 + 3 * 3_600;

/// Execution timeout of `long_sleep`: twice what it needs.
const LONG_SLEEP_EXECUTION_TIMEOUT_MS: u64 = 2 * LONG_SLEEP_DAYS * 86_400 * 1_000;

pub(super) fn long_sleep_spec() -> ScenarioSpec {
    let attempt = 3;
    ScenarioSpec {
        name: "long_sleep".to_owned(),
        workflow_type: long_sleep::WORKFLOW_TYPE.to_owned(),
        input: json!({ "sleep_days": LONG_SLEEP_DAYS, "succeed_on_attempt": attempt }),
        steps: Vec::new(),
        expected: Outcome::Completed {
            result: json!(format!(
                "slept {LONG_SLEEP_DAYS} days; succeeded on attempt {attempt}"
            )),
        },
        checks: vec![
            count(EventType::TimerStarted, 1),
            count(EventType::TimerFired, 1),
            activities(&["flaky"]),
            HistoryCheck::ActivityStartedOnAttempt {
                activity_type: "flaky".to_owned(),
                attempt,
            },
            count(EventType::ActivityTaskCompleted, 1),
            count(EventType::ActivityTaskFailed, 0),
        ],
        execution_timeout_ms: LONG_SLEEP_EXECUTION_TIMEOUT_MS,
        earlier_runs: Vec::new(),
    }
}
