//! Merging the results of several load generator processes into one, exactly: histograms are
//! added count by count, series bucket by bucket (aligned on each run's start), counts and
//! errors summed.

use std::collections::BTreeMap;

use super::histogram::add_into;
use super::result::{ErrorCount, MAX_ERROR_LABELS, OTHER_STATUS, RunResult};
use crate::LoadgenError;

/// The most results one merge accepts.
pub const MAX_MERGE_INPUTS: usize = 1_000;

/// Merges `results` into one. The first result's configuration is kept; the target rate and
/// the generators' CPU time are sums (when every result has them); the run counts as
/// interrupted if any part was. Series are aligned on each run's own start, so processes
/// should be started together (as a distributed load test does).
pub fn merge(results: &[RunResult]) -> Result<RunResult, LoadgenError> {
    let (first, rest) = results.split_first().ok_or_else(|| LoadgenError::Merge {
        reason: "no results given".to_owned(),
    })?;
    if results.len() > MAX_MERGE_INPUTS {
        return Err(LoadgenError::Merge {
            reason: format!(
                "{} results given; at most {MAX_MERGE_INPUTS} can be merged at once",
                results.len()
            ),
        });
    }
    let mut merged = first.clone();
    for other in rest {
        merged.processes = merged.processes.saturating_add(other.processes);
        merged.started_at_unix_ms = merged.started_at_unix_ms.min(other.started_at_unix_ms);
        merged.issue_window = merged.issue_window.max(other.issue_window);
        merged.elapsed = merged.elapsed.max(other.elapsed);
        merged.interrupted |= other.interrupted;
        merged.target_rate_per_s = match (merged.target_rate_per_s, other.target_rate_per_s) {
            (Some(mine), Some(theirs)) => Some(mine + theirs),
            _ => None,
        };
        merged.generator_cpu = match (merged.generator_cpu, other.generator_cpu) {
            (Some(mine), Some(theirs)) => Some(mine.plus(theirs)),
            _ => None,
        };
        if merged.correction_interval_us != other.correction_interval_us {
            merged.correction_interval_us = None;
        }
        let counts = &mut merged.counts;
        counts.scheduled += other.counts.scheduled;
        counts.issued += other.counts.issued;
        counts.late += other.counts.late;
        counts.dropped += other.counts.dropped;
        counts.completed += other.counts.completed;
        counts.failed += other.counts.failed;
        counts.unfinished += other.counts.unfinished;
        let histograms = &mut merged.histograms;
        add_into(
            &mut histograms.start_latency_us,
            &other.histograms.start_latency_us,
            "start_latency_us",
        )?;
        add_into(
            &mut histograms.end_to_end_corrected_us,
            &other.histograms.end_to_end_corrected_us,
            "end_to_end_corrected_us",
        )?;
        add_into(
            &mut histograms.end_to_end_uncorrected_us,
            &other.histograms.end_to_end_uncorrected_us,
            "end_to_end_uncorrected_us",
        )?;
        add_into(
            &mut histograms.schedule_lag_us,
            &other.histograms.schedule_lag_us,
            "schedule_lag_us",
        )?;
        histograms.add_update_latency(&other.histograms.update_latency_us)?;
        merged.by_intended.merge_from(&other.by_intended)?;
        merged.by_completion.merge_from(&other.by_completion)?;
        merged.errors = merge_errors(&merged.errors, &other.errors);
    }
    Ok(merged)
}

fn merge_errors(mine: &[ErrorCount], theirs: &[ErrorCount]) -> Vec<ErrorCount> {
    let mut all = BTreeMap::new();
    for error in mine.iter().chain(theirs) {
        let key = (error.phase, error.status.clone());
        let key = if !all.contains_key(&key) && all.len() >= MAX_ERROR_LABELS {
            (error.phase, OTHER_STATUS.to_owned())
        } else {
            key
        };
        *all.entry(key).or_insert(0) += error.count;
    }
    all.into_iter()
        .map(|((phase, status), count)| ErrorCount {
            phase,
            status,
            count,
        })
        .collect()
}
