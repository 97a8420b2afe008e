//! Connecting the official client to a Temporal frontend.

use std::time::Duration;

use temporalio_client::{Client, ClientOptions, Connection, ConnectionOptions, Url};

use crate::error::ConnectError;

/// How long to wait for the TCP connection before giving up: a missing server should fail fast
/// with a clear message rather than hang.
const CONNECT_TIMEOUT_MS: u64 = 10_000;

/// The identity the driver's client reports. Fixed, not `pid@host`, so that recorded histories
/// are byte-for-byte reproducible from one machine to the next.
pub const CLIENT_IDENTITY: &str = "wfkit-scenarios";

/// Where a Temporal frontend lives: `address` is `host:port` (as printed by
/// `temporal server start-dev`) or a full `http://` / `https://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTarget {
    /// `host:port`, or a URL with a scheme.
    pub address: String,
    /// The namespace workflows run in.
    pub namespace: String,
}

impl ServerTarget {
    /// A target for `address` and `namespace`.
    #[must_use]
    pub fn new(address: impl Into<String>, namespace: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            namespace: namespace.into(),
        }
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
        let options = ConnectionOptions::new(self.url()?)
            .identity(CLIENT_IDENTITY)
            .connect_timeout(Duration::from_millis(CONNECT_TIMEOUT_MS))
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
