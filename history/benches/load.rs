//! Load speed of a large history, next to parsing the same bytes into `serde_json::Value`.
//!
//! `cargo bench -p wfkit-history --bench load` measures with criterion, then measures the peak
//! memory of each way of reading in a child process of its own, and writes
//! `reports/history-load.md` with MB/s, events/s and the ratios.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput};
use wfkit_history::{Format, load_bytes, read_events, synth, write_histories};

const EVENTS: usize = 100_000;
const PAYLOAD_BYTES: usize = 340;
const GROUP: &str = "history-load";
const MEMORY_MODE_VAR: &str = "WFKIT_BENCH_MEMORY_MODE";
const MEMORY_FILE_VAR: &str = "WFKIT_BENCH_MEMORY_FILE";

fn main() {
    if let Ok(mode) = std::env::var(MEMORY_MODE_VAR) {
        memory_child(&mode);
        return;
    }
    let mut json = Vec::new();
    synth::write_synthetic_json(&mut json, EVENTS, PAYLOAD_BYTES).expect("synthesise");
    let loaded = load_bytes("synthetic.json", &json).expect("loads");
    let mut proto = Vec::new();
    write_histories(&loaded.histories, Format::Proto, &mut proto).expect("encodes");
    drop(loaded);

    let mut criterion = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2))
        .configure_from_args();
    {
        let mut group = criterion.benchmark_group(GROUP);
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_function("wfkit_json", |b| {
            b.iter(|| load_bytes("bench.json", &json).expect("loads"))
        });
        group.bench_function("serde_json_value", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(&json).expect("parses"))
        });
        group.throughput(Throughput::Bytes(proto.len() as u64));
        group.bench_function("wfkit_proto", |b| {
            b.iter(|| load_bytes("bench.pb", &proto).expect("loads"))
        });
        group.finish();
    }
    criterion.final_summary();

    let Some(target) = target_dir() else {
        eprintln!("cannot find the target directory; no report written");
        return;
    };
    let estimates = target.join("criterion").join(GROUP);
    let (Some(wfkit_ns), Some(value_ns), Some(proto_ns)) = (
        mean_ns(&estimates.join("wfkit_json")),
        mean_ns(&estimates.join("serde_json_value")),
        mean_ns(&estimates.join("wfkit_proto")),
    ) else {
        eprintln!(
            "criterion estimates missing under {} (a filtered run?); no report written",
            estimates.display()
        );
        return;
    };

    let directory = tempfile::tempdir().expect("temp dir");
    let json_path = directory.path().join("synthetic.json");
    std::fs::write(&json_path, &json).expect("write");
    let baseline_kib = peak_kib("baseline", &json_path);
    let stream_kib = peak_kib("stream", &json_path);
    let load_kib = peak_kib("load", &json_path);
    let value_kib = peak_kib("value", &json_path);

    let mb = json.len() as f64 / 1e6;
    let rate = |ns: f64, bytes: f64| bytes / (ns / 1e9);
    let report = format!(
        "# History load speed\n\n\
         Written by `cargo bench -p wfkit-history --bench load` (criterion, {samples} samples; the mean is shown).\n\n\
         Input: a synthetic history of {EVENTS} events ({mb:.1} MB of canonical JSON, {proto_mb:.1} MB as binary protobuf): \
         a workflow running activities one after another, {PAYLOAD_BYTES}-byte payloads.\n\n\
         | reader | time per load | MB/s | events/s |\n|---|---|---|---|\n\
         | wfkit, canonical JSON → `temporalio-protos` History | {wfkit_ms:.0} ms | {wfkit_mbs:.1} | {wfkit_eps:.0} |\n\
         | `serde_json::from_slice::<Value>` on the same bytes | {value_ms:.0} ms | {value_mbs:.1} | {value_eps:.0} |\n\
         | wfkit, binary protobuf → History | {proto_ms:.0} ms | {proto_mbs:.1} | {proto_eps:.0} |\n\n\
         Ratio: wfkit's JSON load takes **{ratio:.2}×** the time of a bare `serde_json::Value` parse of the same bytes \
         (which only tokenises; wfkit also maps proto3 JSON through the descriptors, checks every field and builds typed events).\n\n\
         ## Peak memory (resident set, separate process per row)\n\n\
         | reading the {mb:.1} MB file | peak RSS | above the process baseline |\n|---|---|---|\n\
         | process baseline (file not read) | {baseline_mib:.1} MiB | - |\n\
         | `read_events` streaming, events dropped as they come | {stream_mib:.1} MiB | {stream_extra:.1} MiB |\n\
         | `load_file` (keeps the whole History) | {load_mib:.1} MiB | {load_extra:.1} MiB |\n\
         | `serde_json::from_reader::<Value>` | {value_mib:.1} MiB | {value_extra:.1} MiB |\n\n\
         Streaming holds one event's JSON tree at a time, so its memory does not grow with the file.\n",
        samples = 10,
        proto_mb = proto.len() as f64 / 1e6,
        wfkit_ms = wfkit_ns / 1e6,
        wfkit_mbs = rate(wfkit_ns, mb),
        wfkit_eps = rate(wfkit_ns, EVENTS as f64),
        value_ms = value_ns / 1e6,
        value_mbs = rate(value_ns, mb),
        value_eps = rate(value_ns, EVENTS as f64),
        proto_ms = proto_ns / 1e6,
        proto_mbs = rate(proto_ns, proto.len() as f64 / 1e6),
        proto_eps = rate(proto_ns, EVENTS as f64),
        ratio = wfkit_ns / value_ns,
        baseline_mib = baseline_kib / 1024.0,
        stream_mib = stream_kib / 1024.0,
        load_mib = load_kib / 1024.0,
        value_mib = value_kib / 1024.0,
        stream_extra = (stream_kib - baseline_kib) / 1024.0,
        load_extra = (load_kib - baseline_kib) / 1024.0,
        value_extra = (value_kib - baseline_kib) / 1024.0,
    );
    let out = workspace_root().join("reports").join("history-load.md");
    std::fs::write(&out, report).expect("write the report");
    eprintln!("wrote {}", out.display());
}

/// Runs in a child process: reads the file one way and prints the peak RSS in KiB.
fn memory_child(mode: &str) {
    let path = std::env::var(MEMORY_FILE_VAR).expect("file to read");
    let file = std::fs::File::open(&path).expect("open");
    match mode {
        "baseline" => {}
        "stream" => {
            let mut events = 0usize;
            read_events(&path, file, |_, _| {
                events += 1;
                Ok(())
            })
            .expect("streams");
            assert_eq!(events, EVENTS);
        }
        "load" => {
            let loaded = wfkit_history::load_reader(&path, file).expect("loads");
            assert_eq!(loaded.histories[0].events.len(), EVENTS);
        }
        "value" => {
            let value: serde_json::Value =
                serde_json::from_reader(std::io::BufReader::new(file)).expect("parses");
            assert!(value.is_object());
        }
        other => panic!("unknown mode {other}"),
    }
    println!("{}", peak_rss_kib().unwrap_or(0.0));
}

fn peak_kib(mode: &str, file: &Path) -> f64 {
    let exe = std::env::current_exe().expect("own path");
    let output = std::process::Command::new(exe)
        .env(MEMORY_MODE_VAR, mode)
        .env(MEMORY_FILE_VAR, file)
        .output()
        .expect("run the memory child");
    assert!(
        output.status.success(),
        "memory child {mode} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .lines()
        .last()
        .and_then(|l| l.parse().ok())
        .unwrap_or(0.0)
}

/// `VmHWM` of this process, from /proc (Linux).
fn peak_rss_kib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mean_ns(dir: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(dir.join("new").join("estimates.json")).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["mean"]["point_estimate"].as_f64()
}

/// `target/` of this workspace: from CARGO_TARGET_DIR, else three levels above this binary
/// (`target/release/deps/load-HASH`).
fn target_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(dir));
    }
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.to_path_buf())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
