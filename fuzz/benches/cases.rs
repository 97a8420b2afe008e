//! Fault cases per second for the booking saga (official Rust SDK worker, in-process, on the
//! wfkit engine in virtual time): every generated plan run from a fresh engine and judged by
//! the built-in invariants (replay included) and the saga's own. Also the time the fuzzer takes
//! to find, and shrink, the planted compensation bug. Writes `reports/fuzz-cases.md`.
//!
//! `cargo bench -p wfkit-fuzz --bench cases` (`WFKIT_BENCH_CASES` changes the case count).

#[path = "../tests/planted/mod.rs"]
mod planted;

use std::path::Path;
use std::time::Instant;

use wfkit_fuzz::{CaseEnd, CaseOutcome, Fuzz, FuzzTarget, Workers};

const TRIP: &str = "trip-1";

fn saga(workflow_type: &str, cases: u32) -> anyhow::Result<Fuzz> {
    let mut fuzz = Fuzz::new(
        FuzzTarget::new(workflow_type, serde_json::json!(TRIP)),
        Workers::rust(planted::saga::options),
        "bench_saga",
    )?
    .cases(cases)
    .invariant(
        "a failed booking cancels every reservation",
        |case: &CaseOutcome| {
            let failed =
                matches!(&case.end, CaseEnd::Closed(close) if close == "WorkflowExecutionFailed");
            for item in ["car", "hotel"] {
                let reserved = case.effect_count(&format!("reserve_{item}"), TRIP);
                let cancelled = case.effect_count(&format!("cancel_{item}"), TRIP);
                if failed && reserved > 0 && cancelled == 0 {
                    return Err(format!("the {item} stays reserved"));
                }
            }
            Ok(())
        },
    );
    fuzz.config.regressions = None;
    Ok(fuzz)
}

fn main() -> anyhow::Result<()> {
    let cases: u32 = std::env::var("WFKIT_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let fixed = saga("FixedSaga", cases)?;
    let report = fixed.run()?;
    anyhow::ensure!(
        report.failure.is_none(),
        "the corrected saga failed: {:?}",
        report.failure
    );
    let per_second = f64::from(report.cases_run) / report.elapsed.as_secs_f64();
    println!(
        "FixedSaga: {} cases in {:.1} s: {per_second:.1} cases/s",
        report.cases_run,
        report.elapsed.as_secs_f64()
    );

    let buggy = saga("BuggySaga", wfkit_fuzz::DEFAULT_CASES)?;
    let started = Instant::now();
    let found = buggy.run()?;
    let find_s = started.elapsed().as_secs_f64();
    let failure = found
        .failure
        .ok_or_else(|| anyhow::anyhow!("the planted saga bug was not found"))?;
    println!(
        "BuggySaga: found and shrunk in {find_s:.1} s, {} cases, plan:\n{}",
        found.cases_run, failure.plan
    );

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = format!(
        "# Fuzz throughput\n\n\
         Written by `cargo bench -p wfkit-fuzz --bench cases` (release build) on this 2-core \
         machine. Each case starts a fresh wfkit engine in virtual time, installs its fault \
         plan, runs the booking saga (`fuzz/tests/planted/saga.rs`) with official Rust SDK \
         workers in-process (a new worker after every crash), waits for the workflow to close, \
         replays every run's history against the same code with a fresh worker, and checks the \
         built-in invariants and the saga's own. Plans have one to three faults; the seed is \
         fixed, so the run is reproducible.\n\n\
         | workload | cases | seconds | cases/s |\n|---|---|---|---|\n\
         | corrected saga (`FixedSaga`), every case passes | {} | {:.1} | {:.1} |\n\
         | planted bug (`BuggySaga`): generate until it fails, then shrink | {} | {:.1} | {:.1} |\n\n\
         Minimal plan found for the planted bug:\n\n```text\n{}\n```\n",
        report.cases_run,
        report.elapsed.as_secs_f64(),
        per_second,
        found.cases_run,
        find_s,
        f64::from(found.cases_run) / find_s,
        failure.plan
    );
    std::fs::write(root.join("reports").join("fuzz-cases.md"), text)?;
    Ok(())
}
