//! A readable table of a history's events, for `wfkit history show`.

use std::fmt::Write;

use temporalio_protos::temporal::api::common::v1::{Payload, Payloads};
use temporalio_protos::temporal::api::failure::v1::Failure;
use temporalio_protos::temporal::api::history::v1::{
    History, HistoryEvent, history_event::Attributes,
};

use crate::event::{event_type, type_name};

/// Longest detail text shown per event; the rest is cut with an ellipsis.
const MAX_DETAIL_CHARS: usize = 100;

/// Renders the event table: id, time since the first event, type, and the key attributes.
pub fn render_table(history: &History) -> String {
    let start = history.events.first().and_then(seconds);
    let width = history
        .events
        .iter()
        .map(|e| type_name(event_type(e)).len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>5}  {:>10}  {:<width$}  DETAILS",
        "ID", "TIME", "TYPE"
    );
    for event in &history.events {
        let offset = match (start, seconds(event)) {
            (Some(start), Some(time)) => format!("+{:.3}s", time - start),
            _ => "-".to_string(),
        };
        let detail = clip(&details(event));
        let _ = writeln!(
            out,
            "{:>5}  {:>10}  {:<width$}  {}",
            event.event_id,
            offset,
            type_name(event_type(event)),
            detail
        );
    }
    out
}

/// Seconds since the epoch of an event's time, when it has one.
fn seconds(event: &HistoryEvent) -> Option<f64> {
    event
        .event_time
        .as_ref()
        .map(|time| time.seconds as f64 + f64::from(time.nanos) / 1e9)
}

fn clip(text: &str) -> String {
    if text.chars().count() <= MAX_DETAIL_CHARS {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(MAX_DETAIL_CHARS - 3).collect();
    cut.push_str("...");
    cut
}

/// The first payload, as text when it is JSON or plain text, else its size.
fn payloads(payloads: &Option<Payloads>) -> String {
    match payloads.as_ref().and_then(|p| p.payloads.first()) {
        Some(first) => payload(first),
        None => "-".to_string(),
    }
}

fn payload(payload: &Payload) -> String {
    let encoding = payload
        .metadata
        .get("encoding")
        .map(|e| String::from_utf8_lossy(e).to_string())
        .unwrap_or_default();
    if (encoding.starts_with("json") || encoding == "binary/plain")
        && let Ok(text) = std::str::from_utf8(&payload.data)
    {
        return text.to_string();
    }
    if encoding == "binary/null" {
        return "null".to_string();
    }
    format!("<{} bytes {}>", payload.data.len(), encoding)
}

fn failure(failure: &Option<Failure>) -> String {
    match failure {
        Some(f) => format!("failure={:?}", f.message),
        None => String::new(),
    }
}

fn details(event: &HistoryEvent) -> String {
    use Attributes as A;
    let Some(attributes) = &event.attributes else {
        return String::new();
    };
    match attributes {
        A::WorkflowExecutionStartedEventAttributes(a) => format!(
            "type={} queue={} input={} attempt={}",
            a.workflow_type
                .as_ref()
                .map(|t| t.name.as_str())
                .unwrap_or("-"),
            a.task_queue
                .as_ref()
                .map(|q| q.name.as_str())
                .unwrap_or("-"),
            payloads(&a.input),
            a.attempt
        ),
        A::WorkflowExecutionCompletedEventAttributes(a) => {
            format!("result={}", payloads(&a.result))
        }
        A::WorkflowExecutionFailedEventAttributes(a) => failure(&a.failure),
        A::WorkflowExecutionTerminatedEventAttributes(a) => format!("reason={:?}", a.reason),
        A::WorkflowExecutionContinuedAsNewEventAttributes(a) => format!(
            "type={} input={}",
            a.workflow_type
                .as_ref()
                .map(|t| t.name.as_str())
                .unwrap_or("-"),
            payloads(&a.input)
        ),
        A::WorkflowTaskScheduledEventAttributes(a) => format!(
            "queue={} attempt={}",
            a.task_queue
                .as_ref()
                .map(|q| q.name.as_str())
                .unwrap_or("-"),
            a.attempt
        ),
        A::WorkflowTaskStartedEventAttributes(a) => format!("scheduled={}", a.scheduled_event_id),
        A::WorkflowTaskCompletedEventAttributes(a) => {
            format!(
                "scheduled={} started={}",
                a.scheduled_event_id, a.started_event_id
            )
        }
        A::WorkflowTaskFailedEventAttributes(a) => {
            format!("cause={} {}", a.cause, failure(&a.failure))
        }
        A::WorkflowTaskTimedOutEventAttributes(a) => format!("timeout_type={}", a.timeout_type),
        A::ActivityTaskScheduledEventAttributes(a) => format!(
            "id={} type={} input={}",
            a.activity_id,
            a.activity_type
                .as_ref()
                .map(|t| t.name.as_str())
                .unwrap_or("-"),
            payloads(&a.input)
        ),
        A::ActivityTaskStartedEventAttributes(a) => {
            format!("scheduled={} attempt={}", a.scheduled_event_id, a.attempt)
        }
        A::ActivityTaskCompletedEventAttributes(a) => {
            format!(
                "scheduled={} result={}",
                a.scheduled_event_id,
                payloads(&a.result)
            )
        }
        A::ActivityTaskFailedEventAttributes(a) => {
            format!("scheduled={} {}", a.scheduled_event_id, failure(&a.failure))
        }
        A::ActivityTaskTimedOutEventAttributes(a) => {
            format!("scheduled={} {}", a.scheduled_event_id, failure(&a.failure))
        }
        A::ActivityTaskCancelRequestedEventAttributes(a) => {
            format!("scheduled={}", a.scheduled_event_id)
        }
        A::ActivityTaskCanceledEventAttributes(a) => format!("scheduled={}", a.scheduled_event_id),
        A::TimerStartedEventAttributes(a) => format!(
            "id={} fire_after={}",
            a.timer_id,
            a.start_to_fire_timeout
                .as_ref()
                .map(|d| format!("{}s", d.seconds))
                .unwrap_or_default()
        ),
        A::TimerFiredEventAttributes(a) => {
            format!("id={} started={}", a.timer_id, a.started_event_id)
        }
        A::TimerCanceledEventAttributes(a) => {
            format!("id={} started={}", a.timer_id, a.started_event_id)
        }
        A::WorkflowExecutionSignaledEventAttributes(a) => {
            format!("signal={} input={}", a.signal_name, payloads(&a.input))
        }
        A::MarkerRecordedEventAttributes(a) => format!("marker={}", a.marker_name),
        A::StartChildWorkflowExecutionInitiatedEventAttributes(a) => format!(
            "id={} type={}",
            a.workflow_id,
            a.workflow_type
                .as_ref()
                .map(|t| t.name.as_str())
                .unwrap_or("-")
        ),
        A::ChildWorkflowExecutionCompletedEventAttributes(a) => {
            format!(
                "initiated={} result={}",
                a.initiated_event_id,
                payloads(&a.result)
            )
        }
        A::ChildWorkflowExecutionFailedEventAttributes(a) => {
            format!("initiated={} {}", a.initiated_event_id, failure(&a.failure))
        }
        A::SignalExternalWorkflowExecutionInitiatedEventAttributes(a) => {
            format!("signal={}", a.signal_name)
        }
        A::WorkflowExecutionUpdateAcceptedEventAttributes(a) => {
            format!("update={}", a.protocol_instance_id)
        }
        A::WorkflowExecutionUpdateCompletedEventAttributes(a) => {
            format!("accepted={}", a.accepted_event_id)
        }
        _ => String::new(),
    }
}
