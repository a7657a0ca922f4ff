//! axum integration: `IntoResponse` for [`Sse`], the [`LastEventId`] and [`Topics`]
//! extractors, and [`hub_endpoint`], a hub's stream as a `GET` route.
//!
//! ```
//! use axum::{Router, routing::get};
//! use sse_tokio::sse_core::hub::Hub;
//!
//! let hub = Hub::new();
//! let app: Router = Router::new().route("/events", sse_tokio::axum::hub_endpoint(hub));
//! ```

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get_service};
use http::HeaderValue;
use http::request::Parts;
use sse_core::EventId;
use sse_core::http::LAST_EVENT_ID;
use sse_core::hub::{Hub, TopicFilter};
use sse_core::stream::FrameSource;
use sse_core::subscribe;

use crate::response::rejection_response;
use crate::{BoxError, Sse};

impl<S> IntoResponse for Sse<S>
where
    S: FrameSource + Send + Unpin + 'static,
    S::Error: Into<BoxError>,
{
    fn into_response(self) -> Response {
        http::Response::from(self).map(axum::body::Body::new)
    }
}

/// A hub's event stream as a `GET` route: `?topics=`, resume after `Last-Event-ID`,
/// the hub's keep-alive, and `400`/`503` with a text reason (see
/// [`crate::hub_endpoint`]).
pub fn hub_endpoint<St: Clone + Send + Sync + 'static>(hub: Hub) -> MethodRouter<St> {
    get_service(crate::hub_endpoint(hub))
}

impl IntoResponse for crate::hub::HubBody {
    fn into_response(self) -> Response {
        Response::new(axum::body::Body::new(self))
    }
}

sse_core::define_rejection!();

impl IntoResponse for SseRejection {
    fn into_response(self) -> Response {
        rejection_response(&self.0).map(axum::body::Body::from)
    }
}

/// The last event ID of a request: the `Last-Event-ID` header, or else the
/// `lastEventId` query parameter (for browsers, whose `EventSource` cannot set headers
/// on a fresh connection). `None` when neither is there or the value is empty; an id no
/// server issued (not UTF-8, or with a NUL) is refused with `400`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LastEventId(pub Option<EventId>);

impl<St: Send + Sync> FromRequestParts<St> for LastEventId {
    type Rejection = SseRejection;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, SseRejection> {
        let header = parts.headers.get(LAST_EVENT_ID).map(HeaderValue::as_bytes);
        Ok(LastEventId(subscribe::last_event_id(
            header,
            parts.uri.query(),
        )?))
    }
}

/// The topics a request asks for: every `topics` query parameter (repeated, or
/// comma-separated; `*` means every topic), or `None` when the query names none. A
/// list with an invalid entry is refused with `400` naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics(pub Option<TopicFilter>);

impl<St: Send + Sync> FromRequestParts<St> for Topics {
    type Rejection = SseRejection;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, SseRejection> {
        Ok(Topics(subscribe::topics(parts.uri.query())?))
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
        Sse::from_stream(stream::iter([Event::new(data)]))
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
        let (response, text) = call(request("/events?lastEventId=a%00b", None)).await;
        assert_eq!(response.status(), 400);
        assert!(text.starts_with("invalid Last-Event-ID"), "{text}");
    }

    #[tokio::test]
    async fn hub_endpoint_route_and_topics_extractor() {
        let hub = Hub::new();
        let app: Router = Router::new()
            .route("/events", hub_endpoint(hub.clone()))
            .route(
                "/topics",
                get(
                    |Topics(t): Topics| async move { format!("{:?}", t.map(|f| f.topics().len())) },
                ),
            );
        let ok = app
            .clone()
            .oneshot(
                http::Request::get("/events?topics=a")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        assert_eq!(ok.headers()["content-encoding"], "identity");
        assert_eq!(hub.stats().subscribers, 1);
        drop(ok);
        assert_eq!(hub.stats().subscribers, 0);
        let bad = app
            .clone()
            .oneshot(
                http::Request::get("/events?topics=a,,b")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        let post = app
            .clone()
            .oneshot(
                http::Request::post("/events")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(post.status(), 405);
        let topics = app
            .oneshot(
                http::Request::get("/topics?topics=x,y")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let text = topics.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&text[..], b"Some(2)");
    }
}
