//! [`ClientRequest`]: the request an `EventSource` client sends on every attempt,
//! independent of the HTTP library that sends it.

use core::fmt;
use std::borrow::ToOwned;
use std::string::{String, ToString};
use std::vec::Vec;

use bytes::Bytes;
use url::Url;

use crate::event::EventId;
use crate::http::{LAST_EVENT_ID, REQUEST_HEADERS};

/// The request of every connection attempt: method, URL, headers and body.
///
/// Both runtime clients build one from their builder and hand each attempt's copy
/// (with `Last-Event-ID` set, and after any redirects) to their HTTP library, so the
/// request rules are written once. Header names are kept lower-case.
///
/// ```
/// use sse_core::client::ClientRequest;
///
/// let request = ClientRequest::get("http://127.0.0.1:8080/events")?
///     .header("Authorization", "Bearer t")?;
/// assert_eq!(request.method(), "GET");
/// assert_eq!(request.url().path(), "/events");
/// assert_eq!(request.header_value("authorization"), Some(&b"Bearer t"[..]));
/// # Ok::<(), sse_core::client::RequestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRequest {
    method: String,
    url: Url,
    headers: Vec<(String, Vec<u8>)>,
    body: Bytes,
}

impl ClientRequest {
    /// A `GET` of `url`, which must be an absolute `http:` or `https:` URL with a host.
    pub fn get(url: &str) -> Result<Self, RequestError> {
        let url = Url::parse(url).map_err(RequestError::InvalidUrl)?;
        ClientRequest::from_url(url)
    }

    /// A `GET` of an already parsed URL (checked as in [`get`](Self::get)).
    pub fn from_url(url: Url) -> Result<Self, RequestError> {
        check_url(&url)?;
        Ok(ClientRequest {
            method: "GET".to_owned(),
            url,
            headers: Vec::new(),
            body: Bytes::new(),
        })
    }

    /// Sets the method (an HTTP token such as `POST`; case is kept, as methods are
    /// case-sensitive).
    pub fn method_named(mut self, method: &str) -> Result<Self, RequestError> {
        if method.is_empty() || !method.bytes().all(is_token_byte) {
            return Err(RequestError::InvalidMethod(method.to_owned()));
        }
        self.method = method.to_owned();
        Ok(self)
    }

    /// Adds a header (names compare case-insensitively; a repeated name is sent
    /// twice). Names must be HTTP tokens; values may not hold CR, LF or NUL.
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Result<Self, RequestError> {
        let value = value.as_ref();
        let name_ok = !name.is_empty() && name.bytes().all(is_token_byte);
        if !name_ok || value.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(RequestError::InvalidHeader(name.to_owned()));
        }
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        Ok(self)
    }

    /// Sets the body, sent again on every attempt (for `POST`-based streams).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Every header, in order, names lower-case.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_slice()))
    }

    /// The first value of header `name` (any case).
    pub fn header_value(&self, name: &str) -> Option<&[u8]> {
        self.headers()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// The body.
    pub fn body_bytes(&self) -> &Bytes {
        &self.body
    }

    /// Takes the `Last-Event-ID` header out: a resume point given as a header, which
    /// the machine then owns (later attempts send the id the stream reached).
    pub fn take_last_event_id(&mut self) -> Option<EventId> {
        let value = self.header_value(LAST_EVENT_ID).map(ToOwned::to_owned);
        self.remove_headers(&[LAST_EVENT_ID]);
        crate::subscribe::last_event_id(value.as_deref(), None)
            .ok()
            .flatten()
    }

    /// This request as one attempt sends it: `Accept: text/event-stream` and
    /// `Cache-Control: no-cache` unless set, and `Last-Event-ID` when resuming.
    pub(super) fn for_attempt(&self, last_event_id: Option<&EventId>) -> ClientRequest {
        let mut request = self.clone();
        for (name, value) in REQUEST_HEADERS {
            if request.header_value(name).is_none() {
                request
                    .headers
                    .push((name.to_owned(), value.as_bytes().to_owned()));
            }
        }
        request.remove_headers(&[LAST_EVENT_ID]);
        if let Some(id) = last_event_id {
            request
                .headers
                .push((LAST_EVENT_ID.to_owned(), id.as_bytes().to_owned()));
        }
        request
    }

    pub(super) fn remove_headers(&mut self, names: &[&str]) {
        self.headers
            .retain(|(name, _)| !names.iter().any(|n| n.eq_ignore_ascii_case(name)));
    }

    pub(super) fn set_url(&mut self, url: Url) {
        self.url = url;
    }

    pub(super) fn become_bodiless_get(&mut self) {
        "GET".clone_into(&mut self.method);
        self.body = Bytes::new();
    }
}

/// Why a [`ClientRequest`] could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestError {
    /// The URL does not parse.
    InvalidUrl(url::ParseError),
    /// The URL's scheme is not `http` or `https`.
    UnsupportedScheme(String),
    /// The URL has no host.
    MissingHost,
    /// The method is not an HTTP token.
    InvalidMethod(String),
    /// A header name is not a token, or its value holds CR, LF or NUL.
    InvalidHeader(String),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::InvalidUrl(error) => write!(f, "invalid URL: {error}"),
            RequestError::UnsupportedScheme(scheme) => {
                write!(
                    f,
                    "unsupported URL scheme {scheme:?}, expected http or https"
                )
            }
            RequestError::MissingHost => f.write_str("the URL has no host"),
            RequestError::InvalidMethod(method) => write!(f, "invalid method {method:?}"),
            RequestError::InvalidHeader(name) => write!(f, "invalid request header {name:?}"),
        }
    }
}

impl core::error::Error for RequestError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            RequestError::InvalidUrl(error) => Some(error),
            _ => None,
        }
    }
}

/// Whether `url` is one a client can request: `http(s)` with a host.
pub(super) fn check_url(url: &Url) -> Result<(), RequestError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(RequestError::UnsupportedScheme(url.scheme().to_string()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(RequestError::MissingHost);
    }
    Ok(())
}

/// RFC 9110 `tchar`.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_add_the_stream_headers_and_the_resume_id() {
        let request = ClientRequest::get("http://h.test/s")
            .unwrap()
            .header("Accept", "application/x-custom")
            .unwrap()
            .header("Last-Event-ID", "41")
            .unwrap();
        let mut request = request;
        assert_eq!(request.take_last_event_id().unwrap().as_str(), "41");
        let first = request.for_attempt(None);
        assert_eq!(
            first.header_value("accept"),
            Some(&b"application/x-custom"[..])
        );
        assert_eq!(first.header_value("cache-control"), Some(&b"no-cache"[..]));
        assert_eq!(first.header_value("last-event-id"), None);
        let id = EventId::new("42").unwrap();
        let again = request.for_attempt(Some(&id));
        assert_eq!(again.header_value("Last-Event-Id"), Some(&b"42"[..]));
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        assert!(matches!(
            ClientRequest::get("ftp://x/"),
            Err(RequestError::UnsupportedScheme(s)) if s == "ftp"
        ));
        assert!(matches!(
            ClientRequest::get("/relative"),
            Err(RequestError::InvalidUrl(_))
        ));
        let request = ClientRequest::get("http://h/").unwrap();
        assert!(request.clone().header("a b", "x").is_err());
        assert!(request.clone().header("a", "x\r\ny: z").is_err());
        assert!(request.clone().method_named("GE T").is_err());
        assert_eq!(request.method_named("PUT").unwrap().method(), "PUT");
    }
}
