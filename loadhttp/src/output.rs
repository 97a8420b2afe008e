//! The report of an HTTP run: wfkit-loadgen's report format (`report.json`, `summary.md`,
//! `report.html`, `*.hlog`), plus `http.json` with the counts by HTTP status and a plain
//! statement of what the latency numbers mean in this mode.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use wfkit_loadgen::measure::RunResult;
use wfkit_loadgen::report::{self, Report};

use crate::LoadHttpError;

/// The side file with the HTTP-specific details.
pub const HTTP_JSON: &str = "http.json";

/// What a closed-loop HTTP run's latencies mean.
pub const CLOSED_LOOP_NOTE: &str = "HTTP mode is closed loop: each goose user sends its next request only after the previous response, so when the server stalls the users stop sending and the stall is under-sampled (coordinated omission). `end_to_end_uncorrected_us` (and `start_latency_us`, the same requests) is what the users measured; `end_to_end_corrected_us` adds, the HdrHistogram way, the samples a user keeping its usual pace (the median latency, `correction_interval_us`) would have taken during each slow response. For numbers free of coordinated omission, pace the run with --rate.";
/// What a paced HTTP run's latencies mean.
pub const PACED_NOTE: &str = "HTTP mode paced with --rate: requests follow a fixed schedule shared by all goose users, which never waits for the server; each request's `end_to_end_corrected_us` counts from its intended time, so a stall shows in full (free of coordinated omission) as long as the users keep up. When every user is busy the schedule falls behind: such requests are counted as `late` with the lag in `schedule_lag_us`; raise --users if that happens. `end_to_end_uncorrected_us` counts from the actual send.";

/// What an HTTP run measured.
#[derive(Debug, Clone)]
pub struct HttpRunResult {
    /// The measurement, in wfkit-loadgen's form.
    pub result: RunResult,
    /// Requests by response status (`200`, `404`, …) or failure without a response
    /// (`CONNECT`, `TIMEOUT`, `TRANSPORT`).
    pub statuses: BTreeMap<String, u64>,
    /// The load as flags, shown in the report.
    pub model_flags: String,
    /// `true` when paced with `--rate` (open model), `false` for the closed loop.
    pub paced: bool,
}

#[derive(Debug, Serialize)]
struct HttpSideFile<'a> {
    mode: &'static str,
    driver: String,
    closed_loop: bool,
    latency_note: &'static str,
    statuses: &'a BTreeMap<String, u64>,
}

impl HttpRunResult {
    /// What the latencies mean in this run.
    #[must_use]
    pub fn note(&self) -> &'static str {
        if self.paced {
            PACED_NOTE
        } else {
            CLOSED_LOOP_NOTE
        }
    }

    /// The report, in wfkit-loadgen's format, named `name`.
    pub fn report(&self, name: &str) -> Result<Report, LoadHttpError> {
        let mut report = Report::from_result(name, &self.result)?;
        report.run.generator = format!("wfkit-loadhttp {} (goose)", env!("CARGO_PKG_VERSION"));
        report.config.model_flags = self.model_flags.clone();
        Ok(report)
    }

    /// Writes the report folder `dir`: the standard files and [`HTTP_JSON`]. Returns the
    /// files written.
    pub fn write(&self, name: &str, dir: &Path) -> Result<Vec<PathBuf>, LoadHttpError> {
        let report = self.report(name)?;
        let mut written = report::write_report_dir(&report, dir)?;
        let side = HttpSideFile {
            mode: "http",
            driver: format!("goose (wfkit-loadhttp {})", env!("CARGO_PKG_VERSION")),
            closed_loop: !self.paced,
            latency_note: self.note(),
            statuses: &self.statuses,
        };
        let path = dir.join(HTTP_JSON);
        let text = serde_json::to_string_pretty(&side).map_err(|error| LoadHttpError::Io {
            path: path.clone(),
            source: std::io::Error::other(error),
        })?;
        std::fs::write(&path, text).map_err(|source| LoadHttpError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
        Ok(written)
    }
}
