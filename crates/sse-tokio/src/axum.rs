//! axum integration (feature `axum`): [`SseBody`] is `IntoResponse`, and
//! [`LastEventId`] extracts the id a client resumes from.
//!
//! ```
//! use axum::{Router, response::IntoResponse, routing::get};
//! use futures_util::stream;
//! use sse_tokio::{Event, EventId, SseBody, axum::LastEventId};
//!
//! async fn events(LastEventId(last): LastEventId) -> impl IntoResponse {
//!     // Resume after the id the client saw last (ids here are counters).
//!     let from = last.and_then(|id| id.parse::<u64>().ok()).map_or(0, |n| n + 1);
//!     let events = (from..from + 3).filter_map(|n| {
//!         let id = EventId::new(n.to_string()).ok()?;
//!         Some(Event::new(format!("tick {n}")).with_id(id))
//!     });
//!     SseBody::from_stream(stream::iter(events))
//! }
//!
//! let app: Router = Router::new().route("/events", get(events));
//! ```

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use sse_core::EventId;
use sse_core::stream::FrameSource;

use crate::{BoxError, SseBody, response};

impl<S> IntoResponse for SseBody<S>
where
    S: FrameSource + Send + Unpin + 'static,
    S::Error: Into<BoxError>,
{
    /// The body in a complete event-stream response (see
    /// [`sse_response`](crate::sse_response)).
    fn into_response(self) -> Response {
        response::sse_response(axum::body::Body::new(self))
    }
}

/// The id the client wants to resume after: the `Last-Event-ID` header, or else the
/// `lastEventId` query parameter (see [`last_event_id`](crate::last_event_id)).
/// `None` on a first connection. Never rejects.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LastEventId(pub Option<EventId>);

impl<St: Send + Sync> FromRequestParts<St> for LastEventId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Infallible> {
        Ok(LastEventId(response::last_event_id(
            &parts.headers,
            &parts.uri,
        )))
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::get;
    use futures_util::stream;
    use http_body_util::BodyExt;
    use sse_core::Event;
    use tower::ServiceExt;

    use super::*;

    async fn handler(LastEventId(last): LastEventId) -> impl IntoResponse {
        let data = last.map_or_else(|| "none".to_owned(), |id| id.to_string());
        SseBody::from_stream(stream::iter([Event::new(data)]))
    }

    async fn call(request: http::Request<axum::body::Body>) -> (Response, String) {
        let app = Router::new().route("/events", get(handler));
        let response = app.oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        (Response::from_parts(parts, axum::body::Body::empty()), text)
    }

    #[tokio::test]
    async fn response_headers_and_last_event_id_sources() {
        let request = |uri: &str, header: Option<&str>| {
            let mut builder = http::Request::builder().uri(uri);
            if let Some(value) = header {
                builder = builder.header("last-event-id", value);
            }
            builder.body(axum::body::Body::empty()).unwrap()
        };
        let (response, text) = call(request("/events", None)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert_eq!(response.headers()["x-accel-buffering"], "no");
        assert!(response.headers().get("content-length").is_none());
        assert_eq!(text, "data: none\n\n");

        let (_, text) = call(request("/events", Some("h7"))).await;
        assert_eq!(text, "data: h7\n\n");
        let (_, text) = call(request("/events?lastEventId=q8", None)).await;
        assert_eq!(text, "data: q8\n\n");
    }
}
