//! Connecting the official client to a Temporal frontend.

use std::time::Duration;

use temporalio_client::{
    Client, ClientOptions, ClientTlsOptions, Connection, ConnectionOptions, TlsOptions, Url,
};

use crate::error::ConnectError;

/// How long to wait for the TCP connection before giving up: a missing server should fail fast
/// with a clear message rather than hang.
const CONNECT_TIMEOUT_MS: u64 = 10_000;

/// The identity the driver's client reports. Fixed, not `pid@host`, so that recorded histories
/// are byte-for-byte reproducible from one machine to the next.
pub const CLIENT_IDENTITY: &str = "wfkit-scenarios";

/// Where a Temporal frontend lives: `address` is `host:port` (as printed by
/// `temporal server start-dev`) or a full `http://` / `https://` URL.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerTarget {
    /// `host:port`, or a URL with a scheme.
    pub address: String,
    /// The namespace workflows run in.
    pub namespace: String,
    /// TLS settings; `None`: plaintext.
    pub tls: Option<WorkerTls>,
    /// Sent as `authorization: Bearer <key>` (Temporal Cloud).
    pub api_key: Option<String>,
}

impl std::fmt::Debug for ServerTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTarget")
            .field("address", &self.address)
            .field("namespace", &self.namespace)
            .field("tls", &self.tls)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// TLS for a worker or client connection, with the PEM contents already read.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct WorkerTls {
    /// The CA that signed the server's certificate (`None`: the system's roots).
    pub server_ca_pem: Option<Vec<u8>>,
    /// The name to verify the server's certificate against (`None`: the address's host).
    pub server_name: Option<String>,
    /// Client certificate and private key, for mutual TLS.
    pub client_cert_and_key_pem: Option<(Vec<u8>, Vec<u8>)>,
}

impl std::fmt::Debug for WorkerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerTls")
            .field("server_ca", &self.server_ca_pem.as_ref().map(Vec::len))
            .field("server_name", &self.server_name)
            .field("client_cert", &self.client_cert_and_key_pem.is_some())
            .finish()
    }
}

impl ServerTarget {
    /// A target for `address` and `namespace`.
    #[must_use]
    pub fn new(address: impl Into<String>, namespace: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            namespace: namespace.into(),
            tls: None,
            api_key: None,
        }
    }

    /// The same target over TLS.
    #[must_use]
    pub fn with_tls(mut self, tls: WorkerTls) -> Self {
        self.tls = Some(tls);
        self
    }

    /// The same target with an API key.
    #[must_use]
    pub fn with_api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The frontend URL: `address` as given if it has a scheme, otherwise `http://{address}`.
    pub fn url(&self) -> Result<Url, ConnectError> {
        let trimmed = self.address.trim();
        if trimmed.is_empty() {
            return Err(ConnectError::InvalidAddress {
                address: self.address.clone(),
                reason: "the address is empty".to_owned(),
            });
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else if self.tls.is_some() {
            format!("https://{trimmed}")
        } else {
            format!("http://{trimmed}")
        };
        Url::parse(&with_scheme).map_err(|e| ConnectError::InvalidAddress {
            address: self.address.clone(),
            reason: e.to_string(),
        })
    }

    /// Connects the official client and binds it to the namespace.
    pub async fn connect(&self) -> Result<Client, ConnectError> {
        let tls = self.tls.as_ref().map(|tls| {
            TlsOptions::builder()
                .maybe_server_root_ca_cert(tls.server_ca_pem.clone())
                .maybe_domain(tls.server_name.clone())
                .maybe_client_tls_options(tls.client_cert_and_key_pem.as_ref().map(
                    |(cert, key)| {
                        ClientTlsOptions::builder()
                            .client_cert(cert.clone())
                            .client_private_key(key.clone())
                            .build()
                    },
                ))
                .build()
        });
        let options = ConnectionOptions::new(self.url()?)
            .identity(CLIENT_IDENTITY)
            .connect_timeout(Duration::from_millis(CONNECT_TIMEOUT_MS))
            .maybe_tls_options(tls)
            .maybe_api_key(self.api_key.clone())
            .build();
        let connection =
            Connection::connect(options)
                .await
                .map_err(|source| ConnectError::Connect {
                    address: self.address.clone(),
                    source: Box::new(source),
                })?;
        Client::new(
            connection,
            ClientOptions::new(self.namespace.clone()).build(),
        )
        .map_err(|source| ConnectError::Client {
            namespace: self.namespace.clone(),
            source,
        })
    }
}

/// Connects the official client to `address` (`host:port` or URL) and binds it to `namespace`.
pub async fn connect(address: &str, namespace: &str) -> Result<Client, ConnectError> {
    ServerTarget::new(address, namespace).connect().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_host_port_gets_http_scheme() -> Result<(), ConnectError> {
        let url = ServerTarget::new("127.0.0.1:7233", "default").url()?;
        assert_eq!(url.as_str(), "http://127.0.0.1:7233/");
        let url = ServerTarget::new("https://example.test:7233", "default").url()?;
        assert_eq!(url.scheme(), "https");
        Ok(())
    }

    #[test]
    fn empty_and_malformed_addresses_are_rejected() {
        for bad in ["", "   ", "http://[::1"] {
            assert!(
                matches!(
                    ServerTarget::new(bad, "default").url(),
                    Err(ConnectError::InvalidAddress { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[tokio::test]
    async fn nothing_listening_is_a_connect_error_naming_the_address() {
        // Port 1 on loopback: reserved, nothing listens there.
        let err = connect("127.0.0.1:1", "default").await;
        match err {
            Err(e @ ConnectError::Connect { .. }) => {
                assert!(e.to_string().contains("127.0.0.1:1"), "{e}");
            }
            other => panic!("expected a connect error, got {other:?}"),
        }
    }
}
