//! How a workflow ended, read from its history alone, so the same code judges a run on the real
//! server and on wfkit's engine.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use temporalio_protos::temporal::api::{
    common::v1::{Payload, Payloads},
    enums::v1::EventType,
    failure::v1::{Failure, failure::FailureInfo},
    history::v1::{History, history_event::Attributes},
};

use crate::error::OutcomeError;

/// Causes followed at most when summarising a failure chain; real chains are two or three deep.
const MAX_CAUSE_DEPTH: usize = 16;

/// How a workflow execution ended. Only deterministic facts: results as JSON, failures without
/// stack traces, ids or timestamps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// `WorkflowExecutionCompleted`, with the result decoded as JSON (`null` for no result).
    Completed {
        /// The result payload as JSON.
        result: Value,
    },
    /// `WorkflowExecutionFailed`.
    Failed {
        /// The failure, summarised.
        failure: FailureSummary,
    },
    /// `WorkflowExecutionCanceled`.
    Canceled,
    /// `WorkflowExecutionTerminated`.
    Terminated,
    /// `WorkflowExecutionTimedOut`.
    TimedOut,
    /// `WorkflowExecutionContinuedAsNew`.
    ContinuedAsNew,
}

/// Which kind of Temporal failure a [`FailureSummary`] describes (the `failure_info` variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// `ApplicationFailureInfo`: raised by workflow or activity code.
    Application,
    /// `TimeoutFailureInfo`.
    Timeout,
    /// `CanceledFailureInfo`.
    Canceled,
    /// `TerminatedFailureInfo`.
    Terminated,
    /// `ServerFailureInfo`.
    Server,
    /// `ResetWorkflowFailureInfo`.
    ResetWorkflow,
    /// `ActivityFailureInfo`: wraps the activity's own failure as its cause.
    Activity,
    /// `ChildWorkflowExecutionFailureInfo`.
    ChildWorkflow,
    /// `NexusOperationFailureInfo`.
    NexusOperation,
    /// `NexusHandlerFailureInfo`.
    NexusHandler,
    /// No `failure_info` set.
    Unspecified,
}

/// The deterministic part of a Temporal `Failure`: message, kind, application type and
/// retryability, and the same for its cause chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureSummary {
    /// The failure message.
    pub message: String,
    /// The failure kind.
    pub kind: FailureKind,
    /// For application failures, their type (empty types are `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_type: Option<String>,
    /// For application failures, whether they were marked non-retryable.
    #[serde(default)]
    pub non_retryable: bool,
    /// The cause, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<FailureSummary>>,
}

impl FailureSummary {
    /// An application failure without a cause.
    #[must_use]
    pub fn application(
        message: impl Into<String>,
        application_type: &str,
        non_retryable: bool,
    ) -> Self {
        Self {
            message: message.into(),
            kind: FailureKind::Application,
            application_type: Some(application_type.to_owned()),
            non_retryable,
            cause: None,
        }
    }

    /// This failure with `cause` attached.
    #[must_use]
    pub fn caused_by(mut self, cause: FailureSummary) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// Summarises a proto `Failure` (cause chain cut after 16 levels).
    #[must_use]
    pub fn from_failure(failure: &Failure) -> Self {
        Self::from_failure_at_depth(failure, 0)
    }

    fn from_failure_at_depth(failure: &Failure, depth: usize) -> Self {
        let (kind, application_type, non_retryable) = match &failure.failure_info {
            Some(FailureInfo::ApplicationFailureInfo(info)) => (
                FailureKind::Application,
                (!info.r#type.is_empty()).then(|| info.r#type.clone()),
                info.non_retryable,
            ),
            Some(FailureInfo::TimeoutFailureInfo(_)) => (FailureKind::Timeout, None, false),
            Some(FailureInfo::CanceledFailureInfo(_)) => (FailureKind::Canceled, None, false),
            Some(FailureInfo::TerminatedFailureInfo(_)) => (FailureKind::Terminated, None, false),
            Some(FailureInfo::ServerFailureInfo(info)) => {
                (FailureKind::Server, None, info.non_retryable)
            }
            Some(FailureInfo::ResetWorkflowFailureInfo(_)) => {
                (FailureKind::ResetWorkflow, None, false)
            }
            Some(FailureInfo::ActivityFailureInfo(_)) => (FailureKind::Activity, None, false),
            Some(FailureInfo::ChildWorkflowExecutionFailureInfo(_)) => {
                (FailureKind::ChildWorkflow, None, false)
            }
            Some(FailureInfo::NexusOperationExecutionFailureInfo(_)) => {
                (FailureKind::NexusOperation, None, false)
            }
            Some(FailureInfo::NexusHandlerFailureInfo(_)) => {
                (FailureKind::NexusHandler, None, false)
            }
            None => (FailureKind::Unspecified, None, false),
        };
        let cause = match &failure.cause {
            Some(cause) if depth + 1 < MAX_CAUSE_DEPTH => {
                Some(Box::new(Self::from_failure_at_depth(cause, depth + 1)))
            }
            _ => None,
        };
        Self {
            message: failure.message.clone(),
            kind,
            application_type,
            non_retryable,
            cause,
        }
    }
}

/// Reads the outcome from the last event of a closed history.
pub fn outcome_from_history(history: &History) -> Result<Outcome, OutcomeError> {
    let last = history.events.last().ok_or(OutcomeError::EmptyHistory)?;
    match &last.attributes {
        Some(Attributes::WorkflowExecutionCompletedEventAttributes(attrs)) => {
            Ok(Outcome::Completed {
                result: decode_payloads(attrs.result.as_ref())?,
            })
        }
        Some(Attributes::WorkflowExecutionFailedEventAttributes(attrs)) => Ok(Outcome::Failed {
            failure: attrs
                .failure
                .as_ref()
                .map(FailureSummary::from_failure)
                .unwrap_or(FailureSummary {
                    message: String::new(),
                    kind: FailureKind::Unspecified,
                    application_type: None,
                    non_retryable: false,
                    cause: None,
                }),
        }),
        Some(Attributes::WorkflowExecutionCanceledEventAttributes(_)) => Ok(Outcome::Canceled),
        Some(Attributes::WorkflowExecutionTerminatedEventAttributes(_)) => Ok(Outcome::Terminated),
        Some(Attributes::WorkflowExecutionTimedOutEventAttributes(_)) => Ok(Outcome::TimedOut),
        Some(Attributes::WorkflowExecutionContinuedAsNewEventAttributes(_)) => {
            Ok(Outcome::ContinuedAsNew)
        }
        _ => Err(OutcomeError::NotClosed {
            event_type: event_type_name(last.event_type),
        }),
    }
}

/// Decodes a result: no payload is `null`; one payload is decoded by [`decode_payload`]; several
/// become a JSON array.
pub fn decode_payloads(payloads: Option<&Payloads>) -> Result<Value, OutcomeError> {
    let payloads = payloads.map(|p| p.payloads.as_slice()).unwrap_or_default();
    match payloads {
        [] => Ok(Value::Null),
        [single] => decode_payload(single),
        many => many
            .iter()
            .map(decode_payload)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
    }
}

/// Decodes one payload written by the default data converter: `json/plain` as JSON,
/// `binary/null` as `null`.
pub fn decode_payload(payload: &Payload) -> Result<Value, OutcomeError> {
    let encoding = payload
        .metadata
        .get("encoding")
        .map(|e| String::from_utf8_lossy(e).into_owned())
        .unwrap_or_default();
    match encoding.as_str() {
        "json/plain" => Ok(serde_json::from_slice(&payload.data)?),
        "binary/null" => Ok(Value::Null),
        _ => Err(OutcomeError::UnsupportedEncoding { encoding }),
    }
}

/// The proto name of an event type number (`EVENT_TYPE_TIMER_FIRED`), or `EVENT_TYPE_{n}` for
/// numbers this build does not know.
#[must_use]
pub fn event_type_name(event_type: i32) -> String {
    EventType::try_from(event_type)
        .map(|t| t.as_str_name().to_owned())
        .unwrap_or_else(|_| format!("EVENT_TYPE_{event_type}"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use temporalio_protos::temporal::api::{
        failure::v1::{ActivityFailureInfo, ApplicationFailureInfo},
        history::v1::{
            HistoryEvent, WorkflowExecutionCompletedEventAttributes,
            WorkflowExecutionFailedEventAttributes,
        },
    };

    use super::*;

    fn payload(encoding: &str, data: &[u8]) -> Payload {
        Payload {
            metadata: HashMap::from([("encoding".to_owned(), encoding.as_bytes().to_vec())]),
            data: data.to_vec(),
            ..Default::default()
        }
    }

    fn closed_by(attributes: Attributes, event_type: EventType) -> History {
        History {
            events: vec![HistoryEvent {
                event_id: 1,
                event_type: event_type as i32,
                attributes: Some(attributes),
                ..Default::default()
            }],
        }
    }

    #[test]
    fn decodes_json_null_and_missing_results() -> Result<(), OutcomeError> {
        assert_eq!(
            decode_payload(&payload("json/plain", br#"{"a":[1,2]}"#))?,
            serde_json::json!({"a": [1, 2]})
        );
        assert_eq!(decode_payload(&payload("binary/null", b""))?, Value::Null);
        assert_eq!(decode_payloads(None)?, Value::Null);
        Ok(())
    }

    #[test]
    fn rejects_encodings_it_cannot_read() {
        let err = decode_payload(&payload("binary/protobuf", b"\x08\x01"));
        assert!(matches!(
            err,
            Err(OutcomeError::UnsupportedEncoding { encoding }) if encoding == "binary/protobuf"
        ));
        assert!(matches!(
            decode_payload(&payload("json/plain", b"{not json")),
            Err(OutcomeError::Json(_))
        ));
    }

    #[test]
    fn completed_history_yields_its_result() -> Result<(), OutcomeError> {
        let history = closed_by(
            Attributes::WorkflowExecutionCompletedEventAttributes(
                WorkflowExecutionCompletedEventAttributes {
                    result: Some(Payloads {
                        payloads: vec![payload("json/plain", br#""done""#)],
                    }),
                    ..Default::default()
                },
            ),
            EventType::WorkflowExecutionCompleted,
        );
        assert_eq!(
            outcome_from_history(&history)?,
            Outcome::Completed {
                result: serde_json::json!("done")
            }
        );
        Ok(())
    }

    #[test]
    fn failed_history_yields_the_failure_chain_without_volatile_fields() -> Result<(), OutcomeError>
    {
        let failure = Failure {
            message: "Activity task failed".to_owned(),
            stack_trace: "somewhere".to_owned(),
            failure_info: Some(FailureInfo::ActivityFailureInfo(ActivityFailureInfo {
                scheduled_event_id: 17,
                ..Default::default()
            })),
            cause: Some(Box::new(Failure {
                message: "no seat".to_owned(),
                failure_info: Some(FailureInfo::ApplicationFailureInfo(
                    ApplicationFailureInfo {
                        r#type: "FlightUnavailable".to_owned(),
                        non_retryable: true,
                        ..Default::default()
                    },
                )),
                ..Default::default()
            })),
            ..Default::default()
        };
        let history = closed_by(
            Attributes::WorkflowExecutionFailedEventAttributes(
                WorkflowExecutionFailedEventAttributes {
                    failure: Some(failure),
                    ..Default::default()
                },
            ),
            EventType::WorkflowExecutionFailed,
        );
        let expected = FailureSummary {
            message: "Activity task failed".to_owned(),
            kind: FailureKind::Activity,
            application_type: None,
            non_retryable: false,
            cause: None,
        }
        .caused_by(FailureSummary::application(
            "no seat",
            "FlightUnavailable",
            true,
        ));
        assert_eq!(
            outcome_from_history(&history)?,
            Outcome::Failed { failure: expected }
        );
        Ok(())
    }

    #[test]
    fn open_and_empty_histories_have_no_outcome() {
        assert!(matches!(
            outcome_from_history(&History::default()),
            Err(OutcomeError::EmptyHistory)
        ));
        let open = History {
            events: vec![HistoryEvent {
                event_type: EventType::TimerStarted as i32,
                ..Default::default()
            }],
        };
        assert!(matches!(
            outcome_from_history(&open),
            Err(OutcomeError::NotClosed { event_type }) if event_type == "EVENT_TYPE_TIMER_STARTED"
        ));
    }

    #[test]
    fn outcome_json_shape_is_stable() -> Result<(), serde_json::Error> {
        let outcome = Outcome::Failed {
            failure: FailureSummary::application("boom", "ScenarioFailure", true),
        };
        assert_eq!(
            serde_json::to_value(&outcome)?,
            serde_json::json!({
                "status": "failed",
                "failure": {
                    "message": "boom",
                    "kind": "application",
                    "application_type": "ScenarioFailure",
                    "non_retryable": true
                }
            })
        );
        Ok(())
    }
}
