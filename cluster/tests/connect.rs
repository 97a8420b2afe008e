//! `connect` against real endpoints: a dev server, a closed port, TLS to a plaintext server, and
//! bad certificate files.

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use wfkit_cluster::{ClusterError, ConnectOptions, TlsOptions, connect};
use wfkit_devserver::DevServer;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

async fn connect_error(options: &ConnectOptions) -> Result<ClusterError> {
    connect(options)
        .await
        .err()
        .context("connect should have failed")
}

#[tokio::test]
async fn connects_to_a_dev_server_and_sends_an_api_key_when_told_to_skip_tls() -> Result<()> {
    let server = DevServer::start().await?;
    connect(&ConnectOptions::new(server.address(), "default")).await?;
    connect(&ConnectOptions::new(server.url(), "default")).await?;
    // The dev server ignores credentials; the call must still go through with the header set.
    let mut with_key = ConnectOptions::new(server.address(), "default").api_key("test-key");
    with_key.disable_tls = true;
    connect(&with_key).await?;
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_closed_port_is_reported_as_unreachable() -> Result<()> {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let address = format!("127.0.0.1:{port}");
    let error = connect_error(&ConnectOptions::new(&address, "default")).await?;
    assert_eq!(error.code(), "WFC005", "{error}");
    let text = error.to_string();
    assert!(text.contains(&address), "{text}");
    assert!(text.to_ascii_lowercase().contains("refused"), "{text}");
    Ok(())
}

#[tokio::test]
async fn tls_to_a_plaintext_server_fails_with_a_hint() -> Result<()> {
    let server = DevServer::start().await?;
    // An API key implies TLS; the dev server does not speak it.
    let options = ConnectOptions::new(server.address(), "default").api_key("test-key");
    let error = connect_error(&options).await?;
    assert_eq!(error.code(), "WFC005", "{error}");
    assert!(error.to_string().contains("--tls=false"), "{error}");
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn bad_certificate_files_are_named() -> Result<()> {
    let missing = data("no-such-ca.pem");
    let tls = |ca: PathBuf| {
        ConnectOptions::default().tls(TlsOptions {
            ca_cert_path: Some(ca),
            ..TlsOptions::default()
        })
    };

    let error = connect_error(&tls(missing.clone())).await?;
    assert_eq!(error.code(), "WFC002", "{error}");
    assert!(
        error.to_string().contains(&missing.display().to_string()),
        "{error}"
    );

    // A key where the CA should be: named, with the likely mistake spelled out.
    let key = data("client-key.pem");
    let error = connect_error(&tls(key.clone())).await?;
    let text = error.to_string();
    assert!(
        text.contains(&key.display().to_string()) && text.contains("swapped"),
        "{text}"
    );

    // Garbage in PEM armour.
    let dir = tempfile::tempdir()?;
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(
        &garbage,
        "-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n",
    )?;
    let error = connect_error(&tls(garbage.clone())).await?;
    assert!(error.to_string().contains("garbage.pem"), "{error}");

    // A certificate where the client key should be.
    let options = ConnectOptions::default().tls(TlsOptions {
        ca_cert_path: Some(data("ca.pem")),
        client_cert_path: Some(data("client-cert.pem")),
        client_key_path: Some(data("client-cert.pem")),
        server_name: None,
    });
    let error = connect_error(&options).await?;
    assert_eq!(error.code(), "WFC002", "{error}");
    assert!(error.to_string().contains("client key"), "{error}");

    // A certificate without its key.
    let options = ConnectOptions::default().tls(TlsOptions {
        client_cert_path: Some(data("client-cert.pem")),
        ..TlsOptions::default()
    });
    assert_eq!(connect_error(&options).await?.code(), "WFC003");
    Ok(())
}
