//! [`Sse`], the response every adapter names the same, as an `http::Response`; and
//! reading a subscribe request from `http` types.

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use sse_core::http::LAST_EVENT_ID;
use sse_core::response::HEADERS;
use sse_core::stream::FrameSource;
use sse_core::subscribe::{Rejection, SubscribeRequest};

use crate::SseBody;

sse_core::define_sse!();

impl<S: FrameSource> From<Sse<S>> for Response<SseBody<S>> {
    /// `200 OK`, the standard headers and the body: what a hyper service returns.
    fn from(sse: Sse<S>) -> Self {
        let mut response = Response::new(SseBody::from(sse));
        *response.status_mut() = StatusCode::OK;
        set_sse_headers(response.headers_mut());
        response
    }
}

/// Sets the event-stream headers (`sse_core::response::HEADERS`, replacing any of the
/// same names) and removes `content-length`: for a response of your own making.
pub fn set_sse_headers(headers: &mut HeaderMap) {
    for (name, value) in HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    headers.remove(http::header::CONTENT_LENGTH);
}

/// What a request asks of a hub: its `?topics=` and its `Last-Event-ID` (header, or
/// the `lastEventId` query parameter), or the [`Rejection`] (400) to answer.
pub fn subscribe_request<B>(request: &Request<B>) -> Result<SubscribeRequest, Rejection> {
    subscribe_request_from(request.headers(), request.uri())
}

/// [`subscribe_request`] from a request's headers and URI (axum's `Parts`, say).
pub fn subscribe_request_from(
    headers: &HeaderMap,
    uri: &http::Uri,
) -> Result<SubscribeRequest, Rejection> {
    let header = headers.get(LAST_EVENT_ID).map(HeaderValue::as_bytes);
    SubscribeRequest::parse(uri.query(), header)
}

/// The plain-text response of a [`Rejection`]: its status (400 or 503) and its
/// one-line reason.
pub fn rejection_response(rejection: &Rejection) -> Response<bytes::Bytes> {
    let mut response = Response::new(bytes::Bytes::from(rejection.to_string()));
    *response.status_mut() =
        StatusCode::from_u16(rejection.status()).unwrap_or(StatusCode::BAD_REQUEST);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_replace_and_drop_content_length() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("text/plain"));
        headers.insert("content-length", HeaderValue::from_static("12"));
        set_sse_headers(&mut headers);
        assert_eq!(headers["content-type"], "text/event-stream");
        assert_eq!(headers["x-accel-buffering"], "no");
        assert_eq!(headers["content-encoding"], "identity");
        assert_eq!(headers.get_all("content-type").iter().count(), 1);
        assert!(headers.get("content-length").is_none());
    }

    #[test]
    fn subscribe_request_from_a_request() {
        let request = Request::builder()
            .uri("/e?lastEventId=a%20b&topics=x")
            .body(())
            .unwrap();
        let asked = subscribe_request(&request).unwrap();
        assert_eq!(asked.last_event_id().unwrap().as_str(), "a b");
        assert_eq!(asked.filter().topics().len(), 1);
        let request = Request::builder().uri("/e?topics=a,,b").body(()).unwrap();
        let rejected = subscribe_request(&request).unwrap_err();
        let response = rejection_response(&rejected);
        assert_eq!(response.status(), 400);
        assert!(response.body().starts_with(b"invalid topics"));
    }
}
