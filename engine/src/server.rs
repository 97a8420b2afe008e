//! Serving the engine over gRPC on a loopback port.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tonic::codec::CompressionEncoding;

use crate::frontend::Frontend;
use crate::frontend::health::HealthService;
use crate::frontend::test_service::TestControl;
use crate::services::health::health_server::HealthServer;
use crate::services::testservice::test_service_server::TestServiceServer;
use crate::services::workflowservice::workflow_service_server::WorkflowServiceServer;
use crate::shared::{EngineConfig, Shared};

/// Largest gRPC message accepted or sent (the real server's default is 4 MiB for requests and
/// up to 128 MiB for history responses).
const MAX_MESSAGE_BYTES: usize = 128 * 1024 * 1024;

/// Error starting the engine.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The address could not be bound.
    #[error("[WFE101] cannot listen on {address}: {source}")]
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
    server: Option<JoinHandle<()>>,
    driver: Option<JoinHandle<()>>,
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
        let frontend = Frontend {
            shared: shared.clone(),
        };
        let test_control = TestControl {
            shared: shared.clone(),
        };
        let workflow_service = WorkflowServiceServer::new(frontend)
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES)
            // The official SDKs compress requests with gzip, and accept gzip answers.
            .accept_compressed(CompressionEncoding::Gzip)
            .send_compressed(CompressionEncoding::Gzip);
        let mut server_shutdown = shutdown_rx.clone();
        // Small gRPC frames must leave at once: without TCP_NODELAY, delayed ACKs add ~40 ms to every
        // poll and completion.
        let incoming =
            tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
        let server = tokio::spawn(async move {
            let served = tonic::transport::Server::builder()
                .add_service(workflow_service)
                .add_service(HealthServer::new(HealthService))
                .add_service(TestServiceServer::new(test_control))
                .serve_with_incoming_shutdown(incoming, async move {
                    let _ = server_shutdown.changed().await;
                })
                .await;
            if let Err(error) = served {
                eprintln!("wfkit engine: the gRPC server stopped: {error}");
            }
        });
        let driver = tokio::spawn(crate::driver::drive(shared.clone(), shutdown_rx));
        Ok(Engine {
            shared,
            address,
            shutdown,
            server: Some(server),
            driver: Some(driver),
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
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(driver) = self.driver.take() {
            let _ = driver.await;
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some(driver) = self.driver.take() {
            driver.abort();
        }
    }
}
