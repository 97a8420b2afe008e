//! What an HTTP load run does: the request, the users, the pace and when to stop.

use std::time::Duration;

use wfkit_loadgen::StopCondition;

use crate::LoadHttpError;
use crate::template::{BodyTemplate, UrlTemplate};

/// The default URL: Temporal's HTTP API (the dev server's `--http-port`, 7243 by default)
/// starting a workflow.
pub const DEFAULT_URL: &str = "http://127.0.0.1:7243/api/v1/namespaces/{ns}/workflows/{id}";
/// The default body: a StartWorkflowExecution request in proto3 JSON.
pub const DEFAULT_BODY: &str =
    r#"{"workflowType":{"name":"WfkitHttpLoad"},"taskQueue":{"name":"wfkit-http-load"}}"#;
/// The default namespace.
pub const DEFAULT_NAMESPACE: &str = "default";
/// The most users one run starts.
pub const MAX_USERS: usize = 10_000;
/// The most requests one run issues.
pub const MAX_ITERATIONS: u64 = 1_000_000_000;
/// The longest run (one day).
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);
/// The most headers a request carries.
pub const MAX_HEADERS: usize = 64;

/// The HTTP method of every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `POST` (Temporal's HTTP API starts workflows with it).
    Post,
    /// `PUT`.
    Put,
    /// `GET` (the body template is not sent).
    Get,
}

impl HttpMethod {
    /// Parses `post`, `put` or `get`, in any case.
    pub fn parse(text: &str) -> Result<Self, LoadHttpError> {
        match text.to_ascii_lowercase().as_str() {
            "post" => Ok(HttpMethod::Post),
            "put" => Ok(HttpMethod::Put),
            "get" => Ok(HttpMethod::Get),
            _ => Err(LoadHttpError::option(
                "--method",
                text,
                "expected post, put or get",
            )),
        }
    }

    /// `POST`, `PUT` or `GET`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Get => "GET",
        }
    }
}

/// One HTTP load run. Start from [`HttpLoadOptions::new`] and change what you need.
#[derive(Debug, Clone)]
#[must_use]
pub struct HttpLoadOptions {
    /// The URL template (`{ns}`, `{id}`, `{seq}`).
    pub url: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The body template (`{ns}`, `{id}`, `{seq}`), sent as `application/json`.
    pub body: String,
    /// Extra request headers.
    pub headers: Vec<(String, String)>,
    /// The value of `{ns}`.
    pub namespace: String,
    /// `{id}` is `<id_prefix>-<n>`.
    pub id_prefix: String,
    /// goose users: requests in flight at once.
    pub users: usize,
    /// Users started per second; `None` starts them all at once (within 10 ms).
    pub hatch_rate_per_s: Option<f64>,
    /// Pace all users together to this many requests per second on a fixed schedule, and
    /// measure each request from its intended time. `None`: closed loop, back to back.
    pub rate_per_s: Option<f64>,
    /// When to stop issuing requests.
    pub stop: StopCondition,
    /// The longest one request may take.
    pub request_timeout: Duration,
}

impl HttpLoadOptions {
    /// Temporal's start-workflow call on the default URL, one user, stopping at `stop`.
    pub fn new(stop: StopCondition) -> Self {
        HttpLoadOptions {
            url: DEFAULT_URL.to_owned(),
            method: HttpMethod::Post,
            body: DEFAULT_BODY.to_owned(),
            headers: Vec::new(),
            namespace: DEFAULT_NAMESPACE.to_owned(),
            id_prefix: "wfkit-http".to_owned(),
            users: 1,
            hatch_rate_per_s: None,
            rate_per_s: None,
            stop,
            request_timeout: Duration::from_secs(30),
        }
    }

    /// Checks every option; returns the parsed templates.
    pub(crate) fn check(&self) -> Result<(UrlTemplate, BodyTemplate), LoadHttpError> {
        let url = UrlTemplate::parse(&self.url)?;
        let body = BodyTemplate::parse(&self.body)?;
        if self.users == 0 || self.users > MAX_USERS {
            return Err(LoadHttpError::option(
                "--users",
                self.users.to_string(),
                format!("must be between 1 and {MAX_USERS}"),
            ));
        }
        if let Some(hatch) = self.hatch_rate_per_s
            && !(hatch.is_finite() && hatch > 0.0)
        {
            return Err(LoadHttpError::option(
                "--hatch-rate",
                hatch.to_string(),
                "must be a positive number of users per second",
            ));
        }
        if let Some(rate) = self.rate_per_s
            && !(rate.is_finite() && rate > 0.0 && rate <= 1e6)
        {
            return Err(LoadHttpError::option(
                "--rate",
                rate.to_string(),
                "must be above 0 and at most 1000000/s",
            ));
        }
        self.check_stop()?;
        if self.request_timeout.is_zero() || self.request_timeout > MAX_DURATION {
            return Err(LoadHttpError::option(
                "--request-timeout",
                format!("{:?}", self.request_timeout),
                "must be between 1 ms and one day",
            ));
        }
        if self.headers.len() > MAX_HEADERS {
            return Err(LoadHttpError::option(
                "--header",
                self.headers.len().to_string(),
                format!("at most {MAX_HEADERS} headers"),
            ));
        }
        for (name, value) in &self.headers {
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte));
            if !valid_name || value.contains(['\r', '\n']) {
                return Err(LoadHttpError::option(
                    "--header",
                    format!("{name}: {value}"),
                    "expected NAME: VALUE with a token name and a one-line value",
                ));
            }
        }
        Ok((url, body))
    }

    fn check_stop(&self) -> Result<(), LoadHttpError> {
        match (self.stop.duration, self.stop.iterations) {
            (None, None) => Err(LoadHttpError::option(
                "--duration",
                "",
                "give --duration, --iterations or both, so the run stops by itself",
            )),
            (Some(duration), _) if duration.is_zero() || duration > MAX_DURATION => {
                Err(LoadHttpError::option(
                    "--duration",
                    format!("{:?}", duration),
                    "must be above zero and at most one day",
                ))
            }
            (_, Some(iterations)) if iterations == 0 || iterations > MAX_ITERATIONS => {
                Err(LoadHttpError::option(
                    "--iterations",
                    iterations.to_string(),
                    format!("must be between 1 and {MAX_ITERATIONS}"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Users started per second, as goose is told.
    pub(crate) fn effective_hatch_rate_per_s(&self) -> f64 {
        self.hatch_rate_per_s
            .unwrap_or(self.users.max(1) as f64 * 100.0)
    }

    /// The load as flags, for the report (`--users 2 --rate 50/s`).
    #[must_use]
    pub fn model_flags(&self) -> String {
        let mut flags = format!(
            "HTTP {} via goose, --users {}",
            self.method.as_str(),
            self.users
        );
        match self.rate_per_s {
            Some(rate) => flags.push_str(&format!(" --rate {rate}/s (paced, users cap)")),
            None => flags.push_str(" (closed loop)"),
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_name_their_option() {
        let options = HttpLoadOptions::new(StopCondition::duration(Duration::from_secs(1)));
        assert!(options.check().is_ok());
        let mut bad = options.clone();
        bad.users = 0;
        let error = bad.check().expect_err("no users");
        assert!(error.to_string().contains("--users"), "{error}");
        let mut bad = options.clone();
        bad.stop = StopCondition::default();
        assert!(bad.check().is_err());
        let mut bad = options.clone();
        bad.headers.push(("Bad Name".to_owned(), "x".to_owned()));
        assert!(bad.check().is_err());
        let mut bad = options;
        bad.rate_per_s = Some(f64::NAN);
        assert_eq!(bad.check().expect_err("nan").code(), "WFLH001");
    }
}
