//! Workflows with planted bugs, and their corrected versions, written with the official Rust
//! SDK: the fuzzer must find each bug with a plan of one or two faults, and pass the corrected
//! version with the same number of cases.
//!
//! - `saga`: a booking saga that skips cancelling the car when the hotel booking fails after
//!   its retries (it only compensates non-retryable rejections).
//! - `carrier`: a shipping workflow that picks its carrier with the worker's random number
//!   generator instead of the workflow's deterministic one, so a worker crash (or cache
//!   eviction) makes replay choose another carrier.
//! - `payment`: a payment workflow whose charge activity is not idempotent, so a lost response
//!   (or a second delivery) charges the card twice.
// The SDK macros generate `pub` items inside these modules.
#![allow(unreachable_pub, dead_code, missing_docs)]

pub mod carrier;
pub mod payment;
pub mod saga;

use std::time::Duration;

use temporalio_common::RetryPolicy;
use temporalio_sdk::ActivityOptions;

/// Options of every planted activity: 10 s to run, retried after 1 s, at most `attempts`
/// attempts.
pub fn activity_options(attempts: u32) -> ActivityOptions {
    ActivityOptions::with_start_to_close_timeout(Duration::from_secs(10))
        .retry_policy(
            RetryPolicy::builder()
                .initial_interval(Duration::from_secs(1))
                .backoff_coefficient(2.0)
                .maximum_interval(Duration::from_secs(10))
                .maximum_attempts(attempts)
                .build(),
        )
        .build()
}
