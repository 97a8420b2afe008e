//! After a run: read the histories of sampled workflows and measure what only the server
//! sees, from event timestamps:
//!
//! - workflow-task schedule-to-start: `WorkflowTaskStarted − WorkflowTaskScheduled`, how long
//!   workflow tasks waited in the task queue for a worker;
//! - activity schedule-to-start: `ActivityTaskStarted − ActivityTaskScheduled`, the same for
//!   activity tasks.
//!
//! Rising schedule-to-start under load means the workers (not the server) are the bottleneck.

use std::collections::BTreeMap;
use std::time::Duration;

use temporalio_client::Connection;
use temporalio_client::grpc::WorkflowService;
use temporalio_client::tonic::Request;
use temporalio_protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_protos::temporal::api::history::v1::HistoryEvent;
use temporalio_protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_protos::temporal::api::workflowservice::v1::GetWorkflowExecutionHistoryRequest;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::sample::SampledExecution;
use crate::measure::{HistoryLatencies, record_duration};

/// The most histories one call reads.
pub const MAX_SAMPLE_SIZE: usize = 10_000;
/// Histories read at once: enough to finish 200 in a second or two, few enough not to load a
/// production cluster that was just load-tested.
const CONCURRENT_READS: usize = 8;
/// The most history pages read per workflow; load workflows have one or two.
const MAX_PAGES: usize = 100;
/// Deadline of one page read.
const PAGE_DEADLINE: Duration = Duration::from_secs(30);

/// Reads the histories of `sampled` (at most [`MAX_SAMPLE_SIZE`]) within `budget` and
/// measures their schedule-to-start latencies. Histories that cannot be read in time, or at
/// all, are left out and counted (`sampled − read`); this never fails the run.
pub async fn sample_latencies(
    connection: &Connection,
    namespace: &str,
    sampled: &[SampledExecution],
    budget: Duration,
) -> HistoryLatencies {
    let deadline = Instant::now() + budget;
    let sampled = &sampled[..sampled.len().min(MAX_SAMPLE_SIZE)];
    let mut latencies = HistoryLatencies {
        sampled: u64::try_from(sampled.len()).unwrap_or(u64::MAX),
        ..HistoryLatencies::default()
    };
    let mut pending = sampled.iter();
    let mut reads = JoinSet::new();
    // Each pass starts reads up to the limit and joins one; both sets only shrink, so it ends.
    loop {
        while reads.len() < CONCURRENT_READS {
            let Some(execution) = pending.next() else {
                break;
            };
            let connection = connection.clone();
            let namespace = namespace.to_owned();
            let execution = execution.clone();
            reads.spawn(async move { read_events(&connection, &namespace, &execution).await });
        }
        let joined = tokio::select! {
            joined = reads.join_next() => joined,
            () = tokio::time::sleep_until(deadline) => break,
        };
        match joined {
            Some(Ok(Some(events))) => {
                latencies.read += 1;
                measure(&events, &mut latencies);
            }
            Some(Ok(None) | Err(_)) => {}
            None => break,
        }
    }
    reads.abort_all();
    latencies
}

/// Every event of one run, or `None` when it cannot be read.
async fn read_events(
    connection: &Connection,
    namespace: &str,
    execution: &SampledExecution,
) -> Option<Vec<HistoryEvent>> {
    let mut events = Vec::new();
    let mut next_page_token = Vec::new();
    for _ in 0..MAX_PAGES {
        let mut request = Request::new(GetWorkflowExecutionHistoryRequest {
            namespace: namespace.to_owned(),
            execution: Some(WorkflowExecution {
                workflow_id: execution.workflow_id.clone(),
                run_id: execution.run_id.clone(),
            }),
            next_page_token,
            skip_archival: true,
            ..GetWorkflowExecutionHistoryRequest::default()
        });
        request.set_timeout(PAGE_DEADLINE);
        let page = connection
            .clone()
            .get_workflow_execution_history(request)
            .await
            .ok()?
            .into_inner();
        events.extend(
            page.history
                .map(|history| history.events)
                .unwrap_or_default(),
        );
        if page.next_page_token.is_empty() {
            return Some(events);
        }
        next_page_token = page.next_page_token;
    }
    // A history longer than the page limit is measured on the pages read.
    Some(events)
}

/// Adds the schedule-to-start latencies of one history to `latencies`.
pub(crate) fn measure(events: &[HistoryEvent], latencies: &mut HistoryLatencies) {
    // Scheduled events by id, with their times in microseconds since the epoch.
    let mut scheduled: BTreeMap<i64, i128> = BTreeMap::new();
    for event in events {
        let Some(at_us) = event_time_us(event) else {
            continue;
        };
        match &event.attributes {
            Some(
                Attributes::WorkflowTaskScheduledEventAttributes(_)
                | Attributes::ActivityTaskScheduledEventAttributes(_),
            ) => {
                scheduled.insert(event.event_id, at_us);
            }
            Some(Attributes::WorkflowTaskStartedEventAttributes(started)) => {
                if let Some(wait) = waited(&scheduled, started.scheduled_event_id, at_us) {
                    record_duration(&mut latencies.workflow_task_schedule_to_start_us, wait);
                }
            }
            Some(Attributes::ActivityTaskStartedEventAttributes(started)) => {
                if let Some(wait) = waited(&scheduled, started.scheduled_event_id, at_us) {
                    record_duration(&mut latencies.activity_schedule_to_start_us, wait);
                }
            }
            _ => {}
        }
    }
}

/// From the scheduled event `scheduled_id` to `started_us`; `None` when the scheduled event is
/// unknown or the clock went backwards.
fn waited(
    scheduled: &BTreeMap<i64, i128>,
    scheduled_id: i64,
    started_us: i128,
) -> Option<Duration> {
    let from_us = *scheduled.get(&scheduled_id)?;
    let wait_us = u64::try_from(started_us - from_us).ok()?;
    Some(Duration::from_micros(wait_us))
}

fn event_time_us(event: &HistoryEvent) -> Option<i128> {
    let time = event.event_time.as_ref()?;
    Some(i128::from(time.seconds) * 1_000_000 + i128::from(time.nanos) / 1_000)
}

#[cfg(test)]
mod tests {
    use temporalio_protos::temporal::api::history::v1::{
        ActivityTaskScheduledEventAttributes, ActivityTaskStartedEventAttributes,
        WorkflowTaskScheduledEventAttributes, WorkflowTaskStartedEventAttributes,
    };

    use super::*;

    fn event(id: i64, at_ms: i64, attributes: Attributes) -> HistoryEvent {
        let mut event = HistoryEvent {
            event_id: id,
            event_time: Some(Default::default()),
            attributes: Some(attributes),
            ..HistoryEvent::default()
        };
        if let Some(time) = event.event_time.as_mut() {
            time.seconds = at_ms / 1_000;
            time.nanos = i32::try_from((at_ms % 1_000) * 1_000_000).unwrap_or(0);
        }
        event
    }

    #[test]
    fn schedule_to_start_comes_from_matching_events() {
        let events = [
            event(
                2,
                1_000,
                Attributes::WorkflowTaskScheduledEventAttributes(
                    WorkflowTaskScheduledEventAttributes::default(),
                ),
            ),
            event(
                3,
                1_250,
                Attributes::WorkflowTaskStartedEventAttributes(
                    WorkflowTaskStartedEventAttributes {
                        scheduled_event_id: 2,
                        ..WorkflowTaskStartedEventAttributes::default()
                    },
                ),
            ),
            event(
                5,
                2_000,
                Attributes::ActivityTaskScheduledEventAttributes(
                    ActivityTaskScheduledEventAttributes::default(),
                ),
            ),
            event(
                6,
                2_040,
                Attributes::ActivityTaskStartedEventAttributes(
                    ActivityTaskStartedEventAttributes {
                        scheduled_event_id: 5,
                        ..ActivityTaskStartedEventAttributes::default()
                    },
                ),
            ),
            // Started before it was scheduled (a skewed clock): left out.
            event(
                7,
                1_900,
                Attributes::ActivityTaskStartedEventAttributes(
                    ActivityTaskStartedEventAttributes {
                        scheduled_event_id: 5,
                        ..ActivityTaskStartedEventAttributes::default()
                    },
                ),
            ),
        ];
        let mut latencies = HistoryLatencies::default();
        measure(&events, &mut latencies);
        let workflow_tasks = &latencies.workflow_task_schedule_to_start_us;
        assert_eq!(workflow_tasks.len(), 1);
        assert_eq!(workflow_tasks.value_at_quantile(1.0) / 1_000, 250);
        let activities = &latencies.activity_schedule_to_start_us;
        assert_eq!(activities.len(), 1);
        assert_eq!(activities.value_at_quantile(1.0) / 1_000, 40);
    }
}
