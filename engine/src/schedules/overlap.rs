//! Which buffered starts run now, which wait and which are dropped, by their overlap policies
//! (the server's `ProcessBuffer`, `service/worker/scheduler/buffer.go`).

use temporalio_protos::temporal::api::enums::v1::ScheduleOverlapPolicy;

use super::BufferedStart;

/// What to do with the buffer.
#[derive(Debug, Default)]
pub(crate) struct Resolution {
    /// ALLOW_ALL starts: they run now, whatever runs.
    pub(crate) overlapping: Vec<BufferedStart>,
    /// The one start that runs now because nothing runs.
    pub(crate) non_overlapping: Option<BufferedStart>,
    /// What stays buffered.
    pub(crate) buffer: Vec<BufferedStart>,
    /// The running workflows are to be canceled or terminated first.
    pub(crate) need_cancel: bool,
    pub(crate) need_terminate: bool,
    /// Starts dropped by SKIP or an overflowing BUFFER_ONE.
    pub(crate) skipped: i64,
}

/// Resolves `buffer` in order. `running`: a workflow the schedule started (not with ALLOW_ALL)
/// is still running; `default`: the schedule's own policy, for starts that name none.
pub(crate) fn resolve(
    buffer: Vec<BufferedStart>,
    running: bool,
    default: ScheduleOverlapPolicy,
) -> Resolution {
    let mut resolution = Resolution::default();
    for start in buffer {
        let policy = match start.overlap {
            ScheduleOverlapPolicy::Unspecified => default,
            policy => policy,
        };
        if policy == ScheduleOverlapPolicy::AllowAll {
            resolution.overlapping.push(start);
            continue;
        }
        if !running && resolution.non_overlapping.is_none() {
            resolution.non_overlapping = Some(start);
            continue;
        }
        match policy {
            ScheduleOverlapPolicy::BufferOne => {
                if resolution.buffer.is_empty() {
                    resolution.buffer.push(start);
                } else {
                    resolution.skipped += 1;
                }
            }
            ScheduleOverlapPolicy::BufferAll => resolution.buffer.push(start),
            ScheduleOverlapPolicy::CancelOther | ScheduleOverlapPolicy::TerminateOther => {
                let cancel = policy == ScheduleOverlapPolicy::CancelOther;
                if running {
                    if cancel {
                        resolution.need_cancel = true;
                    } else {
                        resolution.need_terminate = true;
                    }
                    resolution.buffer.push(start);
                } else {
                    // The newest start replaces the one chosen before it.
                    resolution.non_overlapping = Some(start);
                }
            }
            // SKIP (and anything unknown): dropped and counted.
            _ => resolution.skipped += 1,
        }
    }
    if resolution.need_cancel || resolution.need_terminate {
        resolution.overlapping.clear();
    }
    resolution
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn starts(count: u64) -> Vec<BufferedStart> {
        (0..count)
            .map(|n| {
                let at = SystemTime::UNIX_EPOCH + Duration::from_secs(n);
                BufferedStart {
                    nominal: at,
                    actual: at,
                    overlap: ScheduleOverlapPolicy::Unspecified,
                    manual: false,
                }
            })
            .collect()
    }

    fn summary(resolution: &Resolution) -> (usize, bool, usize, i64, bool, bool) {
        (
            resolution.overlapping.len(),
            resolution.non_overlapping.is_some(),
            resolution.buffer.len(),
            resolution.skipped,
            resolution.need_cancel,
            resolution.need_terminate,
        )
    }

    #[test]
    fn each_policy_with_a_workflow_running() {
        use ScheduleOverlapPolicy::*;
        for (policy, expected) in [
            (Skip, (0, false, 0, 3, false, false)),
            (BufferOne, (0, false, 1, 2, false, false)),
            (BufferAll, (0, false, 3, 0, false, false)),
            (CancelOther, (0, false, 3, 0, true, false)),
            (TerminateOther, (0, false, 3, 0, false, true)),
            (AllowAll, (3, false, 0, 0, false, false)),
        ] {
            let resolution = resolve(starts(3), true, policy);
            assert_eq!(summary(&resolution), expected, "{policy:?}");
        }
    }

    #[test]
    fn with_nothing_running_the_first_start_runs() {
        use ScheduleOverlapPolicy::*;
        for (policy, expected) in [
            (Skip, (0, true, 0, 2, false, false)),
            (BufferOne, (0, true, 1, 1, false, false)),
            (BufferAll, (0, true, 2, 0, false, false)),
            // The newest replaces the one chosen: only the last runs, nothing counted.
            (CancelOther, (0, true, 0, 0, false, false)),
            (TerminateOther, (0, true, 0, 0, false, false)),
        ] {
            let resolution = resolve(starts(3), false, policy);
            assert_eq!(summary(&resolution), expected, "{policy:?}");
        }
        let replaced = resolve(starts(3), false, CancelOther);
        assert_eq!(
            replaced.non_overlapping.map(|start| start.nominal),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(2))
        );
    }
}
