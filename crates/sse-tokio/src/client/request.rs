//! The request an event source sends on every connection attempt.

use bytes::Bytes;
use http::{Request, Uri};
use http_body_util::Full;
use sse_core::client::ClientRequest;

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

/// The runtime-neutral request of every attempt, from an `http` request: the URL
/// checked (`https` needs the `rustls` feature), headers and body kept.
pub(crate) fn client_request(request: Request<Bytes>) -> Result<ClientRequest, BuildError> {
    let (parts, body) = request.into_parts();
    check_uri(&parts.uri)?;
    let mut request = ClientRequest::get(&parts.uri.to_string())?
        .method_named(parts.method.as_str())?
        .body(body);
    for (name, value) in &parts.headers {
        request = request.header(name.as_str(), value.as_bytes())?;
    }
    Ok(request)
}

/// One attempt's request as hyper sends it.
pub(crate) fn to_hyper(request: &ClientRequest) -> Result<Request<Full<Bytes>>, http::Error> {
    let mut builder = Request::builder()
        .method(request.method())
        .uri(request.url().as_str());
    for (name, value) in request.headers() {
        builder = builder.header(name, value);
    }
    builder.body(Full::new(request.body_bytes().clone()))
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
    use http::Method;

    use super::*;

    #[test]
    fn requests_keep_method_headers_and_body() {
        let request = Request::post("http://127.0.0.1:1/stream")
            .header("accept", "application/x-custom")
            .header("last-event-id", "41")
            .body("query")
            .unwrap();
        let mut request = client_request(request.into_sse_request().unwrap()).unwrap();
        assert_eq!(request.take_last_event_id().unwrap().as_str(), "41");
        let sent = to_hyper(&request).unwrap();
        assert_eq!(sent.method(), Method::POST);
        assert_eq!(sent.uri(), "http://127.0.0.1:1/stream");
        assert_eq!(sent.headers()["accept"], "application/x-custom");
        assert!(sent.headers().get("last-event-id").is_none());
    }

    #[test]
    fn bad_urls_are_typed_errors() {
        assert!(matches!(
            "ftp://x/".into_sse_request().and_then(client_request),
            Err(BuildError::UnsupportedScheme(s)) if s == "ftp"
        ));
        assert!(matches!(
            "/relative".into_sse_request().and_then(client_request),
            Err(BuildError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            "http://a b/".into_sse_request(),
            Err(BuildError::InvalidUrl(_))
        ));
    }
}
