//! [`BuildError`]: why an event source or an HTTP client could not be made.

use std::fmt;

/// Why an [`EventSource`](super::EventSource) or an [`HttpClient`](super::HttpClient)
/// could not be built. Everything that can go wrong later (connecting, the server's
/// answer, the stream) is reported by the event source's stream instead.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The URL does not parse.
    InvalidUrl(http::uri::InvalidUri),
    /// The URL has no host.
    MissingHost,
    /// The URL's scheme is not one the client speaks (`http`, and `https` with the
    /// `rustls` feature).
    UnsupportedScheme(String),
    /// The method, a header or the URL is not one a request can carry.
    Request(sse_core::client::RequestError),
    /// The rustls configuration could not be made.
    #[cfg(feature = "rustls")]
    Tls(rustls::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidUrl(e) => write!(f, "invalid URL: {e}"),
            BuildError::MissingHost => f.write_str("the URL has no host"),
            BuildError::UnsupportedScheme(scheme) if scheme == "https" => f.write_str(
                "https URLs need the `rustls` feature of sse-tokio (or a connector of \
                 your own through HttpClient::from_hyper)",
            ),
            BuildError::UnsupportedScheme(scheme) => {
                write!(
                    f,
                    "unsupported URL scheme {scheme:?}, expected http or https"
                )
            }
            BuildError::Request(e) => fmt::Display::fmt(e, f),
            #[cfg(feature = "rustls")]
            BuildError::Tls(e) => write!(f, "TLS configuration failed: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::InvalidUrl(e) => Some(e),
            BuildError::Request(e) => e.source(),
            #[cfg(feature = "rustls")]
            BuildError::Tls(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sse_core::client::RequestError> for BuildError {
    fn from(error: sse_core::client::RequestError) -> Self {
        BuildError::Request(error)
    }
}
