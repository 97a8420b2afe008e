//! The fuzzer against three workflows with planted bugs (official Rust SDK workers on the
//! wfkit engine): it finds each bug within its default number of cases and shrinks it to one or
//! two faults; the corrected versions pass the same number of cases; a failing plan reruns to
//! the same history; failing plans are persisted and rerun first.

use crate::planted;

use anyhow::{Context, bail, ensure};
use wfkit_fuzz::{CaseEnd, CaseOutcome, Fuzz, FuzzReport, FuzzTarget, Workers, check};

const TRIP: &str = "trip-1";
const ORDER: &str = "order-1";

fn saga(workflow_type: &str) -> anyhow::Result<Fuzz> {
    let mut fuzz = Fuzz::new(
        FuzzTarget::new(workflow_type, serde_json::json!(TRIP)),
        Workers::rust(planted::saga::options),
        &format!("planted_{workflow_type}"),
    )?
    .invariant(
        "a failed booking cancels every reservation",
        |case: &CaseOutcome| {
            for item in ["car", "hotel"] {
                let reserved = case.effect_count(&format!("reserve_{item}"), TRIP);
                let cancelled = case.effect_count(&format!("cancel_{item}"), TRIP);
                match &case.end {
                    CaseEnd::Closed(close)
                        if close == "WorkflowExecutionFailed" && reserved > 0 && cancelled == 0 =>
                    {
                        return Err(format!("the saga failed and left the {item} reserved"));
                    }
                    CaseEnd::Closed(close)
                        if close == "WorkflowExecutionCompleted" && cancelled > 0 =>
                    {
                        return Err(format!("the trip was booked but the {item} was cancelled"));
                    }
                    _ => {}
                }
            }
            Ok(())
        },
    );
    // Discovery is what these tests check: no regression file replays the answer.
    fuzz.config.regressions = None;
    Ok(fuzz)
}

fn shipping(workflow_type: &str) -> anyhow::Result<Fuzz> {
    let mut fuzz = Fuzz::new(
        FuzzTarget::new(workflow_type, serde_json::json!(ORDER)),
        Workers::rust(planted::carrier::options),
        &format!("planted_{workflow_type}"),
    )?;
    fuzz.config.regressions = None;
    Ok(fuzz)
}

fn payment(workflow_type: &str) -> anyhow::Result<Fuzz> {
    let mut fuzz = Fuzz::new(
        FuzzTarget::new(workflow_type, serde_json::json!(ORDER)),
        Workers::rust(planted::payment::options),
        &format!("planted_{workflow_type}"),
    )?
    .invariant("the card is charged at most once", |case: &CaseOutcome| {
        let charges = case.effect_count("charge", ORDER);
        if charges <= 1 {
            Ok(())
        } else {
            Err(format!("the card was charged {charges} times"))
        }
    });
    fuzz.config.regressions = None;
    Ok(fuzz)
}

/// Checks a run found a failure of one or two faults that broke `invariant`.
fn found(report: &FuzzReport, invariant: &str) -> anyhow::Result<()> {
    let Some(failure) = &report.failure else {
        bail!(
            "no failure in {} cases (seed {})",
            report.cases_run,
            report.seed
        );
    };
    eprintln!("{failure}");
    ensure!(
        (1..=2).contains(&failure.plan.faults.len()),
        "the minimal plan has {} faults:\n{}",
        failure.plan.faults.len(),
        failure.plan
    );
    ensure!(
        failure
            .violations
            .iter()
            .any(|violation| violation.invariant.contains(invariant)),
        "expected `{invariant}` to break, got {:?}",
        failure.violations
    );
    Ok(())
}

#[test]
fn finds_the_saga_that_skips_a_compensation() -> anyhow::Result<()> {
    let report = saga("BuggySaga")?.run()?;
    found(&report, "a failed booking cancels every reservation")
}

#[test]
fn corrected_saga_passes() -> anyhow::Result<()> {
    let report = check(&saga("FixedSaga")?);
    ensure!(report.cases_run > wfkit_fuzz::DEFAULT_CASES);
    Ok(())
}

#[test]
fn finds_randomness_outside_the_workflow() -> anyhow::Result<()> {
    let report = shipping("BuggyShipping")?.run()?;
    found(&report, "determin")
}

#[test]
fn corrected_shipping_passes() -> anyhow::Result<()> {
    check(&shipping("FixedShipping")?);
    Ok(())
}

#[test]
fn finds_the_double_charge() -> anyhow::Result<()> {
    let report = payment("BuggyPayment")?.run()?;
    found(&report, "charged at most once")
}

#[test]
fn corrected_payment_passes() -> anyhow::Result<()> {
    check(&payment("FixedPayment")?);
    Ok(())
}

/// The same seed gives the same minimal plan, and that plan gives the same history.
#[test]
fn a_failure_reruns_identically() -> anyhow::Result<()> {
    let fuzz = payment("BuggyPayment")?.cases(32);
    let first = fuzz.run()?.failure.context("first run found nothing")?;
    let second = fuzz.run()?.failure.context("second run found nothing")?;
    ensure!(
        first.plan == second.plan,
        "{}\nvs\n{}",
        first.plan,
        second.plan
    );
    let (again, violations) = fuzz.run_plan(&first.plan)?;
    ensure!(!violations.is_empty(), "the minimal plan passes when rerun");
    ensure!(
        again.comparable_histories() == first.outcome.comparable_histories(),
        "rerunning the plan wrote another history"
    );
    // The printed plan parses back into the same plan.
    let printed = first.plan.to_string();
    ensure!(wfkit_fuzz::FaultPlan::parse(&printed)? == first.plan);
    Ok(())
}

/// A failing plan is written to the regression file and found there first next time.
#[test]
fn failing_plans_are_persisted_and_rerun_first() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("proptest-regressions").join("payment.txt");
    let mut fuzz = payment("BuggyPayment")?.cases(32);
    fuzz.config.regressions = Some(file.clone());
    let first = fuzz.run()?.failure.context("nothing found")?;
    let text = std::fs::read_to_string(&file)?;
    ensure!(text.contains(&first.plan.to_string()), "{text}");
    let again = fuzz
        .run()?
        .failure
        .context("nothing found the second time")?;
    ensure!(
        again.found_by == "regression file",
        "found by {}",
        again.found_by
    );
    ensure!(again.plan == first.plan);
    Ok(())
}
