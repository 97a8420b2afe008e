//! Writes the report of a simulated run with a one-second stall, in paused time (instant):
//! `cargo run -p wfkit-loadgen --example stall_report -- /tmp/stall [open|closed]`.
//! A quick way to look at the report files and the HTML plots.

use std::sync::Arc;
use std::time::Duration;

use wfkit_loadgen::report::{self, Report, Thresholds};
use wfkit_loadgen::{LoadArgs, RunOptions, SimulatedTarget, run_load};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "stall-report".to_owned());
    let closed = args.next().as_deref() == Some("closed");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()?;
    runtime.block_on(async {
        let plan = LoadArgs {
            rate: (!closed).then(|| "100/s".to_owned()),
            concurrency: closed.then(|| "4".to_owned()),
            duration: Some("10s".to_owned()),
            ..LoadArgs::default()
        }
        .parse()?;
        let target = SimulatedTarget::new(Duration::from_millis(2), Duration::from_millis(8))
            .with_stall(Duration::from_secs(4), Duration::from_secs(5))
            .with_failures(97, "UNAVAILABLE");
        let result = run_load(
            Arc::new(target),
            plan.model,
            plan.stop,
            RunOptions::default(),
        )
        .await?;
        let report = Report::from_result("stall", &result)?;
        let verdict = report::evaluate(
            &report,
            &Thresholds {
                max_p99_ms: Some(100.0),
                min_throughput_per_s: Some(90.0),
            },
            None,
        );
        let written = report::write_report_dir_with(&report, dir.as_ref(), None, Some(&verdict))?;
        for path in written {
            println!("{}", path.display());
        }
        Ok(())
    })
}
