//! Serving the engine over gRPC on a loopback port.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tonic::codec::CompressionEncoding;

use crate::frontend::Frontend;
use crate::frontend::health::HealthService;
use crate::frontend::operator::OperatorFrontend;
use crate::frontend::test_service::TestControl;
use crate::services::health::health_server::HealthServer;
use crate::services::operatorservice::operator_service_server::OperatorServiceServer;
use crate::services::testservice::test_service_server::TestServiceServer;
use crate::services::workflowservice::workflow_service_server::WorkflowServiceServer;
use crate::shared::{EngineConfig, Shared};

/// Largest gRPC message accepted or sent (the real server's default is 4 MiB for requests and
/// up to 128 MiB for history responses).
const MAX_MESSAGE_BYTES: usize = 128 * 1024 * 1024;

/// Error starting the engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The address could not be bound.
    #[error(
        "[{}] cannot listen on {address}: {source}",
        crate::error::ErrorCode::Bind
    )]
    Bind {
        /// The address.
        address: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A running engine. Dropping it stops the server.
#[derive(Debug)]
pub struct Engine {
    pub(crate) shared: Arc<Shared>,
    address: SocketAddr,
    shutdown: watch::Sender<bool>,
    server: Arc<Mutex<Option<Server>>>,
    driver: Option<JoinHandle<()>>,
    restarter: Option<JoinHandle<()>>,
}

impl StartError {
    /// The stable code of this error.
    pub fn code(&self) -> crate::error::ErrorCode {
        match self {
            StartError::Bind { .. } => crate::error::ErrorCode::Bind,
        }
    }
}

impl Engine {
    /// Starts the engine on `listen` (use port 0 for any free port) inside the current tokio
    /// runtime.
    pub async fn start(listen: SocketAddr, config: EngineConfig) -> Result<Engine, StartError> {
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| StartError::Bind {
                address: listen.to_string(),
                source,
            })?;
        let address = listener.local_addr().map_err(|source| StartError::Bind {
            address: listen.to_string(),
            source,
        })?;
        let shared = Shared::new(config);
        let (shutdown, shutdown_rx) = watch::channel(false);
        let server = Arc::new(Mutex::new(Some(serve(
            shared.clone(),
            listener,
            shutdown_rx.clone(),
        ))));
        let driver = tokio::spawn(crate::driver::drive(shared.clone(), shutdown_rx.clone()));
        let restarter = tokio::spawn(restart_on_request(
            shared.clone(),
            address,
            server.clone(),
            shutdown_rx,
        ));
        Ok(Engine {
            shared,
            address,
            shutdown,
            server,
            driver: Some(driver),
            restarter: Some(restarter),
        })
    }

    /// The address clients connect to, such as `127.0.0.1:54321`.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The address as a URL for clients that want one: `http://127.0.0.1:54321`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stalls the engine: every RPC that arrives in the next `duration` (including polls and
    /// completions) waits until `duration` has passed before it is handled. For load tests that
    /// need a target that stops answering for a while.
    pub fn stall(&self, duration: std::time::Duration) {
        self.shared.stall.stall_for(duration);
    }

    /// Stops serving and waits for the server to finish.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(restarter) = self.restarter.take() {
            let _ = restarter.await;
        }
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(server) = server {
            let _ = server.task.await;
        }
        if let Some(driver) = self.driver.take() {
            let _ = driver.await;
        }
    }
}

/// Serves the engine's gRPC services on `listener` until `shutdown` turns true.
fn serve(
    shared: Arc<Shared>,
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
) -> Server {
    let (restart, mut restart_rx) = watch::channel(false);
    let frontend = Frontend {
        shared: shared.clone(),
    };
    let test_control = TestControl { shared };
    let workflow_service = WorkflowServiceServer::new(frontend)
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES)
        // The official SDKs compress requests with gzip, and accept gzip answers.
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);
    // Small gRPC frames must leave at once: without TCP_NODELAY, delayed ACKs add ~40 ms to every
    // poll and completion.
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let task = tokio::spawn(async move {
        let served = tonic::transport::Server::builder()
            .add_service(workflow_service)
            .add_service(HealthServer::new(HealthService))
            .add_service(
                OperatorServiceServer::new(OperatorFrontend)
                    .accept_compressed(CompressionEncoding::Gzip)
                    .send_compressed(CompressionEncoding::Gzip),
            )
            // The SDKs' time-skipping environments compress TestService calls too.
            .add_service(
                TestServiceServer::new(test_control)
                    .accept_compressed(CompressionEncoding::Gzip)
                    .send_compressed(CompressionEncoding::Gzip),
            )
            .serve_with_incoming_shutdown(incoming, async move {
                tokio::select! {
                    _ = shutdown.wait_for(|stop| *stop) => {}
                    _ = restart_rx.wait_for(|stop| *stop) => {}
                }
            })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the gRPC server stopped");
        }
    });
    Server { task, restart }
}

/// One incarnation of the gRPC server (a restart replaces it).
#[derive(Debug)]
struct Server {
    task: JoinHandle<()>,
    /// Stops only this incarnation, gracefully.
    restart: watch::Sender<bool>,
}

/// How long a restart waits for the old server to close its connections.
const RESTART_DRAIN: Duration = Duration::from_secs(2);
/// Binding the same port again can fail for a moment after the old listener closed.
const REBIND_ATTEMPTS: u32 = 50;
const REBIND_PAUSE: Duration = Duration::from_millis(20);

/// Restarts the server on the same address whenever a fault asks for it: waiting long polls
/// give up, the old server closes its connections, a new one serves the same state.
async fn restart_on_request(
    shared: Arc<Shared>,
    address: SocketAddr,
    server: Arc<Mutex<Option<Server>>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let restart = shared.lock().faults.restart.clone();
    loop {
        tokio::select! {
            () = restart.notified() => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        let old = server.lock().unwrap_or_else(|p| p.into_inner()).take();
        // The fault already ended the waiting long polls (`State::restart_engine`), so the
        // graceful stop can close every connection.
        if let Some(mut old) = old {
            let _ = old.restart.send(true);
            if tokio::time::timeout(RESTART_DRAIN, &mut old.task)
                .await
                .is_err()
            {
                old.task.abort();
            }
        }
        let mut listener = None;
        for _ in 0..REBIND_ATTEMPTS {
            match TcpListener::bind(address).await {
                Ok(bound) => {
                    listener = Some(bound);
                    break;
                }
                Err(_) => tokio::time::sleep(REBIND_PAUSE).await,
            }
        }
        let Some(listener) = listener else {
            tracing::error!(%address, "cannot listen on the address again after a restart");
            return;
        };
        let new = serve(shared.clone(), listener, shutdown.clone());
        *server.lock().unwrap_or_else(|p| p.into_inner()) = Some(new);
        // The new server serves: polls may hand out tasks again.
        let mut state = shared.lock();
        state.faults.restarting = false;
        state.matching.wake_all();
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(restarter) = self.restarter.take() {
            restarter.abort();
        }
        if let Some(server) = self.server.lock().unwrap_or_else(|p| p.into_inner()).take() {
            server.task.abort();
        }
        if let Some(driver) = self.driver.take() {
            driver.abort();
        }
    }
}
