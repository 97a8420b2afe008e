//! `wfkit load` with its built-in worker through mutual TLS and an API key: a TLS proxy that
//! demands a client certificate in front of the real dev server; the load generator's client
//! and the in-process SDK worker both connect through it.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

use anyhow::ensure;
use wfkit_devserver::{DevServer, start_tls_proxy};

fn certs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../cluster/tests/data")
}

#[tokio::test]
async fn the_built_in_worker_runs_load_through_mutual_tls() -> anyhow::Result<()> {
    let server = DevServer::start().await?;
    let proxy = start_tls_proxy(server.address(), &certs(), true).await?;
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("tls-run");
    let certs = certs();
    let path = |name: &str| certs.join(name).display().to_string();
    let args = vec![
        "load".to_string(),
        "--address".to_string(),
        proxy.to_string(),
        "--tls-ca-path".to_string(),
        path("ca.pem"),
        "--tls-cert-path".to_string(),
        path("client-cert.pem"),
        "--tls-key-path".to_string(),
        path("client-key.pem"),
        "--tls-server-name".to_string(),
        "temporal.test".to_string(),
        "--api-key".to_string(),
        "test-key".to_string(),
        "--scenario".to_string(),
        "activity".to_string(),
        "--rate".to_string(),
        "5/s".to_string(),
        "--iterations".to_string(),
        "5".to_string(),
        "--out".to_string(),
        out.display().to_string(),
    ];
    // The child process blocks; the proxy runs on this test's runtime meanwhile.
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_wfkit"))
            .args(&args)
            .output()
    })
    .await??;
    let shown = common::printed(&output);
    ensure!(output.status.code() == Some(0), "{shown}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json"))?)?;
    ensure!(report["counts"]["completed"] == 5, "{shown}");
    ensure!(report["counts"]["failed"] == 0, "{shown}");
    server.stop().await?;
    Ok(())
}
