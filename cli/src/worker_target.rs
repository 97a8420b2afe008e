//! The built-in worker's connection, from the connection flags every command shares: TLS
//! certificate files read, server name and API key passed on.

use std::path::Path;

use anyhow::{Context, bail};
use wfkit_cluster::ConnectOptions;
use wfkit_scenarios::{ServerTarget, WorkerTls};

/// The SDK worker's target for `options`.
pub(crate) fn worker_target(options: &ConnectOptions) -> anyhow::Result<ServerTarget> {
    let mut target = ServerTarget::new(options.address.clone(), options.namespace.clone());
    let tls = options
        .effective_tls()
        .with_context(|| format!("--address {}", options.address))?;
    if let Some(tls) = tls {
        let read = |path: &Path, flag: &str| {
            std::fs::read(path).with_context(|| format!("{flag} {}: cannot read", path.display()))
        };
        let server_ca_pem = match &tls.ca_cert_path {
            Some(path) => Some(read(path, "--tls-ca-path")?),
            None => None,
        };
        let client_cert_and_key_pem = match (&tls.client_cert_path, &tls.client_key_path) {
            (Some(cert), Some(key)) => {
                Some((read(cert, "--tls-cert-path")?, read(key, "--tls-key-path")?))
            }
            (None, None) => None,
            _ => bail!("--tls-cert-path and --tls-key-path must be given together"),
        };
        target = target.with_tls(WorkerTls {
            server_ca_pem,
            server_name: tls.server_name.clone(),
            client_cert_and_key_pem,
        });
    }
    if let Some(key) = &options.api_key {
        target = target.with_api_key(key.clone());
    }
    Ok(target)
}
