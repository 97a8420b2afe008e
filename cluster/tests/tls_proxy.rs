//! TLS end to end: a TLS-terminating proxy (test certificates in `tests/data`) in front of a
//! real dev server, reached through `connect` with a CA file, a server name and, for mutual
//! TLS, a client certificate.

use crate::common;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use wfkit_cluster::{ConnectOptions, PullOptions, TlsOptions, connect, pull_histories};
use wfkit_devserver::DevServer;

use common::{closed_workflow, wait_for_visibility};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

async fn start_tls_proxy(upstream: String, require_client_cert: bool) -> Result<SocketAddr> {
    Ok(wfkit_devserver::start_tls_proxy(upstream, &data(""), require_client_cert).await?)
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
