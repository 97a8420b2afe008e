//! Intervals (`IntervalSpec`): validated as the server's `validateInterval`, stepped as its
//! `nextIntervalTime`, in whole Unix seconds whatever the time zone.

use super::IntervalSpec;

const SECOND_NANOS: i128 = 1_000_000_000;

/// The server's checks, in its order, on signed nanoseconds (a missing phase is 0).
pub(super) fn validate(interval: i128, phase: i128) -> Result<(), String> {
    if interval < SECOND_NANOS {
        Err("interval is too small".to_string())
    } else if phase < 0 {
        Err("phase is negative".to_string())
    } else if phase >= interval {
        Err("phase cannot be greater than Interval".to_string())
    } else {
        Ok(())
    }
}

/// `(interval, phase)` in whole seconds (truncated), the interval at least 1.
pub(super) fn whole_seconds(spec: &IntervalSpec) -> (i64, i64) {
    let secs =
        |duration: std::time::Duration| i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
    (secs(spec.interval).max(1), secs(spec.phase))
}

/// The first `epoch + n × interval + phase` after `after_s`, computed as the server computes it:
/// `((after - phase) / interval + 1) × interval + phase`, with Go's division (toward zero).
pub(super) fn next_after(interval: i64, phase: i64, after_s: i64) -> Option<i64> {
    after_s
        .checked_sub(phase)?
        .checked_div(interval)?
        .checked_add(1)?
        .checked_mul(interval)?
        .checked_add(phase)
}
