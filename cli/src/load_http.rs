//! `wfkit load-http`: HTTP load on goose (Temporal's HTTP API by default), written as the
//! same report folder as `wfkit load`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use wfkit_loadgen::model::{parse_duration, parse_rate_per_s};
use wfkit_loadgen::{StopCondition, report};
use wfkit_loadhttp::{
    DEFAULT_BODY, DEFAULT_NAMESPACE, DEFAULT_URL, HttpLoadOptions, HttpMethod,
    install_quiet_logger, run_http_load,
};

use crate::exit::{Outcome, outln};

/// Arguments of `wfkit load-http`.
#[derive(Debug, clap::Args)]
pub(crate) struct LoadHttpArgs {
    /// URL template; `{ns}` is the namespace, `{id}` the workflow id `<id-prefix>-<seq>`, `{seq}`
    /// the request's number. The default starts workflows through Temporal's HTTP API
    /// (`temporal server start-dev --http-port`, 7243 by default).
    #[arg(long, default_value = DEFAULT_URL)]
    url: String,
    /// HTTP method: post, put or get.
    #[arg(long, default_value = "post")]
    method: String,
    /// JSON body template (`{ns}`, `{id}`, `{seq}` filled in, JSON-escaped).
    #[arg(long, default_value = DEFAULT_BODY, conflicts_with = "body_file")]
    body: String,
    /// Read the body template from this file.
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// Extra request header, `NAME: VALUE` (repeatable), e.g. `authorization: Bearer ...`.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The value of `{ns}`.
    #[arg(long, default_value = DEFAULT_NAMESPACE)]
    namespace: String,
    /// Workflow ids are `<id-prefix>-<seq>`; by default `wfkit-http-<start time in ms>`, so
    /// runs do not collide.
    #[arg(long)]
    id_prefix: Option<String>,
    /// goose users: requests in flight at once. Each sends its next request when the
    /// previous one returns (closed loop).
    #[arg(long, default_value_t = 1)]
    users: usize,
    /// Users started per second (default: all at once).
    #[arg(long, value_name = "USERS_PER_S")]
    hatch_rate: Option<f64>,
    /// Pace all users together to this rate (`100/s`, `6000/m`) on a fixed schedule and
    /// measure each request from its intended time: free of coordinated omission while the
    /// users keep up. Without it the run is closed loop.
    #[arg(long)]
    rate: Option<String>,
    /// Stop issuing after this long (`30s`, `1m30s`).
    #[arg(long)]
    duration: Option<String>,
    /// Stop issuing after this many requests in total.
    #[arg(long)]
    iterations: Option<u64>,
    /// The longest one request may take (`30s`); then it counts as a TIMEOUT failure.
    #[arg(long, default_value = "30s")]
    request_timeout: String,
    /// The run's name (its report folder under `reports/`).
    #[arg(long, default_value = "load-http")]
    name: String,
    /// Write the report here instead of `reports/<name>`.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs the load and writes the report. Exit 1 when requests were made and none succeeded.
pub(crate) fn run(args: &LoadHttpArgs) -> Outcome {
    Outcome::from(load_http(args))
}

fn load_http(args: &LoadHttpArgs) -> anyhow::Result<bool> {
    let options = options(args)?;
    let dir = match &args.out {
        Some(dir) => dir.clone(),
        None => report::report_dir("reports".as_ref(), &args.name)?,
    };
    install_quiet_logger();
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let run = runtime.block_on(run_http_load(&options))?;
    let written = run
        .write(&args.name, &dir)
        .with_context(|| format!("cannot write the report to {}", dir.display()))?;
    let result = &run.result;
    let counts = &result.counts;
    outln!(
        "{}: issued {}, succeeded {}, failed {}, unfinished {}; {:.2} succeeded/s",
        options.model_flags(),
        counts.issued,
        counts.completed,
        counts.failed,
        counts.unfinished,
        result.completed_per_s()
    );
    let statuses: Vec<String> = run
        .statuses
        .iter()
        .map(|(status, count)| format!("{status}: {count}"))
        .collect();
    outln!("responses by status: {}", statuses.join(", "));
    for (name, percentiles) in result.percentiles() {
        if percentiles.count > 0 {
            outln!(
                "{name}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
                percentiles.p50_us as f64 / 1_000.0,
                percentiles.p99_us as f64 / 1_000.0,
                percentiles.max_us as f64 / 1_000.0
            );
        }
    }
    outln!("note: {}", run.note());
    outln!("wrote {} files to {}", written.len(), dir.display());
    if counts.issued > 0 && counts.completed == 0 {
        outln!("FAIL  no request succeeded");
        return Ok(false);
    }
    Ok(true)
}

fn options(args: &LoadHttpArgs) -> anyhow::Result<HttpLoadOptions> {
    let duration = args
        .duration
        .as_deref()
        .map(|value| parse_duration("--duration", value))
        .transpose()?;
    let mut options = HttpLoadOptions::new(StopCondition {
        duration,
        iterations: args.iterations,
    });
    options.url = args.url.clone();
    options.method = HttpMethod::parse(&args.method)?;
    options.body = match &args.body_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("--body-file {}: cannot read", path.display()))?,
        None => args.body.clone(),
    };
    for header in &args.headers {
        let (name, value) = header
            .split_once(':')
            .with_context(|| format!("--header {header:?}: expected NAME: VALUE"))?;
        options
            .headers
            .push((name.trim().to_owned(), value.trim().to_owned()));
    }
    options.namespace = args.namespace.clone();
    options.id_prefix = match &args.id_prefix {
        Some(prefix) => prefix.clone(),
        None => {
            let now_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|since| since.as_millis())
                .unwrap_or_default();
            format!("wfkit-http-{now_ms}")
        }
    };
    options.users = args.users;
    options.hatch_rate_per_s = args.hatch_rate;
    options.rate_per_s = args
        .rate
        .as_deref()
        .map(|value| parse_rate_per_s("--rate", value))
        .transpose()?;
    options.request_timeout = parse_duration("--request-timeout", &args.request_timeout)?;
    if options.request_timeout < Duration::from_millis(1) {
        anyhow::bail!("--request-timeout must be at least 1ms");
    }
    Ok(options)
}
