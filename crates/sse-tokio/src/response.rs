//! The response around an SSE body, and the request's `Last-Event-ID`.

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode, Uri};
use sse_core::EventId;
use sse_core::http::{LAST_EVENT_ID, RESPONSE_HEADERS};

/// sse-core's response headers as `http` types, checked at compile time.
const HEADERS: [(HeaderName, HeaderValue); 4] = {
    let [(n0, v0), (n1, v1), (n2, v2), (n3, v3)] = RESPONSE_HEADERS;
    [
        (HeaderName::from_static(n0), HeaderValue::from_static(v0)),
        (HeaderName::from_static(n1), HeaderValue::from_static(v1)),
        (HeaderName::from_static(n2), HeaderValue::from_static(v2)),
        (HeaderName::from_static(n3), HeaderValue::from_static(v3)),
    ]
};

/// A complete event-stream response: status 200, `Content-Type: text/event-stream`,
/// `Cache-Control: no-cache`, `X-Accel-Buffering: no` (sse-core's
/// [`RESPONSE_HEADERS`]), and no `Content-Length`.
///
/// `body` is usually an [`SseBody`](crate::SseBody); any body works.
///
/// ```
/// let response = sse_tokio::sse_response(());
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.headers()["cache-control"], "no-cache");
/// assert!(response.headers().get("content-length").is_none());
/// ```
pub fn sse_response<B>(body: B) -> Response<B> {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::OK;
    set_sse_headers(response.headers_mut());
    response
}

/// Sets the event-stream response headers on `headers` (replacing those names) and
/// removes any `Content-Length`.
pub fn set_sse_headers(headers: &mut HeaderMap) {
    for (name, value) in HEADERS {
        headers.insert(name, value);
    }
    headers.remove(http::header::CONTENT_LENGTH);
}

/// The last event id a client sent: the `Last-Event-ID` header, or else the
/// `lastEventId` query parameter.
///
/// Browsers send the header themselves when an `EventSource` reconnects, but a page
/// cannot set it on the first connection; a page that stored the id (say, in
/// `localStorage`) and wants to resume puts it in the URL instead:
/// `new EventSource('/events?lastEventId=' + encodeURIComponent(id))`. The header wins
/// when both are present. An empty value, or one with CR, LF or NUL, counts as absent.
///
/// ```
/// let uri: http::Uri = "/events?lastEventId=41".parse().unwrap();
/// let mut headers = http::HeaderMap::new();
/// assert_eq!(sse_tokio::last_event_id(&headers, &uri).unwrap().as_str(), "41");
/// headers.insert("last-event-id", "42".parse().unwrap());
/// assert_eq!(sse_tokio::last_event_id(&headers, &uri).unwrap().as_str(), "42");
/// ```
pub fn last_event_id(headers: &HeaderMap, uri: &Uri) -> Option<EventId> {
    let header = headers.get(LAST_EVENT_ID).map(HeaderValue::as_bytes);
    sse_core::subscribe::last_event_id(header, uri.query())
        .ok()
        .flatten()
}

/// [`last_event_id`] of a whole request.
pub fn request_last_event_id<B>(request: &Request<B>) -> Option<EventId> {
    last_event_id(request.headers(), request.uri())
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
        assert_eq!(headers.get_all("content-type").iter().count(), 1);
        assert!(headers.get("content-length").is_none());
    }

    #[test]
    fn last_event_id_from_a_request() {
        let request = Request::builder()
            .uri("/e?lastEventId=a%20b")
            .body(())
            .unwrap();
        assert_eq!(request_last_event_id(&request).unwrap().as_str(), "a b");
        let request = Request::builder()
            .uri("/e")
            .header("Last-Event-ID", "")
            .body(())
            .unwrap();
        assert!(request_last_event_id(&request).is_none());
    }
}
