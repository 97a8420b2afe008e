//! Overhead of the load generator itself per iteration: scheduling, spawning, recording.
//!
//! `cargo bench -p wfkit-loadgen --bench executor` runs 20,000 iterations of the open model
//! (at 1,000,000/s, so the schedule never waits) and of the closed model (8 in flight) against
//! a target that answers at once, on one thread. The inverse of the time per iteration is the
//! most a single core can offer before the generator itself, not the target, is the limit.

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use wfkit_loadgen::{
    ArrivalModel, LoadModel, RunOptions, SimulatedTarget, StopCondition, run_load,
};

const ITERATIONS: u64 = 20_000;

fn run(model: &LoadModel) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let target = Arc::new(SimulatedTarget::new(Duration::ZERO, Duration::ZERO));
        let result = run_load(
            target,
            model.clone(),
            StopCondition::iterations(ITERATIONS),
            RunOptions::default(),
        )
        .await
        .expect("runs");
        assert_eq!(result.counts.completed + result.counts.dropped, ITERATIONS);
    });
}

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    let mut group = criterion.benchmark_group("loadgen-executor");
    group.throughput(Throughput::Elements(ITERATIONS));
    let open = LoadModel::Open(ArrivalModel::Constant {
        rate_per_s: 1_000_000.0,
    });
    group.bench_function("open_model", |b| b.iter(|| run(&open)));
    let closed = LoadModel::Closed { in_flight: 8 };
    group.bench_function("closed_model", |b| b.iter(|| run(&closed)));
    group.finish();
    criterion.final_summary();
}
