//! Latencies read from workflow histories after a run: what the server recorded, rather than
//! what the load generator saw. Filled by the Temporal target's history sampling.

use hdrhistogram::Histogram;

use super::histogram::{add_into, latency_histogram};
use crate::LoadgenError;

/// Schedule-to-start latencies of a sample of workflow histories, in microseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLatencies {
    /// Histories asked for.
    pub sampled: u64,
    /// Histories read (the others could not be read in time, or at all).
    pub read: u64,
    /// Workflow task started − scheduled: how long workflow tasks waited for a worker.
    pub workflow_task_schedule_to_start_us: Histogram<u64>,
    /// Activity task started − scheduled: how long activity tasks waited for a worker.
    pub activity_schedule_to_start_us: Histogram<u64>,
}

impl Default for HistoryLatencies {
    fn default() -> Self {
        HistoryLatencies {
            sampled: 0,
            read: 0,
            workflow_task_schedule_to_start_us: latency_histogram(),
            activity_schedule_to_start_us: latency_histogram(),
        }
    }
}

impl HistoryLatencies {
    /// Adds `other` (another process's sample) into this one, exactly.
    pub fn merge_from(&mut self, other: &HistoryLatencies) -> Result<(), LoadgenError> {
        self.sampled = self.sampled.saturating_add(other.sampled);
        self.read = self.read.saturating_add(other.read);
        add_into(
            &mut self.workflow_task_schedule_to_start_us,
            &other.workflow_task_schedule_to_start_us,
            "workflow_task_schedule_to_start_us",
        )?;
        add_into(
            &mut self.activity_schedule_to_start_us,
            &other.activity_schedule_to_start_us,
            "activity_schedule_to_start_us",
        )
    }
}
