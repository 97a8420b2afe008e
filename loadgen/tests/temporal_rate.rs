//! The same scenario at the same constant rate against wfkit's engine and against the real
//! `temporal server start-dev`: both runs produce a full report (with schedule-to-start
//! latencies read from sampled histories), and each achieves its target start rate within 5%.
#![cfg(feature = "temporal")]

use crate::temporal_common;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use wfkit_devserver::DevServer;
use wfkit_engine::{Engine, EngineConfig};
use wfkit_loadgen::report::{self, REPORT_HTML, REPORT_JSON, Report, SUMMARY_MD};
use wfkit_loadgen::temporal::sample_latencies;
use wfkit_loadgen::{ArrivalModel, LoadModel, RunOptions, StopCondition};
use wfkit_scenarios::load::{LoadParams, LoadScenario};

use temporal_common::{errors, run_scenario};

const RATE_PER_S: f64 = 20.0;
const DURATION: Duration = Duration::from_secs(5);

/// Runs `activity` at 20/s for 5 s against `address` and checks the run and its report.
async fn check_activity_at_constant_rate(address: &str, label: &str) -> anyhow::Result<Report> {
    let run_name = format!("rate-{label}");
    let (result, target) = run_scenario(
        address,
        LoadScenario::Activity,
        &LoadParams::default(),
        &run_name,
        LoadModel::Open(ArrivalModel::Constant {
            rate_per_s: RATE_PER_S,
        }),
        StopCondition::duration(DURATION),
        RunOptions::default().with_drain_timeout(Duration::from_secs(20)),
    )
    .await?;
    let expected = (RATE_PER_S * DURATION.as_secs_f64()) as u64;
    assert_eq!(result.counts.scheduled, expected, "{label}");
    assert_eq!(result.counts.dropped, 0, "{label}");
    assert_eq!(result.counts.failed, 0, "{label}: {}", errors(&result));
    assert_eq!(result.counts.completed, expected, "{label}");
    // Achieved start rate: starts the server accepted, over the issue window.
    let started = result.counts.issued - start_failures(&result);
    let achieved_per_s = started as f64 / result.issue_window.as_secs_f64();
    assert!(
        (achieved_per_s - RATE_PER_S).abs() <= RATE_PER_S * 0.05,
        "{label}: achieved {achieved_per_s:.2}/s, target {RATE_PER_S}/s"
    );
    assert!(
        (result.issued_per_s() - RATE_PER_S).abs() <= RATE_PER_S * 0.05,
        "{label}: issued {:.2}/s",
        result.issued_per_s()
    );

    let latencies = sample_latencies(
        target.connection(),
        target.namespace(),
        &target.sampled(),
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(
        latencies.sampled, expected,
        "{label}: every workflow is sampled"
    );
    assert_eq!(latencies.read, expected, "{label}: every history is read");
    // One workflow task before the activity, one after: two per workflow.
    assert!(latencies.workflow_task_schedule_to_start_us.len() >= 2 * expected);
    assert_eq!(latencies.activity_schedule_to_start_us.len(), expected);

    let report = Report::from_result(&run_name, &result)?.with_history_latency(&latencies)?;
    let dir = tempfile::tempdir()?;
    report::write_report_dir(&report, dir.path())?;
    for file in [REPORT_JSON, SUMMARY_MD, REPORT_HTML] {
        assert!(dir.path().join(file).is_file(), "{label}: {file}");
    }
    let back = Report::read(dir.path())?;
    assert_eq!(back, report);
    let summary = std::fs::read_to_string(dir.path().join(SUMMARY_MD))?;
    assert!(summary.contains("activity schedule-to-start"), "{summary}");
    eprintln!(
        "{label}: achieved {achieved_per_s:.2}/s; end-to-end p99 corrected {} µs, uncorrected {} µs; start p99 {} µs",
        report.summary.end_to_end_corrected_us.p99_us,
        report.summary.end_to_end_uncorrected_us.p99_us,
        report.summary.start_latency_us.p99_us
    );
    Ok(report)
}

fn start_failures(result: &wfkit_loadgen::RunResult) -> u64 {
    result
        .errors
        .iter()
        .filter(|error| error.phase == wfkit_loadgen::measure::Phase::Start)
        .map(|error| error.count)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_at_20_per_s_on_the_engine_and_on_the_real_dev_server() -> anyhow::Result<()> {
    // One after the other, so the two runs do not share the machine's two cores.
    let engine = Engine::start(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        EngineConfig::default(),
    )
    .await?;
    let on_engine =
        check_activity_at_constant_rate(&engine.address().to_string(), "engine").await?;
    engine.stop().await;

    let server = DevServer::start()
        .await
        .expect("the real dev server starts (run `bash scripts/setup.sh`)");
    let on_server = check_activity_at_constant_rate(&server.address(), "devserver").await?;

    // The same model in both reports.
    assert_eq!(on_engine.config, on_server.config);
    Ok(())
}
