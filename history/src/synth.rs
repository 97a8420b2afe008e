//! Synthetic histories of any size, for benchmarks and large-input tests.
//!
//! The shape is a real one: a workflow that runs activities one after another, each with an
//! input and a result payload, so every event type a long-running workflow writes most is
//! present, with realistic fields.

use std::io::{self, Write};

use base64::Engine;

/// Events written per activity round: a workflow task (3 events) and an activity (3 events).
const EVENTS_PER_ROUND: usize = 6;

/// Writes a valid canonical-JSON history of exactly `events` events (at least 4) whose activity
/// payloads carry `payload_bytes` bytes each. Returns the number of bytes written.
pub fn write_synthetic_json<W: Write>(
    out: &mut W,
    events: usize,
    payload_bytes: usize,
) -> io::Result<u64> {
    let events = events.max(4);
    let mut writer = Counting {
        inner: out,
        bytes: 0,
    };
    let payload_text = "x".repeat(payload_bytes.saturating_sub(2));
    let payload = base64::engine::general_purpose::STANDARD.encode(format!("\"{payload_text}\""));
    let encoding = base64::engine::general_purpose::STANDARD.encode("json/plain");
    writer.write_all(b"{\"events\":[")?;
    let mut id = 1usize;
    let time = |id: usize| {
        format!(
            "2024-01-01T00:{:02}:{:02}.{:09}Z",
            (id / 60_000) % 60,
            (id / 1000) % 60,
            id % 1000
        )
    };
    write!(
        writer,
        "{{\"eventId\":\"1\",\"eventTime\":\"{}\",\"eventType\":\"EVENT_TYPE_WORKFLOW_EXECUTION_STARTED\",\"taskId\":\"1048576\",\
         \"workflowExecutionStartedEventAttributes\":{{\"workflowType\":{{\"name\":\"SyntheticWorkflow\"}},\
         \"taskQueue\":{{\"name\":\"synthetic\",\"kind\":\"TASK_QUEUE_KIND_NORMAL\"}},\
         \"input\":{{\"payloads\":[{{\"metadata\":{{\"encoding\":\"{encoding}\"}},\"data\":\"{payload}\"}}]}},\
         \"workflowExecutionTimeout\":\"0s\",\"workflowRunTimeout\":\"0s\",\"workflowTaskTimeout\":\"10s\",\
         \"originalExecutionRunId\":\"5d3c1c4e-0000-4000-8000-000000000001\",\"identity\":\"synthetic@wfkit\",\
         \"firstExecutionRunId\":\"5d3c1c4e-0000-4000-8000-000000000001\",\"attempt\":1,\"firstWorkflowTaskBackoff\":\"0s\"}}}}",
        time(1)
    )?;
    // Rounds of [WT scheduled, started, completed, activity scheduled, started, completed] until
    // three events are left, then a final workflow task's first two events and the close event.
    while id + EVENTS_PER_ROUND + 4 <= events {
        let scheduled = id + 1;
        write_workflow_task(&mut writer, scheduled, &time)?;
        let completed = scheduled + 2;
        let activity = completed + 1;
        write!(
            writer,
            ",{{\"eventId\":\"{activity}\",\"eventTime\":\"{}\",\"eventType\":\"EVENT_TYPE_ACTIVITY_TASK_SCHEDULED\",\"taskId\":\"{}\",\
             \"activityTaskScheduledEventAttributes\":{{\"activityId\":\"{activity}\",\"activityType\":{{\"name\":\"Step\"}},\
             \"taskQueue\":{{\"name\":\"synthetic\",\"kind\":\"TASK_QUEUE_KIND_NORMAL\"}},\"header\":{{}},\
             \"input\":{{\"payloads\":[{{\"metadata\":{{\"encoding\":\"{encoding}\"}},\"data\":\"{payload}\"}}]}},\
             \"scheduleToCloseTimeout\":\"0s\",\"scheduleToStartTimeout\":\"0s\",\"startToCloseTimeout\":\"10s\",\"heartbeatTimeout\":\"0s\",\
             \"workflowTaskCompletedEventId\":\"{completed}\",\
             \"retryPolicy\":{{\"initialInterval\":\"1s\",\"backoffCoefficient\":2,\"maximumInterval\":\"100s\"}}}}}}",
            time(activity),
            1_048_576 + activity
        )?;
        write!(
            writer,
            ",{{\"eventId\":\"{}\",\"eventTime\":\"{}\",\"eventType\":\"EVENT_TYPE_ACTIVITY_TASK_STARTED\",\"taskId\":\"{}\",\
             \"activityTaskStartedEventAttributes\":{{\"scheduledEventId\":\"{activity}\",\"identity\":\"synthetic@wfkit\",\
             \"requestId\":\"8f0e5b52-0000-4000-8000-{activity:012}\",\"attempt\":1}}}}",
            activity + 1,
            time(activity + 1),
            1_048_576 + activity + 1
        )?;
        write!(
            writer,
            ",{{\"eventId\":\"{}\",\"eventTime\":\"{}\",\"eventType\":\"EVENT_TYPE_ACTIVITY_TASK_COMPLETED\",\"taskId\":\"{}\",\
             \"activityTaskCompletedEventAttributes\":{{\"result\":{{\"payloads\":[{{\"metadata\":{{\"encoding\":\"{encoding}\"}},\"data\":\"{payload}\"}}]}},\
             \"scheduledEventId\":\"{activity}\",\"startedEventId\":\"{}\",\"identity\":\"synthetic@wfkit\"}}}}",
            activity + 2,
            time(activity + 2),
            1_048_576 + activity + 2,
            activity + 1
        )?;
        id = activity + 2;
    }
    // Pad with signals so the count is exact, then the final workflow task and the close event.
    while id + 4 < events {
        id += 1;
        write!(
            writer,
            ",{{\"eventId\":\"{id}\",\"eventTime\":\"{}\",\"eventType\":\"EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED\",\"taskId\":\"{}\",\
             \"workflowExecutionSignaledEventAttributes\":{{\"signalName\":\"pad\",\"identity\":\"synthetic@wfkit\"}}}}",
            time(id),
            1_048_576 + id
        )?;
    }
    let scheduled = id + 1;
    write_workflow_task(&mut writer, scheduled, &time)?;
    let close = scheduled + 3;
    write!(
        writer,
        ",{{\"eventId\":\"{close}\",\"eventTime\":\"{}\",\"eventType\":\"EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED\",\"taskId\":\"{}\",\
         \"workflowExecutionCompletedEventAttributes\":{{\"workflowTaskCompletedEventId\":\"{}\"}}}}",
        time(close),
        1_048_576 + close,
        scheduled + 2
    )?;
    writer.write_all(b"]}\n")?;
    writer.flush()?;
    Ok(writer.bytes)
}

fn write_workflow_task<W: Write>(
    writer: &mut W,
    scheduled: usize,
    time: &dyn Fn(usize) -> String,
) -> io::Result<()> {
    write!(
        writer,
        ",{{\"eventId\":\"{scheduled}\",\"eventTime\":\"{}\",\"eventType\":\"EVENT_TYPE_WORKFLOW_TASK_SCHEDULED\",\"taskId\":\"{}\",\
         \"workflowTaskScheduledEventAttributes\":{{\"taskQueue\":{{\"name\":\"synthetic\",\"kind\":\"TASK_QUEUE_KIND_NORMAL\"}},\
         \"startToCloseTimeout\":\"10s\",\"attempt\":1}}}}",
        time(scheduled),
        1_048_576 + scheduled
    )?;
    write!(
        writer,
        ",{{\"eventId\":\"{}\",\"eventTime\":\"{}\",\"eventType\":\"EVENT_TYPE_WORKFLOW_TASK_STARTED\",\"taskId\":\"{}\",\
         \"workflowTaskStartedEventAttributes\":{{\"scheduledEventId\":\"{scheduled}\",\"identity\":\"synthetic@wfkit\",\
         \"requestId\":\"1b2c3d4e-0000-4000-8000-{scheduled:012}\",\"historySizeBytes\":\"{}\"}}}}",
        scheduled + 1,
        time(scheduled + 1),
        1_048_576 + scheduled + 1,
        scheduled * 500
    )?;
    write!(
        writer,
        ",{{\"eventId\":\"{}\",\"eventTime\":\"{}\",\"eventType\":\"EVENT_TYPE_WORKFLOW_TASK_COMPLETED\",\"taskId\":\"{}\",\
         \"workflowTaskCompletedEventAttributes\":{{\"scheduledEventId\":\"{scheduled}\",\"startedEventId\":\"{}\",\
         \"identity\":\"synthetic@wfkit\",\"sdkMetadata\":{{\"langUsedFlags\":[1,2]}},\"meteringMetadata\":{{}}}}}}",
        scheduled + 2,
        time(scheduled + 2),
        1_048_576 + scheduled + 2,
        scheduled + 1
    )
}

struct Counting<'w, W: Write> {
    inner: &'w mut W,
    bytes: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
