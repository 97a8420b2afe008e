//! Where a Temporal frontend is and how to authenticate to it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::ClusterError;

/// The frontend of a local dev server, and the CLI's default.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:7233";
/// The namespace every server has.
pub const DEFAULT_NAMESPACE: &str = "default";
/// How long dialling (TCP and TLS handshake) may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// TLS settings. With no CA file the system's trusted roots verify the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// PEM file of the CA that signed the server's certificate (instead of the system roots).
    pub ca_cert_path: Option<PathBuf>,
    /// PEM file of the client certificate, for mutual TLS. Needs `client_key_path`.
    pub client_cert_path: Option<PathBuf>,
    /// PEM file of the client's private key, for mutual TLS. Needs `client_cert_path`.
    pub client_key_path: Option<PathBuf>,
    /// The name to verify the server's certificate against, when it differs from the host.
    pub server_name: Option<String>,
}

/// How to reach a Temporal frontend: a dev server, a self-hosted cluster or Temporal Cloud.
///
/// TLS is used when `tls` is set, when the address is an `https://` URL, or when an API key is
/// set (as the `temporal` CLI does), unless `disable_tls` says otherwise.
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct ConnectOptions {
    /// `host:port`, or an `http://` / `https://` URL.
    pub address: String,
    /// The namespace, also sent as `temporal-namespace` metadata on every call.
    pub namespace: String,
    /// TLS settings; `None` means "decide from the API key and the address".
    pub tls: Option<TlsOptions>,
    /// Never use TLS, even with an API key (e.g. a local proxy that adds TLS itself).
    pub disable_tls: bool,
    /// Sent as `authorization: Bearer <key>` on every call.
    pub api_key: Option<String>,
    /// How long dialling may take.
    pub connect_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions::new(DEFAULT_ADDRESS, DEFAULT_NAMESPACE)
    }
}

impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("address", &self.address)
            .field("namespace", &self.namespace)
            .field("tls", &self.tls)
            .field("disable_tls", &self.disable_tls)
            // Secrets stay out of logs and panic messages.
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// A parsed address: what tonic dials and whether the address itself asked for TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// `http://host:port` or `https://host:port`.
    pub(crate) uri: String,
    /// `host:port`, for messages.
    pub(crate) authority: String,
    /// `Some(true)` for `https://`, `Some(false)` for `http://`, `None` without a scheme.
    pub(crate) scheme_tls: Option<bool>,
}

impl ConnectOptions {
    /// Options for `address` and `namespace`, without TLS or credentials.
    pub fn new(address: impl Into<String>, namespace: impl Into<String>) -> Self {
        ConnectOptions {
            address: address.into(),
            namespace: namespace.into(),
            tls: None,
            disable_tls: false,
            api_key: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }

    /// Sends this API key (which turns TLS on unless [`ConnectOptions::disable_tls`] is set).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Uses TLS with these settings.
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.tls = Some(tls);
        self
    }

    /// The TLS settings that will be used, or `None` for plaintext, after applying the rules:
    /// explicit settings, an `https://` address or an API key turn TLS on; `disable_tls` or an
    /// `http://` address keep it off; contradictions are errors.
    pub fn effective_tls(&self) -> Result<Option<TlsOptions>, ClusterError> {
        let target = self.target()?;
        let contradiction = |message: &str| {
            Err(ClusterError::TlsConfig {
                message: message.to_owned(),
            })
        };
        if self.disable_tls {
            if self.tls.is_some() {
                return contradiction("TLS is disabled (--tls=false) but TLS settings were given");
            }
            if target.scheme_tls == Some(true) {
                return contradiction(
                    "TLS is disabled (--tls=false) but the address is an https:// URL",
                );
            }
            return Ok(None);
        }
        if let Some(tls) = &self.tls {
            if target.scheme_tls == Some(false) {
                return contradiction("TLS settings were given but the address is an http:// URL");
            }
            return Ok(Some(tls.clone()));
        }
        match target.scheme_tls {
            Some(true) => Ok(Some(TlsOptions::default())),
            Some(false) => Ok(None),
            None if self.api_key.is_some() => Ok(Some(TlsOptions::default())),
            None => Ok(None),
        }
    }

    /// Parses [`ConnectOptions::address`].
    pub(crate) fn target(&self) -> Result<Target, ClusterError> {
        let raw = self.address.trim();
        let invalid = |reason: &str| ClusterError::InvalidAddress {
            address: self.address.clone(),
            reason: reason.to_owned(),
        };
        let (rest, scheme_tls) = if let Some(rest) = raw.strip_prefix("https://") {
            (rest, Some(true))
        } else if let Some(rest) = raw.strip_prefix("http://") {
            (rest, Some(false))
        } else if raw.contains("://") {
            return Err(invalid(
                "only http:// and https:// URLs, or host:port, are understood",
            ));
        } else {
            (raw, None)
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err(invalid(
                "the address is empty; expected host:port such as 127.0.0.1:7233",
            ));
        }
        if authority.contains('/') {
            return Err(invalid("expected host:port without a path"));
        }
        let uri: tonic::transport::Uri = format!("http://{authority}")
            .parse()
            .map_err(|_| invalid("expected host:port such as 127.0.0.1:7233"))?;
        if uri.host().is_none_or(str::is_empty) {
            return Err(invalid("the host is missing; expected host:port"));
        }
        if uri.port_u16().is_none() {
            return Err(invalid(
                "the port is missing; expected host:port (Temporal's is usually 7233)",
            ));
        }
        let scheme = if self.effective_scheme_is_tls(scheme_tls) {
            "https"
        } else {
            "http"
        };
        Ok(Target {
            uri: format!("{scheme}://{authority}"),
            authority: authority.to_owned(),
            scheme_tls,
        })
    }

    fn effective_scheme_is_tls(&self, scheme_tls: Option<bool>) -> bool {
        if self.disable_tls {
            return false;
        }
        match scheme_tls {
            Some(tls) => tls,
            None => self.tls.is_some() || self.api_key.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tls_of(options: &ConnectOptions) -> Option<TlsOptions> {
        options
            .effective_tls()
            .unwrap_or_else(|error| panic!("{options:?}: {error}"))
    }

    #[test]
    fn plaintext_by_default() {
        let options = ConnectOptions::default();
        assert_eq!(tls_of(&options), None);
        assert!(
            options
                .target()
                .is_ok_and(|target| target.uri == "http://127.0.0.1:7233")
        );
    }

    #[test]
    fn an_api_key_implies_tls_unless_disabled() {
        let options = ConnectOptions::new("ns.acct.tmprl.cloud:7233", "ns.acct").api_key("secret");
        assert_eq!(tls_of(&options), Some(TlsOptions::default()));
        assert!(
            options
                .target()
                .is_ok_and(|target| target.uri == "https://ns.acct.tmprl.cloud:7233")
        );

        let mut plaintext = options;
        plaintext.disable_tls = true;
        assert_eq!(tls_of(&plaintext), None);
        assert!(
            plaintext
                .target()
                .is_ok_and(|target| target.uri == "http://ns.acct.tmprl.cloud:7233")
        );
    }

    #[test]
    fn url_schemes_choose_tls() {
        assert!(tls_of(&ConnectOptions::new("https://example.com:443", "default")).is_some());
        assert!(tls_of(&ConnectOptions::new("http://localhost:7233/", "default")).is_none());
    }

    #[test]
    fn contradictions_are_errors() {
        let mut disabled_with_files = ConnectOptions::default().tls(TlsOptions {
            ca_cert_path: Some("ca.pem".into()),
            ..TlsOptions::default()
        });
        disabled_with_files.disable_tls = true;
        let plain_url_with_tls =
            ConnectOptions::new("http://localhost:7233", "default").tls(TlsOptions::default());
        for options in [disabled_with_files, plain_url_with_tls] {
            assert!(
                matches!(options.effective_tls(), Err(ClusterError::TlsConfig { .. })),
                "{options:?}"
            );
        }
    }

    #[test]
    fn bad_addresses_say_what_is_expected() {
        for (address, expected) in [
            ("", "empty"),
            ("localhost", "port is missing"),
            ("grpc://localhost:7233", "only http://"),
            ("localhost:7233/api", "without a path"),
            (":7233", "host"),
        ] {
            let error = ConnectOptions::new(address, "default").target().err();
            let text = error.map(|error| error.to_string()).unwrap_or_default();
            assert!(
                text.starts_with("[WFC001]") && text.contains(expected),
                "{address:?}: {text}"
            );
        }
    }

    #[test]
    fn debug_output_never_shows_the_api_key() {
        let options = ConnectOptions::default().api_key("very-secret-key");
        let shown = format!("{options:?}");
        assert!(!shown.contains("very-secret-key"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
