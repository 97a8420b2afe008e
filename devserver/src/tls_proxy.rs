//! A TLS-terminating proxy for tests: TLS on a free loopback port, plaintext to a server behind
//! it (a dev server, which speaks no TLS itself), so TLS and mutual TLS paths are tested
//! against a real Temporal server.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig};

use crate::error_code::ErrorCode;

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
#[error("[WFD020] cannot start the TLS proxy: {0}")]
pub struct TlsProxyError(String);

impl TlsProxyError {
    /// The stable code, `WFD020` (the registry's [`ErrorCode::as_str`]).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as data: its meaning and what to do ([`ErrorCode`]).
    pub fn error_code(&self) -> ErrorCode {
        ErrorCode::TlsProxy
    }

    pub(crate) fn new(reason: impl std::fmt::Display) -> TlsProxyError {
        TlsProxyError(reason.to_string())
    }
}

fn failed(error: impl std::fmt::Display) -> TlsProxyError {
    TlsProxyError::new(error)
}

/// Accepts TLS on a free loopback port and forwards the plaintext to `upstream`. `certs` holds
/// `server-cert.pem`, `server-key.pem` and, for `require_client_cert`, the `ca.pem` that signs
/// the client certificates it lets in. The accept loop ends with the caller's runtime.
pub async fn start_tls_proxy(
    upstream: String,
    certs: &Path,
    require_client_cert: bool,
) -> Result<SocketAddr, TlsProxyError> {
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let chain = CertificateDer::pem_file_iter(certs.join("server-cert.pem"))
        .map_err(failed)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(failed)?;
    let key = PrivateKeyDer::from_pem_file(certs.join("server-key.pem")).map_err(failed)?;
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(failed)?;
    let mut config = if require_client_cert {
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_file(certs.join("ca.pem")).map_err(failed)?)
            .map_err(failed)?;
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(failed)?;
        builder
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .map_err(failed)?
    } else {
        builder
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(failed)?
    };
    // gRPC clients insist on HTTP/2 being negotiated.
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(config));

    let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(failed)?;
    let address = listener.local_addr().map_err(failed)?;
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                // A refused handshake just closes the connection: that is what the client sees.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    Ok(address)
}
