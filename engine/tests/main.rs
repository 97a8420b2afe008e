//! One test binary for the crate: every file beside this one is a module of it.
//!
//! Each integration-test file used to link its own ~150 MB binary; one binary links once,
//! which keeps a clean build's disk use and link time small on a 2-core CI machine.
//! `scripts/check_test_modules.py` fails if a file here is not declared below.

mod atomic_requests;
mod canned;
mod compression;
mod conformance;
mod cron_and_retry;
mod errors;
mod protocol_edges;
mod python_conformance;
mod python_schedules;
mod query_deadlines;
mod scenarios;
mod schedules;
mod time_skipping;
mod typescript_conformance;
mod virtual_time;
