//! The request an event source sends on every connection attempt.

use bytes::Bytes;
use http::header::{
    AUTHORIZATION, CONTENT_ENCODING, CONTENT_LANGUAGE, CONTENT_LENGTH, CONTENT_LOCATION,
    CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, PROXY_AUTHORIZATION,
};
use http::{Method, Request, Uri, Version};
use http_body_util::Full;
use sse_core::EventId;
use sse_core::http::{LAST_EVENT_ID, REQUEST_HEADERS};

use super::BuildError;
use super::redirect::{Redirect, crosses_origin};

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
        let resume = headers.remove(LAST_EVENT_ID).and_then(|value| {
            sse_core::subscribe::last_event_id(Some(value.as_bytes()), None)
                .ok()
                .flatten()
        });
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
    pub(crate) fn prepare(&self, last_event_id: Option<&EventId>) -> PreparedRequest {
        let mut headers = self.headers.clone();
        let value = last_event_id.and_then(|id| HeaderValue::from_str(id.as_str()).ok());
        if let Some(value) = value {
            headers.insert(HeaderName::from_static(LAST_EVENT_ID), value);
        }
        PreparedRequest {
            method: self.method.clone(),
            uri: self.uri.clone(),
            version: self.version,
            headers,
            body: self.body.clone(),
            redirects: 0,
        }
    }

    pub(crate) fn uri(&self) -> &Uri {
        &self.uri
    }
}

/// One attempt's request, kept while it is in flight so that a redirect can be
/// followed from it.
#[derive(Debug, Clone)]
pub(crate) struct PreparedRequest {
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
    /// Redirects followed to get here.
    redirects: u8,
}

impl PreparedRequest {
    /// The request to send.
    pub(crate) fn to_request(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.version_mut() = self.version;
        *request.headers_mut() = self.headers.clone();
        request
    }

    pub(crate) fn method(&self) -> &Method {
        &self.method
    }

    pub(crate) fn uri(&self) -> &Uri {
        &self.uri
    }

    pub(crate) fn redirects(&self) -> u8 {
        self.redirects
    }

    /// The request after `redirect`, as fetch makes it: a `GET` without body headers
    /// when the redirect says so, and no credentials sent to another origin.
    pub(crate) fn follow(&self, redirect: Redirect) -> PreparedRequest {
        let mut next = self.clone();
        next.redirects = self.redirects.saturating_add(1);
        if redirect.to_get {
            next.method = Method::GET;
            next.body = Bytes::new();
            for name in [
                CONTENT_TYPE,
                CONTENT_LENGTH,
                CONTENT_ENCODING,
                CONTENT_LANGUAGE,
                CONTENT_LOCATION,
            ] {
                next.headers.remove(name);
            }
        }
        if crosses_origin(&self.uri, &redirect.uri) {
            for name in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION] {
                next.headers.remove(name);
            }
        }
        next.uri = redirect.uri;
        next
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
        let first = template.prepare(None).to_request();
        assert_eq!(first.method(), Method::POST);
        assert_eq!(first.headers()["accept"], "application/x-custom");
        assert_eq!(first.headers()["cache-control"], "no-cache");
        assert!(first.headers().get("last-event-id").is_none());
        let again = template
            .prepare(Some(&EventId::new("42").unwrap()))
            .to_request();
        assert_eq!(again.headers()["last-event-id"], "42");
    }

    #[test]
    fn following_a_redirect_changes_method_and_drops_credentials_as_fetch_does() {
        let request = Request::post("http://a.test/s")
            .header("authorization", "Bearer t")
            .header("content-type", "application/json")
            .body("{}")
            .unwrap();
        let (template, _) = RequestTemplate::new(request.into_sse_request().unwrap()).unwrap();
        let sent = template.prepare(Some(&EventId::new("5").unwrap()));
        let same_origin = Redirect {
            uri: "http://a.test/t".parse().unwrap(),
            to_get: false,
        };
        let kept = sent.follow(same_origin).to_request();
        assert_eq!(kept.method(), Method::POST);
        assert_eq!(kept.headers()["authorization"], "Bearer t");
        assert_eq!(kept.headers()["last-event-id"], "5");

        let elsewhere = Redirect {
            uri: "http://b.test/u".parse().unwrap(),
            to_get: true,
        };
        let moved = sent.follow(elsewhere);
        assert_eq!(moved.redirects(), 1);
        let moved = moved.to_request();
        assert_eq!(moved.method(), Method::GET);
        assert_eq!(moved.uri(), "http://b.test/u");
        assert!(moved.headers().get("authorization").is_none());
        assert!(moved.headers().get("content-type").is_none());
        assert_eq!(moved.headers()["last-event-id"], "5");
    }

    #[test]
    fn bad_urls_are_typed_errors() {
        assert!(matches!(
            "ftp://x/".into_sse_request().and_then(RequestTemplate::new),
            Err(BuildError::UnsupportedScheme(s)) if s == "ftp"
        ));
        assert!(matches!(
            "/relative"
                .into_sse_request()
                .and_then(RequestTemplate::new),
            Err(BuildError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            "http://a b/".into_sse_request(),
            Err(BuildError::InvalidUrl(_))
        ));
    }
}
