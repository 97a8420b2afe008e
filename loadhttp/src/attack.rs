//! Running the goose attack: one scenario, one transaction that makes the templated request,
//! every request timed to the microsecond into wfkit-loadgen's measurement.

use std::sync::Arc;
use std::time::Duration;

use goose::prelude::*;
use tokio::time::Instant;
use wfkit_loadgen::executor::DEFAULT_LATE_THRESHOLD;
use wfkit_loadgen::measure::{ExternalRecorder, RunConfig};
use wfkit_loadgen::{ArrivalModel, LoadModel};

use crate::options::{HttpLoadOptions, HttpMethod};
use crate::pacing::{Pacer, Ticket};
use crate::session::{Outcome, Session, SessionResult};
use crate::template::{BodyTemplate, UrlTemplate};
use crate::{HttpRunResult, LoadHttpError};

/// How long a user with nothing left to do waits before goose calls it again, so idle users
/// do not spin until goose's run time ends.
const IDLE_PAUSE: Duration = Duration::from_millis(50);
/// Extra run time given to goose past the duration, so it never stops a user before the
/// shared sequence has ended.
const GOOSE_MARGIN_S: u64 = 1;

/// What every user's transaction shares.
struct Shared {
    pacer: Pacer,
    session: Session,
    url: UrlTemplate,
    body: BodyTemplate,
    method: HttpMethod,
    headers: Vec<(String, String)>,
    namespace: String,
    id_prefix: String,
    paced: bool,
}

/// Runs the load described by `options` with goose and measures every request. Needs a
/// multi-threaded tokio runtime. goose installs a Ctrl-C handler: the first Ctrl-C stops the
/// run and the result is marked interrupted.
pub async fn run_http_load(options: &HttpLoadOptions) -> Result<HttpRunResult, LoadHttpError> {
    let (url, body) = options.check()?;
    let model = match options.rate_per_s {
        Some(rate_per_s) => LoadModel::Open(ArrivalModel::Constant { rate_per_s }),
        None => LoadModel::Closed {
            in_flight: options.users,
        },
    };
    let recorder = ExternalRecorder::new(RunConfig {
        model,
        stop: options.stop,
        max_in_flight: options.users,
        late_threshold: DEFAULT_LATE_THRESHOLD,
        drain_timeout: options.request_timeout,
        iteration_timeout: options.request_timeout,
    })?;
    let configuration = goose_configuration(options, url.origin())?;
    let shared = Arc::new(Shared {
        pacer: Pacer::new(
            options.rate_per_s,
            options.stop.iterations,
            options.stop.duration,
        ),
        session: Session::new(recorder),
        url,
        body,
        method: options.method,
        headers: options.headers.clone(),
        namespace: options.namespace.clone(),
        id_prefix: options.id_prefix.clone(),
        paced: options.rate_per_s.is_some(),
    });
    let for_users = Arc::clone(&shared);
    let function: TransactionFunction = Arc::new(move |user| {
        let shared = Arc::clone(&for_users);
        Box::pin(async move {
            shared.one_request(user).await;
            Ok(())
        })
    });
    let scenario = Scenario::new("wfkit-http")
        .register_transaction(Transaction::new(function).set_name("request"));
    let goose_error = |error: GooseError| LoadHttpError::Goose {
        message: goose_message(&error),
    };
    GooseAttack::initialize_with_config(configuration)
        .map_err(goose_error)?
        .register_scenario(scenario)
        .execute()
        .await
        .map_err(goose_error)?;
    let interrupted = goose::is_killswitch_triggered();
    let shared = Arc::try_unwrap(shared).map_err(|_| LoadHttpError::Goose {
        message: "a goose user outlived the attack".to_owned(),
    })?;
    let issue_window_floor = shared.pacer.issue_window_floor();
    // A run in which no user ever asked (goose stopped at once) starts now.
    let started_at_unix_ms = shared.pacer.origin(Instant::now()).unix_ms;
    let SessionResult { result, statuses } = shared.session.finish(
        started_at_unix_ms,
        interrupted,
        options.rate_per_s,
        issue_window_floor,
    )?;
    Ok(HttpRunResult {
        result,
        statuses,
        model_flags: options.model_flags(),
        paced: options.rate_per_s.is_some(),
    })
}

/// goose's configuration, built through its own flag parser so every check it makes applies.
fn goose_configuration(
    options: &HttpLoadOptions,
    origin: &str,
) -> Result<goose::config::GooseConfiguration, LoadHttpError> {
    let users = options.users;
    let mut args: Vec<String> = vec![
        "--host".into(),
        origin.into(),
        "--users".into(),
        users.to_string(),
        "--increase-rate".into(),
        options.effective_hatch_rate_per_s().to_string(),
        // Goose's own correction works on its millisecond metrics; ours is in wfkit-loadgen.
        "--co-mitigation".into(),
        "disabled".into(),
        "--timeout".into(),
        format!("{:.3}", options.request_timeout.as_secs_f64()),
        "--quiet".into(),
        "--no-print-metrics".into(),
        "--no-error-summary".into(),
        // No controller ports: nothing listens but the server under test.
        "--no-telnet".into(),
    ];
    match (options.stop.duration, options.stop.iterations) {
        (Some(duration), _) => {
            let ramp_s = (users as f64 / options.effective_hatch_rate_per_s()).ceil() as u64;
            let run_s = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
            args.push("--run-time".into());
            args.push((run_s + ramp_s + GOOSE_MARGIN_S).to_string());
        }
        (None, Some(iterations)) => {
            // goose counts iterations per user; the shared sequence keeps the total exact.
            let per_user = iterations.div_ceil(users as u64);
            args.push("--iterations".into());
            args.push(per_user.to_string());
        }
        (None, None) => {
            return Err(LoadHttpError::option(
                "--duration",
                "",
                "give --duration, --iterations or both",
            ));
        }
    }
    goose::config::GooseConfiguration::parse_args_default(&args).map_err(|error| {
        LoadHttpError::Goose {
            message: format!(
                "refused the configuration {args:?}: {}",
                goose_message(&error)
            ),
        }
    })
}

/// goose's `Display` leaves out which option it refused; its `Debug` form names it.
fn goose_message(error: &GooseError) -> String {
    match error {
        GooseError::InvalidOption { .. } => format!("{error}: {error:?}"),
        _ => error.to_string(),
    }
}

impl Shared {
    /// One transaction run: take the next request, wait for its time if paced, make it, and
    /// record how it went.
    async fn one_request(&self, user: &mut GooseUser) {
        let now = Instant::now();
        let Ticket::Go { n, intended } = self.pacer.take(now) else {
            tokio::time::sleep(IDLE_PAUSE).await;
            return;
        };
        let start = self.pacer.origin(now).instant;
        if self.paced {
            tokio::time::sleep_until(start + intended).await;
        }
        let id = format!("{}-{n}", self.id_prefix);
        let url = self.url.render(&self.namespace, &id, n);
        let method = match self.method {
            HttpMethod::Post => GooseMethod::Post,
            HttpMethod::Put => GooseMethod::Put,
            HttpMethod::Get => GooseMethod::Get,
        };
        let issued = start.elapsed();
        self.session.issued(intended, issued);
        let outcome = match user.get_request_builder(&method, &url) {
            Ok(mut builder) => {
                for (name, value) in &self.headers {
                    builder = builder.header(name.as_str(), value.as_str());
                }
                if self.method != HttpMethod::Get {
                    builder = builder
                        .header("content-type", "application/json")
                        .body(self.body.render(&self.namespace, &id, n));
                }
                let request = GooseRequest::builder()
                    .method(method)
                    .path(url.as_str())
                    // One name for every request, so goose keeps one metric, not one per id.
                    .name("request")
                    .set_request_builder(builder)
                    .build();
                send(user, request).await
            }
            Err(_) => Outcome::NoResponse("BAD_REQUEST"),
        };
        self.session
            .finished(intended, issued, start.elapsed(), &outcome);
    }
}

/// Makes the request and reads the whole response body, so the latency covers the complete
/// response and the connection goes back to the pool.
async fn send(user: &mut GooseUser, request: GooseRequest<'_>) -> Outcome {
    match user.request(request).await {
        Ok(goose) => match goose.response {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.bytes().await {
                    Ok(_) if (200..300).contains(&status) => Outcome::Success(status),
                    Ok(_) => Outcome::Status(status),
                    Err(error) if error.is_timeout() => Outcome::NoResponse("TIMEOUT"),
                    Err(_) => Outcome::NoResponse("TRANSPORT"),
                }
            }
            Err(error) if error.is_timeout() => Outcome::NoResponse("TIMEOUT"),
            Err(error) if error.is_connect() => Outcome::NoResponse("CONNECT"),
            Err(_) => Outcome::NoResponse("TRANSPORT"),
        },
        Err(_) => Outcome::NoResponse("GOOSE"),
    }
}
