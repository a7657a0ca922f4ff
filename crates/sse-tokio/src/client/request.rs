//! The request an event source sends on every connection attempt.

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Uri, Version};
use http_body_util::Full;
use sse_core::EventId;
use sse_core::http::{LAST_EVENT_ID, REQUEST_HEADERS};

use super::BuildError;

/// What an event source can be made from: a URL (`&str`, `String`, [`Uri`]) for a
/// `GET`, or a whole [`http::Request`] whose body converts into [`Bytes`] (so
/// `POST`-based streaming APIs work: the body is kept and sent again on every
/// reconnection).
pub trait IntoSseRequest {
    /// The request.
    fn into_sse_request(self) -> Result<Request<Bytes>, BuildError>;
}

impl IntoSseRequest for Uri {
    fn into_sse_request(self) -> Result<Request<Bytes>, BuildError> {
        let mut request = Request::new(Bytes::new());
        *request.uri_mut() = self;
        Ok(request)
    }
}

impl IntoSseRequest for &str {
    fn into_sse_request(self) -> Result<Request<Bytes>, BuildError> {
        self.parse::<Uri>()
            .map_err(BuildError::InvalidUrl)?
            .into_sse_request()
    }
}

impl IntoSseRequest for String {
    fn into_sse_request(self) -> Result<Request<Bytes>, BuildError> {
        self.as_str().into_sse_request()
    }
}

impl IntoSseRequest for &String {
    fn into_sse_request(self) -> Result<Request<Bytes>, BuildError> {
        self.as_str().into_sse_request()
    }
}

impl<B: Into<Bytes>> IntoSseRequest for Request<B> {
    fn into_sse_request(self) -> Result<Request<Bytes>, BuildError> {
        Ok(self.map(Into::into))
    }
}

/// The parts of the request, kept to be sent again.
#[derive(Debug, Clone)]
pub(crate) struct RequestTemplate {
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
}

impl RequestTemplate {
    /// Checks the URL and adds the event-stream request headers the caller did not
    /// set. A `Last-Event-ID` header in `request` is taken out and returned: it is
    /// the id to resume from, and later attempts send the id the stream reached.
    pub(crate) fn new(request: Request<Bytes>) -> Result<(Self, Option<EventId>), BuildError> {
        let (parts, body) = request.into_parts();
        check_uri(&parts.uri)?;
        let mut headers = parts.headers;
        for (name, value) in REQUEST_HEADERS {
            headers
                .entry(HeaderName::from_static(name))
                .or_insert(HeaderValue::from_static(value));
        }
        let resume = headers
            .remove(LAST_EVENT_ID)
            .and_then(|value| sse_core::http::last_event_id(Some(value.as_bytes()), None));
        let template = RequestTemplate {
            method: parts.method,
            uri: parts.uri,
            version: parts.version,
            headers,
            body,
        };
        Ok((template, resume))
    }

    /// The request for one attempt. An id that is not a valid header value (it has
    /// control characters) cannot be sent and is left out.
    pub(crate) fn build(&self, last_event_id: Option<&EventId>) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.version_mut() = self.version;
        *request.headers_mut() = self.headers.clone();
        let value = last_event_id.and_then(|id| HeaderValue::from_str(id.as_str()).ok());
        if let Some(value) = value {
            request
                .headers_mut()
                .insert(HeaderName::from_static(LAST_EVENT_ID), value);
        }
        request
    }

    pub(crate) fn uri(&self) -> &Uri {
        &self.uri
    }
}

fn check_uri(uri: &Uri) -> Result<(), BuildError> {
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") if cfg!(feature = "rustls") => {}
        Some(other) => return Err(BuildError::UnsupportedScheme(other.to_owned())),
        None => return Err(BuildError::UnsupportedScheme(String::new())),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(BuildError::MissingHost);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_adds_headers_and_takes_the_resume_id() {
        let request = Request::post("http://127.0.0.1:1/stream")
            .header("accept", "application/x-custom")
            .header("last-event-id", "41")
            .body("query")
            .unwrap();
        let (template, resume) = RequestTemplate::new(request.into_sse_request().unwrap()).unwrap();
        assert_eq!(resume.unwrap().as_str(), "41");
        let first = template.build(None);
        assert_eq!(first.method(), Method::POST);
        assert_eq!(first.headers()["accept"], "application/x-custom");
        assert_eq!(first.headers()["cache-control"], "no-cache");
        assert!(first.headers().get("last-event-id").is_none());
        let again = template.build(Some(&EventId::new("42").unwrap()));
        assert_eq!(again.headers()["last-event-id"], "42");
    }

    #[test]
    fn bad_urls_are_typed_errors() {
        assert!(matches!(
            "ftp://x/".into_sse_request().and_then(RequestTemplate::new),
            Err(BuildError::UnsupportedScheme(s)) if s == "ftp"
        ));
        assert!(matches!(
            "/relative".into_sse_request().and_then(RequestTemplate::new),
            Err(BuildError::UnsupportedScheme(_))
        ));
        assert!(matches!("http://a b/".into_sse_request(), Err(BuildError::InvalidUrl(_))));
    }
}
