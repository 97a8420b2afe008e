//! TLS end to end: a TLS-terminating proxy (test certificates in `tests/data`) in front of a
//! real dev server, reached through `connect` with a CA file, a server name and, for mutual
//! TLS, a client certificate.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig};
use wfkit_cluster::{ConnectOptions, PullOptions, TlsOptions, connect, pull_histories};
use wfkit_devserver::DevServer;

use common::{closed_workflow, wait_for_visibility};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Accepts TLS on a free loopback port and forwards the plaintext to `upstream`; with
/// `require_client_cert`, only clients presenting a certificate signed by the test CA get in.
/// The accept loop ends with the test's runtime.
async fn start_tls_proxy(upstream: String, require_client_cert: bool) -> Result<SocketAddr> {
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let certs =
        CertificateDer::pem_file_iter(data("server-cert.pem"))?.collect::<Result<Vec<_>, _>>()?;
    let key = PrivateKeyDer::from_pem_file(data("server-key.pem"))?;
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()?;
    let mut config = if require_client_cert {
        let mut roots = RootCertStore::empty();
        roots.add(CertificateDer::from_pem_file(data("ca.pem"))?)?;
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider).build()?;
        builder
            .with_client_cert_verifier(verifier)
            .with_single_cert(certs, key)?
    } else {
        builder.with_no_client_auth().with_single_cert(certs, key)?
    };
    // gRPC clients insist on HTTP/2 being negotiated.
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(config));

    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let address = listener.local_addr()?;
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

fn tls_options(proxy: SocketAddr, client_cert: bool, server_name: &str) -> ConnectOptions {
    let (client_cert_path, client_key_path) = if client_cert {
        (Some(data("client-cert.pem")), Some(data("client-key.pem")))
    } else {
        (None, None)
    };
    ConnectOptions::new(proxy.to_string(), "default").tls(TlsOptions {
        ca_cert_path: Some(data("ca.pem")),
        client_cert_path,
        client_key_path,
        server_name: Some(server_name.to_owned()),
    })
}

#[tokio::test]
async fn pulls_through_tls_with_a_private_ca_and_server_name() -> Result<()> {
    let server = DevServer::start().await?;
    let proxy = start_tls_proxy(server.address(), false).await?;
    let client = connect(&tls_options(proxy, false, "temporal.test").api_key("test-key")).await?;

    closed_workflow(&client, "OrderWorkflow", "over-tls").await?;
    wait_for_visibility(&client, "WorkflowId = 'over-tls'", 1).await?;
    let out = tempfile::tempdir()?;
    let report = pull_histories(&client, &PullOptions::new("default", out.path()), |_| {}).await?;
    assert_eq!(report.written.len(), 1, "{report:?}");
    let pulled = report.written.first().context("one history")?;
    wfkit_history::load_file(&pulled.path)?;

    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn mutual_tls_needs_the_client_certificate() -> Result<()> {
    let server = DevServer::start().await?;
    let proxy = start_tls_proxy(server.address(), true).await?;

    connect(&tls_options(proxy, true, "temporal.test")).await?;
    let refused = connect(&tls_options(proxy, false, "temporal.test")).await;
    let error = refused
        .err()
        .context("a client without a certificate must be refused")?;
    assert_eq!(error.code(), "WFC005", "{error}");
    assert!(error.to_string().contains("--tls-cert-path"), "{error}");

    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_certificate_for_another_name_or_an_unknown_ca_is_refused() -> Result<()> {
    let server = DevServer::start().await?;
    let proxy = start_tls_proxy(server.address(), false).await?;

    let wrong_name = connect(&tls_options(proxy, false, "wrong.example")).await;
    let error = wrong_name
        .err()
        .context("the certificate is not valid for wrong.example")?;
    assert_eq!(error.code(), "WFC005", "{error}");
    assert!(error.to_string().contains("--tls-server-name"), "{error}");

    // The system roots do not know the test CA.
    let system_roots = ConnectOptions::new(proxy.to_string(), "default").tls(TlsOptions {
        server_name: Some("temporal.test".to_owned()),
        ..TlsOptions::default()
    });
    let error = connect(&system_roots)
        .await
        .err()
        .context("the test CA is not trusted by default")?;
    assert_eq!(error.code(), "WFC005", "{error}");

    server.stop().await?;
    Ok(())
}
