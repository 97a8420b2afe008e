//! One test binary for the crate: every file beside this one is a module of it.
//!
//! Each integration-test file used to link its own ~150 MB binary; one binary links once,
//! which keeps a clean build's disk use and link time small on a 2-core CI machine.
//! `scripts/check_test_modules.py` fails if a file here is not declared below.

#[cfg(feature = "temporal")]
mod temporal_common;

mod coordinated_omission;
mod executor;
mod properties;
mod report;
mod report_history_latency;
mod report_update_latency;
#[cfg(feature = "temporal")]
mod temporal_coordinated_omission;
#[cfg(feature = "temporal")]
mod temporal_rate;
#[cfg(feature = "temporal")]
mod temporal_signals;
#[cfg(feature = "temporal")]
mod temporal_updates;
