//! One test binary for the crate: every file beside this one is a module of it.
//!
//! Each integration-test file used to link its own ~150 MB binary; one binary links once,
//! which keeps a clean build's disk use and link time small on a 2-core CI machine.
//! `scripts/check_test_modules.py` fails if a file here is not declared below.

mod large;
mod malformed;
mod no_panic;
mod normalize;
mod public_histories;
mod python_sdk;
