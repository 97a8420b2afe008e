//! Building tonic's TLS configuration from files, with errors that name the file at fault.

use std::path::Path;

use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tonic::transport::{Certificate, ClientTlsConfig, Identity};

use crate::connect_options::TlsOptions;
use crate::error::ClusterError;

/// PEM files larger than this are not certificates; refuse instead of reading them whole.
const MAX_PEM_BYTES: u64 = 1024 * 1024;

/// The TLS configuration for `tls`: its CA (or the system roots), its client identity, its
/// server name. Every file is read and parsed here, so a bad file fails before dialling.
pub(crate) fn client_tls_config(tls: &TlsOptions) -> Result<ClientTlsConfig, ClusterError> {
    let mut config = ClientTlsConfig::new();
    config = match &tls.ca_cert_path {
        Some(path) => config.ca_certificate(Certificate::from_pem(read_certificates(
            path,
            "CA certificate",
        )?)),
        None => config.with_native_roots(),
    };
    match (&tls.client_cert_path, &tls.client_key_path) {
        (Some(cert_path), Some(key_path)) => {
            let cert = read_certificates(cert_path, "client certificate")?;
            let key = read_private_key(key_path)?;
            config = config.identity(Identity::from_pem(cert, key));
        }
        (None, None) => {}
        (Some(_), None) => {
            return Err(ClusterError::TlsConfig {
                message: "a client certificate (--tls-cert-path) needs its key (--tls-key-path)"
                    .to_owned(),
            });
        }
        (None, Some(_)) => {
            return Err(ClusterError::TlsConfig {
                message: "a client key (--tls-key-path) needs its certificate (--tls-cert-path)"
                    .to_owned(),
            });
        }
    }
    if let Some(name) = &tls.server_name {
        if name.trim().is_empty() {
            return Err(ClusterError::TlsConfig {
                message: "the TLS server name (--tls-server-name) is empty".to_owned(),
            });
        }
        config = config.domain_name(name.trim());
    }
    Ok(config)
}

fn read_pem_file(path: &Path, role: &'static str) -> Result<Vec<u8>, ClusterError> {
    let file_error = |reason: String| ClusterError::TlsFile {
        path: path.to_path_buf(),
        role,
        reason,
    };
    let metadata = std::fs::metadata(path).map_err(|error| file_error(error.to_string()))?;
    if !metadata.is_file() {
        return Err(file_error("not a regular file".to_owned()));
    }
    if metadata.len() > MAX_PEM_BYTES {
        return Err(file_error(format!(
            "{} bytes is too large for a PEM file (limit {MAX_PEM_BYTES})",
            metadata.len()
        )));
    }
    std::fs::read(path).map_err(|error| file_error(error.to_string()))
}

/// Reads a file that must hold at least one PEM `CERTIFICATE`, all of them well formed.
fn read_certificates(path: &Path, role: &'static str) -> Result<Vec<u8>, ClusterError> {
    let pem = read_pem_file(path, role)?;
    let file_error = |reason: String| ClusterError::TlsFile {
        path: path.to_path_buf(),
        role,
        reason,
    };
    let mut count = 0_usize;
    for certificate in CertificateDer::pem_slice_iter(&pem) {
        certificate.map_err(|error| file_error(format!("malformed PEM: {error}")))?;
        count += 1;
    }
    if count == 0 {
        let hint = if looks_like_private_key(&pem) {
            " (it holds a private key: are the certificate and key paths swapped?)"
        } else {
            " (expected a -----BEGIN CERTIFICATE----- block)"
        };
        return Err(file_error(format!("no PEM certificate found{hint}")));
    }
    Ok(pem)
}

/// Reads a file that must hold a PEM private key (PKCS#8, PKCS#1 or SEC1).
fn read_private_key(path: &Path) -> Result<Vec<u8>, ClusterError> {
    const ROLE: &str = "client key";
    let pem = read_pem_file(path, ROLE)?;
    match PrivateKeyDer::from_pem_slice(&pem) {
        Ok(_) => Ok(pem),
        Err(error) => {
            let hint = if CertificateDer::pem_slice_iter(&pem).any(|item| item.is_ok()) {
                " (it holds a certificate: are the certificate and key paths swapped?)"
            } else {
                ""
            };
            Err(ClusterError::TlsFile {
                path: path.to_path_buf(),
                role: ROLE,
                reason: format!("no usable PEM private key: {error}{hint}"),
            })
        }
    }
}

fn looks_like_private_key(pem: &[u8]) -> bool {
    PrivateKeyDer::from_pem_slice(pem).is_ok()
}
