//! One test binary for the crate: every file beside this one is a module of it.
//!
//! Each integration-test file used to link its own ~150 MB binary; one binary links once,
//! which keeps a clean build's disk use and link time small on a 2-core CI machine.
//! `scripts/check_test_modules.py` fails if a file here is not declared below.

mod common;

mod fuzz_cli;
mod history_cli;
mod history_pull;
mod load_cli;
mod load_http;
mod load_tls;
mod load_update;
mod replay_python;
mod replay_rust_worker;
mod replay_shadow;
mod replay_versions_python;
mod report_merge;
mod serve;
mod test_server_python;
mod test_server_typescript;
