//! The running dev server: spawn, wait until it answers, stop, kill on drop.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use temporalio_protos::temporal::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use tokio::process::{Child, Command};
use tokio::time::Instant;
use tonic::transport::Channel;

use crate::binary::find_temporal_binary;
use crate::error::DevServerError;
use crate::options::{DEFAULT_NAMESPACE, DevServerOptions};
use crate::output_tail::OutputTail;
use crate::ports::free_loopback_ports;
use crate::readiness;

/// First pause between readiness probes; doubles up to [`PROBE_DELAY_MAX`].
const PROBE_DELAY_MIN: Duration = Duration::from_millis(50);
const PROBE_DELAY_MAX: Duration = Duration::from_millis(500);
/// How long to wait for the output readers after the process ended.
const OUTPUT_SETTLE: Duration = Duration::from_secs(2);
/// What the CLI prints when a port was taken between reservation and bind.
const PORT_TAKEN: &str = "address already in use";

/// A real Temporal server (`temporal server start-dev`, in-memory store) owned by this value.
///
/// The server listens on 127.0.0.1 only, on ports picked for it. It is killed by
/// [`DevServer::stop`] or, failing that, when the value is dropped (including during a panic
/// unwinding through a test), so no process is left behind.
///
/// ```no_run
/// # async fn demo() -> Result<(), wfkit_devserver::DevServerError> {
/// let server = wfkit_devserver::DevServer::start().await?;
/// let mut client = server.client().await?;
/// // ... drive it over gRPC at server.address() ...
/// server.stop().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct DevServer {
    child: Child,
    pid: Option<u32>,
    binary: PathBuf,
    grpc_port: u16,
    http_port: u16,
    namespaces: Vec<String>,
    output: OutputTail,
}

impl DevServer {
    /// Starts a server with [`DevServerOptions::default`].
    pub async fn start() -> Result<DevServer, DevServerError> {
        DevServer::start_with(DevServerOptions::default()).await
    }

    /// Starts a server and waits until it answers `GetSystemInfo` and `DescribeNamespace` for
    /// every namespace. When the chosen ports were taken meanwhile, starts over on fresh ports,
    /// up to `options.bind_attempts` times.
    pub async fn start_with(options: DevServerOptions) -> Result<DevServer, DevServerError> {
        let binary = match &options.binary {
            Some(path) => path.clone(),
            None => find_temporal_binary()?,
        };
        let mut attempt = 1;
        loop {
            match launch(&binary, &options).await {
                Err(DevServerError::ExitedEarly { output_tail, .. })
                    if output_tail.contains(PORT_TAKEN) && attempt < options.bind_attempts =>
                {
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// The gRPC frontend, `127.0.0.1:PORT`: what `--address` of the `temporal` CLI takes.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.grpc_port)
    }

    /// The gRPC frontend as a URL, `http://127.0.0.1:PORT`: what tonic and the SDKs take.
    pub fn url(&self) -> String {
        format!("http://{}", self.address())
    }

    /// The gRPC frontend port.
    pub fn grpc_port(&self) -> u16 {
        self.grpc_port
    }

    /// The port of Temporal's HTTP API (`--http-port`).
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// The namespace every dev server has: `default`.
    pub fn namespace(&self) -> &str {
        DEFAULT_NAMESPACE
    }

    /// Every namespace created at launch: `default`, then the extra ones asked for.
    pub fn namespaces(&self) -> &[String] {
        &self.namespaces
    }

    /// The `temporal` CLI that runs this server (also usable as a client of it).
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// The server's process id, while it is known.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// The last lines the server wrote, stderr first; for diagnosing a failing test.
    pub fn output_tail(&self) -> String {
        self.output.render()
    }

    /// A plain gRPC client of the frontend, without namespace metadata or credentials.
    pub async fn client(&self) -> Result<WorkflowServiceClient<Channel>, DevServerError> {
        readiness::connect(&self.address())
            .await
            .map_err(|message| DevServerError::Connect {
                address: self.address(),
                message,
            })
    }

    /// Kills the server and waits until the process is gone.
    ///
    /// The store is in memory, so there is nothing to flush and no reason to wait for a
    /// graceful shutdown (which takes seconds).
    pub async fn stop(mut self) -> Result<(), DevServerError> {
        let pid = self.pid;
        let already_exited = self
            .child
            .try_wait()
            .map_err(|source| DevServerError::Stop { pid, source })?
            .is_some();
        if !already_exited {
            self.child
                .kill()
                .await
                .map_err(|source| DevServerError::Stop { pid, source })?;
        }
        self.output.settle(OUTPUT_SETTLE).await;
        Ok(())
    }
}

/// One attempt: fresh ports, spawn, probe until ready, exit or deadline.
async fn launch(binary: &Path, options: &DevServerOptions) -> Result<DevServer, DevServerError> {
    let ports = free_loopback_ports(2)?;
    let (grpc_port, http_port) = (ports[0], ports[1]);
    let args = options.command_args(grpc_port, http_port)?;

    let mut command = Command::new(binary);
    command
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // The CLI reads connection and logging settings from TEMPORAL_* variables and its config
    // file; a developer's shell settings must not change the test server.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TEMPORAL_") {
            command.env_remove(&key);
        }
    }
    let mut child = command.spawn().map_err(|source| DevServerError::Spawn {
        binary: binary.to_path_buf(),
        source,
    })?;
    let pid = child.id();
    let mut output = OutputTail::drain(child.stdout.take(), child.stderr.take());

    let address = format!("127.0.0.1:{grpc_port}");
    let namespaces = options.all_namespaces();
    let deadline = Instant::now() + options.startup_timeout;
    let mut delay = PROBE_DELAY_MIN;
    let mut last_error = String::from("no probe finished");
    loop {
        match child.try_wait() {
            Ok(None) => {}
            Ok(Some(status)) => {
                output.settle(OUTPUT_SETTLE).await;
                return Err(DevServerError::ExitedEarly {
                    status: describe_status(status),
                    output_tail: output.render(),
                });
            }
            Err(error) => last_error = format!("could not check the process: {error}"),
        }

        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            // Best effort: the error below is what matters, and kill_on_drop backs this up.
            let _ = child.kill().await;
            output.settle(OUTPUT_SETTLE).await;
            return Err(DevServerError::StartupTimeout {
                address,
                timeout_ms: u64::try_from(options.startup_timeout.as_millis()).unwrap_or(u64::MAX),
                last_error,
                output_tail: output.render(),
            });
        }

        match tokio::time::timeout(remaining, readiness::probe(&address, &namespaces)).await {
            Ok(Ok(())) => {
                return Ok(DevServer {
                    child,
                    pid,
                    binary: binary.to_path_buf(),
                    grpc_port,
                    http_port,
                    namespaces,
                    output,
                });
            }
            Ok(Err(error)) => last_error = error,
            Err(_) => last_error = "the probe did not finish before the deadline".to_owned(),
        }
        tokio::time::sleep(delay.min(deadline.saturating_duration_since(Instant::now()))).await;
        delay = (delay * 2).min(PROBE_DELAY_MAX);
    }
}

fn describe_status(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit code {code}"),
        None => format!("{status}"),
    }
}
