//! TLS with rustls (ring provider): a server configuration from PEM files.

use std::fmt;
use std::sync::Arc;

use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Why a TLS configuration could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum TlsConfigError {
    /// The certificate PEM could not be read.
    Certificate(pem::Error),
    /// The certificate PEM holds no certificate.
    NoCertificate,
    /// The key PEM could not be read or holds no private key.
    Key(pem::Error),
    /// rustls refused the certificate and key (they do not match, say).
    Rustls(rustls::Error),
}

impl fmt::Display for TlsConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsConfigError::Certificate(_) => f.write_str("cannot read the certificate PEM"),
            TlsConfigError::NoCertificate => {
                f.write_str("the certificate PEM holds no certificate")
            }
            TlsConfigError::Key(_) => f.write_str("cannot read a private key from the key PEM"),
            TlsConfigError::Rustls(_) => f.write_str("the certificate and key were refused"),
        }
    }
}

impl std::error::Error for TlsConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TlsConfigError::Certificate(e) | TlsConfigError::Key(e) => Some(e),
            TlsConfigError::Rustls(e) => Some(e),
            TlsConfigError::NoCertificate => None,
        }
    }
}

/// A rustls server configuration (ring provider, TLS 1.2 and 1.3) from a PEM
/// certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 or SEC1),
/// offering `h2` and `http/1.1` by ALPN, for [`Server::tls`](super::Server::tls).
pub fn rustls_config(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
) -> Result<Arc<rustls::ServerConfig>, TlsConfigError> {
    let chain = CertificateDer::pem_slice_iter(cert_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(TlsConfigError::Certificate)?;
    if chain.is_empty() {
        return Err(TlsConfigError::NoCertificate);
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(TlsConfigError::Key)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsConfigError::Rustls)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(TlsConfigError::Rustls)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert!(matches!(
            rustls_config(b"", b""),
            Err(TlsConfigError::NoCertificate)
        ));
        let not_a_cert = b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            rustls_config(not_a_cert, b""),
            Err(TlsConfigError::Certificate(_))
        ));
    }
}
