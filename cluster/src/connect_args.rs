//! The connection flags every wfkit command that talks to a server shares.
//!
//! Names and environment variables are those of the `temporal` CLI, so a shell set up for it
//! (`TEMPORAL_ADDRESS`, `TEMPORAL_API_KEY`, ...) works unchanged.

use std::fmt;
use std::path::PathBuf;

use clap::builder::BoolishValueParser;

use crate::connect_options::{ConnectOptions, DEFAULT_CONNECT_TIMEOUT, TlsOptions};

/// Connection flags: `#[command(flatten)]` them into a command's arguments.
#[derive(Clone, clap::Args)]
pub struct ConnectArgs {
    /// Temporal frontend: host:port, or an http:// / https:// URL.
    #[arg(long, env = "TEMPORAL_ADDRESS", default_value = crate::connect_options::DEFAULT_ADDRESS)]
    pub address: String,

    /// Namespace.
    #[arg(long, env = "TEMPORAL_NAMESPACE", default_value = crate::connect_options::DEFAULT_NAMESPACE)]
    pub namespace: String,

    /// Use TLS. On by default when an API key or any TLS flag is given; --tls=false turns it off.
    #[arg(
        long,
        env = "TEMPORAL_TLS",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new(),
    )]
    pub tls: Option<bool>,

    /// PEM file of the CA that signed the server certificate (default: the system's roots).
    #[arg(long, env = "TEMPORAL_TLS_SERVER_CA_CERT_PATH", value_name = "FILE")]
    pub tls_ca_path: Option<PathBuf>,

    /// PEM file of the client certificate, for mutual TLS.
    #[arg(long, env = "TEMPORAL_TLS_CLIENT_CERT_PATH", value_name = "FILE")]
    pub tls_cert_path: Option<PathBuf>,

    /// PEM file of the client private key, for mutual TLS.
    #[arg(long, env = "TEMPORAL_TLS_CLIENT_KEY_PATH", value_name = "FILE")]
    pub tls_key_path: Option<PathBuf>,

    /// Server name to verify the certificate against, when it differs from the address host.
    #[arg(long, env = "TEMPORAL_TLS_SERVER_NAME", value_name = "NAME")]
    pub tls_server_name: Option<String>,

    /// API key, sent as `authorization: Bearer <key>`; implies TLS unless --tls=false.
    #[arg(
        long,
        env = "TEMPORAL_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
}

impl fmt::Debug for ConnectArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectArgs")
            .field("address", &self.address)
            .field("namespace", &self.namespace)
            .field("tls", &self.tls)
            .field("tls_ca_path", &self.tls_ca_path)
            .field("tls_cert_path", &self.tls_cert_path)
            .field("tls_key_path", &self.tls_key_path)
            .field("tls_server_name", &self.tls_server_name)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl ConnectArgs {
    /// The options these flags describe. Contradictions (such as `--tls=false` with a CA file)
    /// are reported by [`crate::connect`].
    pub fn to_options(&self) -> ConnectOptions {
        let tls_files_given = self.tls_ca_path.is_some()
            || self.tls_cert_path.is_some()
            || self.tls_key_path.is_some()
            || self.tls_server_name.is_some();
        let tls = if tls_files_given || self.tls == Some(true) {
            Some(TlsOptions {
                ca_cert_path: self.tls_ca_path.clone(),
                client_cert_path: self.tls_cert_path.clone(),
                client_key_path: self.tls_key_path.clone(),
                server_name: self.tls_server_name.clone(),
            })
        } else {
            None
        };
        ConnectOptions {
            address: self.address.clone(),
            namespace: self.namespace.clone(),
            tls,
            disable_tls: self.tls == Some(false),
            // An empty TEMPORAL_API_KEY means "no key", as for the temporal CLI.
            api_key: self.api_key.clone().filter(|key| !key.trim().is_empty()),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }
}

impl From<ConnectArgs> for ConnectOptions {
    fn from(args: ConnectArgs) -> Self {
        args.to_options()
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        connect: ConnectArgs,
    }

    fn parse(args: &[&str]) -> ConnectArgs {
        let argv = std::iter::once("wfkit").chain(args.iter().copied());
        match Cli::try_parse_from(argv) {
            Ok(cli) => cli.connect,
            Err(error) => panic!("{args:?}: {error}"),
        }
    }

    #[test]
    fn tls_flag_forms() {
        assert_eq!(parse(&["--tls"]).tls, Some(true));
        assert_eq!(parse(&["--tls=false"]).tls, Some(false));
        assert_eq!(parse(&["--tls=true"]).tls, Some(true));
    }

    #[test]
    fn api_key_turns_tls_on_and_tls_false_turns_it_off() {
        let options =
            parse(&["--address", "ns.acct.tmprl.cloud:7233", "--api-key", "k"]).to_options();
        assert_eq!(options.api_key.as_deref(), Some("k"));
        assert!(options.effective_tls().is_ok_and(|tls| tls.is_some()));

        let plaintext = parse(&["--api-key", "k", "--tls=false"]).to_options();
        assert!(plaintext.disable_tls);
        assert!(plaintext.effective_tls().is_ok_and(|tls| tls.is_none()));
    }

    #[test]
    fn tls_files_turn_tls_on_and_are_carried_over() {
        let options = parse(&[
            "--tls-ca-path",
            "ca.pem",
            "--tls-cert-path",
            "client.pem",
            "--tls-key-path",
            "client.key",
            "--tls-server-name",
            "temporal.test",
        ])
        .to_options();
        assert_eq!(
            options.tls,
            Some(TlsOptions {
                ca_cert_path: Some("ca.pem".into()),
                client_cert_path: Some("client.pem".into()),
                client_key_path: Some("client.key".into()),
                server_name: Some("temporal.test".into()),
            })
        );
    }

    #[test]
    fn the_api_key_is_not_shown_in_debug_output() {
        let shown = format!("{:?}", parse(&["--api-key", "very-secret-key"]));
        assert!(!shown.contains("very-secret-key"), "{shown}");
    }
}
