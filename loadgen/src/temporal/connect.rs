//! Connecting the official client with wfkit's connection options (address, namespace, TLS,
//! mutual TLS, API key).

use std::path::Path;

use temporalio_client::errors::ClientConnectError;
use temporalio_client::{
    ClientTlsOptions, Connection, ConnectionOptions, RetryOptions, TlsOptions, Url,
};
use wfkit_cluster::ConnectOptions;

use super::status_label::code_name;
use crate::LoadgenError;

/// The identity the load generator's calls carry (shown in histories as the starter).
pub const LOADGEN_IDENTITY: &str = "wfkit-loadgen";

/// Connects to the frontend in `options` and checks that it answers (the client calls
/// GetSystemInfo), so a wrong address, TLS mismatch or rejected key fails here, before the
/// run, with [`LoadgenError::Connect`] naming the address.
///
/// The connection never retries a call: every failure is counted by the run.
pub async fn connect(options: &ConnectOptions) -> Result<Connection, LoadgenError> {
    let address = options.address.trim().to_owned();
    let fail = |message: String| LoadgenError::Connect {
        address: address.clone(),
        message,
    };
    // Validates the address and settles TLS the way every wfkit command does.
    let tls = options
        .effective_tls()
        .map_err(|error| fail(error.to_string()))?;
    let authority = address
        .strip_prefix("https://")
        .or_else(|| address.strip_prefix("http://"))
        .unwrap_or(&address)
        .trim_end_matches('/');
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = Url::parse(&format!("{scheme}://{authority}"))
        .map_err(|error| fail(format!("not a host:port address: {error}")))?;
    let tls_options = match &tls {
        Some(tls) => Some(client_tls(tls).map_err(fail)?),
        None => None,
    };
    let connection_options = ConnectionOptions::new(url)
        .identity(LOADGEN_IDENTITY)
        .connect_timeout(options.connect_timeout)
        .retry_options(RetryOptions::no_retries())
        .maybe_tls_options(tls_options)
        .maybe_api_key(options.api_key.clone())
        .build();
    Connection::connect(connection_options)
        .await
        .map_err(|error| {
            let text = describe(&error);
            let hint = if text.contains("Connection refused") || text.contains("ConnectionRefused")
            {
                " (nothing listens there: is the server running, and is the port right?)"
            } else if tls.is_none() && text.to_ascii_lowercase().contains("broken pipe") {
                " (does the server want TLS? give --tls)"
            } else {
                ""
            };
            fail(format!("{text}{hint}"))
        })
}

/// The error in words: the call's status, or the chain of causes (the client's own `Display`
/// shows debug output).
fn describe(error: &ClientConnectError) -> String {
    if let ClientConnectError::SystemInfoCallError(status) = error {
        return format!(
            "GetSystemInfo failed: {}: {}",
            code_name(status.code()),
            status.message()
        );
    }
    let mut parts: Vec<String> = Vec::new();
    let mut cause = std::error::Error::source(error);
    // Bounded by the chain's length; error chains are short and acyclic.
    while let Some(current) = cause {
        let text = current.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        cause = current.source();
    }
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}

/// The client's TLS settings from wfkit's: PEM files read into memory.
fn client_tls(tls: &wfkit_cluster::TlsOptions) -> Result<TlsOptions, String> {
    let read = |path: &Path, what: &str| {
        std::fs::read(path)
            .map_err(|error| format!("cannot read {what} {}: {error}", path.display()))
    };
    let server_root_ca_cert = tls
        .ca_cert_path
        .as_deref()
        .map(|path| read(path, "the CA certificate (--tls-ca-path)"))
        .transpose()?;
    let client_tls_options = match (&tls.client_cert_path, &tls.client_key_path) {
        (Some(cert), Some(key)) => Some(
            ClientTlsOptions::builder()
                .client_cert(read(cert, "the client certificate (--tls-cert-path)")?)
                .client_private_key(read(key, "the client key (--tls-key-path)")?)
                .build(),
        ),
        (None, None) => None,
        _ => {
            return Err("mutual TLS needs both --tls-cert-path and --tls-key-path".to_owned());
        }
    };
    Ok(TlsOptions::builder()
        .maybe_server_root_ca_cert(server_root_ca_cert)
        .maybe_domain(tls.server_name.clone())
        .maybe_client_tls_options(client_tls_options)
        .build())
}
