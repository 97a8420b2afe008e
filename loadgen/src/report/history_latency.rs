//! The `history_latency` section of a report: schedule-to-start latencies read from a sample
//! of workflow histories after the run (Temporal target only; absent otherwise).

use serde::{Deserialize, Serialize};

use crate::LoadgenError;
use crate::measure::{EncodedHistogram, HistoryLatencies, Percentiles};

/// Schedule-to-start latencies from sampled histories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryLatencyReport {
    /// Histories asked for.
    pub sampled: u64,
    /// Histories read.
    pub read: u64,
    /// Workflow task started − scheduled.
    pub workflow_task_schedule_to_start_us: Percentiles,
    /// Activity task started − scheduled (empty for workflows without activities).
    pub activity_schedule_to_start_us: Percentiles,
    /// The histograms, encoded, so that merged reports add them exactly.
    pub histograms: HistoryLatencyHistograms,
}

/// The encoded histograms of [`HistoryLatencyReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryLatencyHistograms {
    /// Workflow task schedule-to-start.
    pub workflow_task_schedule_to_start_us: EncodedHistogram,
    /// Activity schedule-to-start.
    pub activity_schedule_to_start_us: EncodedHistogram,
}

impl HistoryLatencyReport {
    /// The report section of `latencies`.
    pub fn from_latencies(latencies: &HistoryLatencies) -> Result<Self, LoadgenError> {
        Ok(HistoryLatencyReport {
            sampled: latencies.sampled,
            read: latencies.read,
            workflow_task_schedule_to_start_us: Percentiles::of(
                &latencies.workflow_task_schedule_to_start_us,
            ),
            activity_schedule_to_start_us: Percentiles::of(
                &latencies.activity_schedule_to_start_us,
            ),
            histograms: HistoryLatencyHistograms {
                workflow_task_schedule_to_start_us: EncodedHistogram::encode(
                    &latencies.workflow_task_schedule_to_start_us,
                )?,
                activity_schedule_to_start_us: EncodedHistogram::encode(
                    &latencies.activity_schedule_to_start_us,
                )?,
            },
        })
    }

    /// The latencies this section holds, histograms decoded.
    pub fn to_latencies(&self) -> Result<HistoryLatencies, LoadgenError> {
        Ok(HistoryLatencies {
            sampled: self.sampled,
            read: self.read,
            workflow_task_schedule_to_start_us: self
                .histograms
                .workflow_task_schedule_to_start_us
                .decode("workflow_task_schedule_to_start_us")?,
            activity_schedule_to_start_us: self
                .histograms
                .activity_schedule_to_start_us
                .decode("activity_schedule_to_start_us")?,
        })
    }
}

/// The merged section of several reports; `None` when none has one.
pub(crate) fn merge_history_latency(
    sections: impl IntoIterator<Item = Option<HistoryLatencyReport>>,
) -> Result<Option<HistoryLatencyReport>, LoadgenError> {
    let mut merged: Option<HistoryLatencies> = None;
    for section in sections.into_iter().flatten() {
        let latencies = section.to_latencies()?;
        match &mut merged {
            Some(total) => total.merge_from(&latencies)?,
            None => merged = Some(latencies),
        }
    }
    merged
        .as_ref()
        .map(HistoryLatencyReport::from_latencies)
        .transpose()
}
