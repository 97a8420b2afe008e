//! A workflow's retry policy, as the server reads and applies it: the defaults it fills in
//! (`EnsureDefaults`), what it refuses (`retrypolicy.Validate`), and the backoff before the next
//! attempt of a failed or timed-out run (`getBackoffInterval`).

use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::common::v1::RetryPolicy;
use temporalio_protos::temporal::api::enums::v1::{RetryState, TimeoutType};
use temporalio_protos::temporal::api::failure::v1::Failure;
use temporalio_protos::temporal::api::failure::v1::failure::FailureInfo;

use crate::time::{duration, nonzero_duration, proto_duration};

/// The server's default first retry interval.
const DEFAULT_INITIAL_INTERVAL: Duration = Duration::from_secs(1);
/// The default maximum interval is this many initial intervals.
const DEFAULT_MAXIMUM_INTERVAL_FACTOR: u32 = 100;
const DEFAULT_BACKOFF_COEFFICIENT: f64 = 2.0;
/// A non-retryable error type that names a timeout: `TemporalTimeout:START_TO_CLOSE`.
const TIMEOUT_TYPE_PREFIX: &str = "TemporalTimeout:";

/// Fills the unset fields of a workflow's retry policy with the server's defaults, then checks
/// it. No policy stays no policy: the workflow is not retried. The error is the server's
/// message.
pub(crate) fn with_defaults(policy: Option<RetryPolicy>) -> Result<Option<RetryPolicy>, String> {
    let Some(mut policy) = policy else {
        return Ok(None);
    };
    let initial =
        nonzero_duration(policy.initial_interval.as_ref()).unwrap_or(DEFAULT_INITIAL_INTERVAL);
    if nonzero_duration(policy.initial_interval.as_ref()).is_none() {
        policy.initial_interval = Some(proto_duration(initial));
    }
    if nonzero_duration(policy.maximum_interval.as_ref()).is_none() {
        policy.maximum_interval = Some(proto_duration(initial * DEFAULT_MAXIMUM_INTERVAL_FACTOR));
    }
    if policy.backoff_coefficient == 0.0 {
        policy.backoff_coefficient = DEFAULT_BACKOFF_COEFFICIENT;
    }
    validate(&policy)?;
    Ok(Some(policy))
}

fn validate(policy: &RetryPolicy) -> Result<(), String> {
    // One attempt disables retries: the rest does not matter.
    if policy.maximum_attempts == 1 {
        return Ok(());
    }
    for (name, value) in [
        ("InitialInterval", &policy.initial_interval),
        ("MaximumInterval", &policy.maximum_interval),
    ] {
        if let Some(d) = value
            && (d.seconds < 0 || d.nanos < 0)
        {
            return Err(format!(
                "invalid {name} set on retry policy: negative duration"
            ));
        }
    }
    if policy.backoff_coefficient < 1.0 {
        return Err("BackoffCoefficient cannot be less than 1 on retry policy.".to_string());
    }
    let initial = duration(policy.initial_interval.as_ref()).unwrap_or_default();
    if let Some(maximum) = nonzero_duration(policy.maximum_interval.as_ref())
        && maximum < initial
    {
        return Err("MaximumInterval cannot be less than InitialInterval on retry policy.".into());
    }
    if policy.maximum_attempts < 0 {
        return Err("MaximumAttempts cannot be negative on retry policy.".to_string());
    }
    for name in &policy.non_retryable_error_types {
        if let Some(timeout) = name.strip_prefix(TIMEOUT_TYPE_PREFIX)
            && TimeoutType::from_str_name(&format!("TIMEOUT_TYPE_{timeout}"))
                .is_none_or(|t| t == TimeoutType::Unspecified)
        {
            return Err(format!("Invalid timeout type value: {timeout}."));
        }
    }
    Ok(())
}

/// After attempt `attempt` failed with `failure` (`None`: the server has no failure to look
/// at), the wait before the next attempt, or why there is none. `expiration` is the workflow
/// execution's deadline, which no attempt may start after.
pub(crate) fn next_attempt(
    policy: &RetryPolicy,
    attempt: i32,
    failure: Option<&Failure>,
    now: SystemTime,
    expiration: Option<SystemTime>,
) -> Result<Duration, RetryState> {
    if !retryable(failure, &policy.non_retryable_error_types) {
        return Err(RetryState::NonRetryableFailure);
    }
    // The failure may ask for its own delay (ApplicationFailure's next_retry_delay).
    let requested_delay = match failure.and_then(|f| f.failure_info.as_ref()) {
        Some(FailureInfo::ApplicationFailureInfo(info)) => duration(info.next_retry_delay.as_ref()),
        _ => None,
    };
    let attempt = attempt.max(1);
    if policy.maximum_attempts > 0 && attempt >= policy.maximum_attempts {
        return Err(RetryState::MaximumAttemptsReached);
    }
    let maximum = nonzero_duration(policy.maximum_interval.as_ref());
    let interval = match requested_delay {
        Some(delay) => Some(delay),
        None => exponential(policy, attempt),
    };
    let interval = match (interval, maximum) {
        // An interval too large to hold, with no maximum to cap it: the server gives up.
        (None, None) => return Err(RetryState::Timeout),
        (Some(interval), None) if interval.is_zero() => return Err(RetryState::Timeout),
        (Some(interval), Some(maximum)) if interval.is_zero() || interval > maximum => maximum,
        (None, Some(maximum)) => maximum,
        (Some(interval), _) => interval,
    };
    if let Some(expiration) = expiration
        && now + interval > expiration
    {
        return Err(RetryState::Timeout);
    }
    Ok(interval)
}

/// initial × coefficient^(attempt − 1), in whole nanoseconds; `None` when it overflows.
fn exponential(policy: &RetryPolicy, attempt: i32) -> Option<Duration> {
    let initial = duration(policy.initial_interval.as_ref()).unwrap_or_default();
    let nanos = initial.as_nanos() as f64 * policy.backoff_coefficient.powi(attempt - 1);
    if !nanos.is_finite() || nanos >= i64::MAX as f64 {
        return None;
    }
    Some(Duration::from_nanos(nanos.max(0.0) as u64))
}

/// The server's `IsRetryableFailure`.
fn retryable(failure: Option<&Failure>, non_retryable_types: &[String]) -> bool {
    let Some(info) = failure.and_then(|f| f.failure_info.as_ref()) else {
        return true;
    };
    match info {
        FailureInfo::TerminatedFailureInfo(_) | FailureInfo::CanceledFailureInfo(_) => false,
        FailureInfo::TimeoutFailureInfo(timeout) => {
            let kind = TimeoutType::try_from(timeout.timeout_type).unwrap_or_default();
            matches!(kind, TimeoutType::StartToClose | TimeoutType::Heartbeat)
                && !non_retryable_types
                    .iter()
                    .any(|name| *name == format!("{TIMEOUT_TYPE_PREFIX}{}", timeout_name(kind)))
        }
        FailureInfo::ServerFailureInfo(server) => !server.non_retryable,
        FailureInfo::ApplicationFailureInfo(application) => {
            !application.non_retryable && !non_retryable_types.contains(&application.r#type)
        }
        _ => true,
    }
}

/// `START_TO_CLOSE` for `TimeoutType::StartToClose`.
fn timeout_name(kind: TimeoutType) -> &'static str {
    kind.as_str_name()
        .strip_prefix("TIMEOUT_TYPE_")
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use temporalio_protos::temporal::api::failure::v1::{
        ApplicationFailureInfo, TimeoutFailureInfo,
    };

    fn policy(initial_s: u64, coefficient: f64, maximum_s: u64, attempts: i32) -> RetryPolicy {
        RetryPolicy {
            initial_interval: Some(proto_duration(Duration::from_secs(initial_s))),
            backoff_coefficient: coefficient,
            maximum_interval: Some(proto_duration(Duration::from_secs(maximum_s))),
            maximum_attempts: attempts,
            non_retryable_error_types: Vec::new(),
        }
    }

    fn application(kind: &str, non_retryable: bool) -> Failure {
        Failure {
            failure_info: Some(FailureInfo::ApplicationFailureInfo(
                ApplicationFailureInfo {
                    r#type: kind.to_string(),
                    non_retryable,
                    ..ApplicationFailureInfo::default()
                },
            )),
            ..Failure::default()
        }
    }

    #[test]
    fn defaults_fill_what_is_unset_and_nothing_else() {
        let filled = with_defaults(Some(RetryPolicy {
            maximum_attempts: 3,
            ..RetryPolicy::default()
        }))
        .expect("valid")
        .expect("kept");
        assert_eq!(filled, policy(1, 2.0, 100, 3));
        let custom = with_defaults(Some(RetryPolicy {
            initial_interval: Some(proto_duration(Duration::from_secs(5))),
            ..RetryPolicy::default()
        }))
        .expect("valid")
        .expect("kept");
        assert_eq!(custom, policy(5, 2.0, 500, 0));
        assert_eq!(with_defaults(None), Ok(None));
    }

    #[test]
    fn bad_policies_get_the_servers_words() {
        let refused = |p: RetryPolicy| with_defaults(Some(p)).expect_err("refused");
        assert_eq!(
            refused(policy(1, 0.5, 10, 0)),
            "BackoffCoefficient cannot be less than 1 on retry policy."
        );
        assert_eq!(
            refused(policy(10, 2.0, 5, 0)),
            "MaximumInterval cannot be less than InitialInterval on retry policy."
        );
        assert_eq!(
            refused(policy(1, 2.0, 10, -1)),
            "MaximumAttempts cannot be negative on retry policy."
        );
        let mut bad_timeout = policy(1, 2.0, 10, 0);
        bad_timeout.non_retryable_error_types = vec!["TemporalTimeout:SOON".to_string()];
        assert_eq!(refused(bad_timeout), "Invalid timeout type value: SOON.");
        // One attempt: nothing else is checked.
        assert!(with_defaults(Some(policy(10, 0.5, 5, 1))).is_ok());
    }

    #[test]
    fn backoff_grows_to_the_maximum_and_stops_at_the_attempt_limit() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let p = policy(1, 2.0, 5, 5);
        let waits: Vec<_> = (1..=5)
            .map(|attempt| next_attempt(&p, attempt, None, now, None))
            .collect();
        assert_eq!(
            waits,
            [
                Ok(Duration::from_secs(1)),
                Ok(Duration::from_secs(2)),
                Ok(Duration::from_secs(4)),
                Ok(Duration::from_secs(5)),
                Err(RetryState::MaximumAttemptsReached),
            ]
        );
        // No attempt may start after the execution's deadline.
        let deadline = Some(now + Duration::from_secs(3));
        assert_eq!(
            next_attempt(&p, 3, None, now, deadline),
            Err(RetryState::Timeout)
        );
    }

    #[test]
    fn which_failures_are_retried() {
        let now = SystemTime::UNIX_EPOCH;
        let mut p = policy(1, 2.0, 10, 0);
        p.non_retryable_error_types =
            vec!["Fatal".to_string(), "TemporalTimeout:HEARTBEAT".to_string()];
        let retried = |failure: &Failure| next_attempt(&p, 1, Some(failure), now, None).is_ok();
        assert!(retried(&application("Transient", false)));
        assert!(!retried(&application("Transient", true)));
        assert!(!retried(&application("Fatal", false)));
        let timeout = |kind: TimeoutType| Failure {
            failure_info: Some(FailureInfo::TimeoutFailureInfo(TimeoutFailureInfo {
                timeout_type: kind as i32,
                last_heartbeat_details: None,
            })),
            ..Failure::default()
        };
        assert!(retried(&timeout(TimeoutType::StartToClose)));
        assert!(!retried(&timeout(TimeoutType::Heartbeat)));
        assert!(!retried(&timeout(TimeoutType::ScheduleToClose)));
        // A failure that names its own delay gets it.
        let mut delayed = application("Transient", false);
        if let Some(FailureInfo::ApplicationFailureInfo(info)) = &mut delayed.failure_info {
            info.next_retry_delay = Some(proto_duration(Duration::from_secs(7)));
        }
        assert_eq!(
            next_attempt(&p, 4, Some(&delayed), now, None),
            Ok(Duration::from_secs(7))
        );
    }
}
