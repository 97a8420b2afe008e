//! Unit tests of the history checks, on hand-built histories.

use std::collections::HashMap;

use serde_json::json;
use temporalio_protos::temporal::api::{
    common::v1::{ActivityType, Payload, Payloads, SearchAttributes, WorkflowType},
    failure::v1::{Failure, TimeoutFailureInfo},
    history::v1::{
        ActivityTaskScheduledEventAttributes, ActivityTaskStartedEventAttributes,
        ActivityTaskTimedOutEventAttributes, HistoryEvent, MarkerRecordedEventAttributes,
        StartChildWorkflowExecutionInitiatedEventAttributes,
        UpsertWorkflowSearchAttributesEventAttributes,
        WorkflowExecutionContinuedAsNewEventAttributes, WorkflowExecutionStartedEventAttributes,
    },
};

use super::*;

fn event(event_id: i64, event_type: EventType, attributes: Attributes) -> HistoryEvent {
    HistoryEvent {
        event_id,
        event_type: event_type as i32,
        attributes: Some(attributes),
        ..Default::default()
    }
}

fn json_payloads(value: &serde_json::Value) -> Payloads {
    Payloads {
        payloads: vec![Payload {
            metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
            data: value.to_string().into_bytes(),
            ..Default::default()
        }],
    }
}

fn started(initiator: ContinueAsNewInitiator, continued: &str, backoff_secs: i64) -> HistoryEvent {
    let mut attributes = WorkflowExecutionStartedEventAttributes {
        initiator: initiator as i32,
        continued_execution_run_id: continued.to_owned(),
        ..Default::default()
    };
    if backoff_secs != 0 {
        let mut backoff = attributes
            .first_workflow_task_backoff
            .take()
            .unwrap_or_default();
        backoff.seconds = backoff_secs;
        attributes.first_workflow_task_backoff = Some(backoff);
    }
    event(
        1,
        EventType::WorkflowExecutionStarted,
        Attributes::WorkflowExecutionStartedEventAttributes(attributes),
    )
}

fn marker(event_id: i64, name: &str, key: &str, data: serde_json::Value) -> HistoryEvent {
    event(
        event_id,
        EventType::MarkerRecorded,
        Attributes::MarkerRecordedEventAttributes(MarkerRecordedEventAttributes {
            marker_name: name.to_owned(),
            details: HashMap::from([(key.to_owned(), json_payloads(&data))]),
            ..Default::default()
        }),
    )
}

fn history() -> History {
    let scheduled = |id, name: &str| HistoryEvent {
        event_id: id,
        event_type: EventType::ActivityTaskScheduled as i32,
        attributes: Some(Attributes::ActivityTaskScheduledEventAttributes(
            ActivityTaskScheduledEventAttributes {
                activity_type: Some(ActivityType {
                    name: name.to_owned(),
                }),
                ..Default::default()
            },
        )),
        ..Default::default()
    };
    let started = |id, scheduled_event_id, attempt| HistoryEvent {
        event_id: id,
        event_type: EventType::ActivityTaskStarted as i32,
        attributes: Some(Attributes::ActivityTaskStartedEventAttributes(
            ActivityTaskStartedEventAttributes {
                scheduled_event_id,
                attempt,
                ..Default::default()
            },
        )),
        ..Default::default()
    };
    History {
        events: vec![
            scheduled(5, "book_car"),
            started(6, 5, 1),
            scheduled(7, "flaky"),
            started(8, 7, 3),
        ],
    }
}

#[test]
fn passing_checks_pass() {
    let checks = [
        HistoryCheck::EventCount {
            event_type: EventType::ActivityTaskStarted,
            count: 2,
        },
        HistoryCheck::ActivityStartedOnAttempt {
            activity_type: "flaky".to_owned(),
            attempt: 3,
        },
        HistoryCheck::ActivitiesScheduled(vec!["book_car".to_owned(), "flaky".to_owned()]),
    ];
    assert_eq!(verify_all(&history(), &checks), []);
}

#[test]
fn failing_checks_say_what_was_found() {
    let failures = verify_all(
        &history(),
        &[
            HistoryCheck::EventCount {
                event_type: EventType::TimerFired,
                count: 1,
            },
            HistoryCheck::ActivityStartedOnAttempt {
                activity_type: "book_car".to_owned(),
                attempt: 2,
            },
            HistoryCheck::ActivityStartedOnAttempt {
                activity_type: "missing".to_owned(),
                attempt: 1,
            },
            HistoryCheck::ActivitiesScheduled(vec!["flaky".to_owned()]),
        ],
    );
    let found: Vec<&str> = failures.iter().map(|f| f.found.as_str()).collect();
    assert_eq!(
        found,
        [
            "0",
            "attempts [1]",
            "attempts []",
            r#"["book_car", "flaky"]"#
        ]
    );
}

#[test]
fn continue_as_new_checks_read_the_started_and_closing_events() {
    let next_input = json!({ "continue_as_new_times": 2, "run": 1 });
    let first_run = History {
        events: vec![
            started(ContinueAsNewInitiator::Unspecified, "", 0),
            event(
                2,
                EventType::WorkflowExecutionContinuedAsNew,
                Attributes::WorkflowExecutionContinuedAsNewEventAttributes(
                    WorkflowExecutionContinuedAsNewEventAttributes {
                        input: Some(json_payloads(&next_input)),
                        ..Default::default()
                    },
                ),
            ),
        ],
    };
    let continued = History {
        events: vec![started(ContinueAsNewInitiator::Workflow, "run-1", 0)],
    };
    let delayed = History {
        events: vec![started(ContinueAsNewInitiator::Workflow, "run-1", 1)],
    };
    let input_check = HistoryCheck::ContinuedAsNewWithInput(next_input);
    assert_eq!(input_check.verify(&first_run), Ok(()));
    assert_eq!(
        HistoryCheck::StartedByContinueAsNew.verify(&continued),
        Ok(())
    );
    assert_eq!(
        HistoryCheck::NoFirstWorkflowTaskBackoff.verify(&continued),
        Ok(())
    );

    let failures = [
        HistoryCheck::StartedByContinueAsNew.verify(&first_run),
        input_check.verify(&continued),
        HistoryCheck::ContinuedAsNewWithInput(json!({ "run": 9 })).verify(&first_run),
        HistoryCheck::NoFirstWorkflowTaskBackoff.verify(&delayed),
    ];
    let found: Vec<String> = failures
        .into_iter()
        .map(|r| r.map_or_else(|f| f.found, |()| "passed".to_owned()))
        .collect();
    assert_eq!(
        found,
        [
            "initiator CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED, continued run id empty",
            "last event EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
            r#"input {"continue_as_new_times":2,"run":1}"#,
            "Some(Duration { seconds: 1, nanos: 0 })",
        ]
    );
}

#[test]
fn activity_timed_out_matches_timeout_type_and_retry_state() {
    let timed_out = |timeout_type: TimeoutType| {
        event(
            6,
            EventType::ActivityTaskTimedOut,
            Attributes::ActivityTaskTimedOutEventAttributes(ActivityTaskTimedOutEventAttributes {
                scheduled_event_id: 5,
                retry_state: RetryState::MaximumAttemptsReached as i32,
                failure: Some(Failure {
                    failure_info: Some(FailureInfo::TimeoutFailureInfo(TimeoutFailureInfo {
                        timeout_type: timeout_type as i32,
                        ..Default::default()
                    })),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        )
    };
    let scheduled = event(
        5,
        EventType::ActivityTaskScheduled,
        Attributes::ActivityTaskScheduledEventAttributes(ActivityTaskScheduledEventAttributes {
            activity_type: Some(ActivityType {
                name: "sleep".to_owned(),
            }),
            ..Default::default()
        }),
    );
    let check = HistoryCheck::ActivityTimedOut {
        activity_type: "sleep".to_owned(),
        timeout_type: TimeoutType::StartToClose,
        retry_state: RetryState::MaximumAttemptsReached,
    };
    let history = |timeout_type| History {
        events: vec![scheduled.clone(), timed_out(timeout_type)],
    };
    assert_eq!(check.verify(&history(TimeoutType::StartToClose)), Ok(()));
    let failure = check.verify(&history(TimeoutType::Heartbeat)).err();
    assert_eq!(
        failure.map(|f| f.found),
        Some(
            r#"timeouts [("TIMEOUT_TYPE_HEARTBEAT", "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED")]"#
                .to_owned()
        )
    );
    let none = History {
        events: vec![scheduled],
    };
    assert!(check.verify(&none).is_err(), "no timeout at all fails");
}

#[test]
fn marker_search_attribute_and_child_checks_list_what_was_recorded() {
    let history = History {
        events: vec![
            marker(
                5,
                "core_local_activity",
                "data",
                json!({ "activity_type": "greet" }),
            ),
            marker(
                6,
                "core_patch",
                "patch-data",
                json!({ "id": "my-patch", "deprecated": false }),
            ),
            event(
                7,
                EventType::UpsertWorkflowSearchAttributes,
                Attributes::UpsertWorkflowSearchAttributesEventAttributes(
                    UpsertWorkflowSearchAttributesEventAttributes {
                        search_attributes: Some(SearchAttributes {
                            indexed_fields: HashMap::from([(
                                "TemporalChangeVersion".to_owned(),
                                Payload::default(),
                            )]),
                        }),
                        ..Default::default()
                    },
                ),
            ),
            event(
                8,
                EventType::StartChildWorkflowExecutionInitiated,
                Attributes::StartChildWorkflowExecutionInitiatedEventAttributes(
                    StartChildWorkflowExecutionInitiatedEventAttributes {
                        workflow_type: Some(WorkflowType {
                            name: "HelloWorkflow".to_owned(),
                        }),
                        ..Default::default()
                    },
                ),
            ),
        ],
    };
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let passing = [
        HistoryCheck::MarkersRecorded(strings(&["core_local_activity", "core_patch"])),
        HistoryCheck::LocalActivitiesRecorded(strings(&["greet"])),
        HistoryCheck::PatchesRecorded(strings(&["my-patch"])),
        HistoryCheck::SearchAttributesUpserted(strings(&["TemporalChangeVersion"])),
        HistoryCheck::ChildWorkflowsStarted(strings(&["HelloWorkflow"])),
    ];
    assert_eq!(verify_all(&history, &passing), []);
    let failing = [
        HistoryCheck::MarkersRecorded(strings(&["core_patch"])),
        HistoryCheck::PatchesRecorded(strings(&["other-patch"])),
        HistoryCheck::ChildWorkflowsStarted(Vec::new()),
    ];
    let found: Vec<String> = verify_all(&history, &failing)
        .into_iter()
        .map(|f| f.found)
        .collect();
    assert_eq!(
        found,
        [
            r#"["core_local_activity", "core_patch"]"#,
            r#"["my-patch"]"#,
            r#"["HelloWorkflow"]"#,
        ]
    );
}
