//! [`hub_endpoint`]: a hub's event stream as one service, for hyper, tower and axum.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use sse_core::hub::{Hub, Subscription};

use crate::response::{rejection_response, subscribe_request};
use crate::{Sse, SseBody};

/// A hub's event stream as a service: every request subscribes to the topics of its
/// `?topics=` (all when absent), resumed after its `Last-Event-ID` (or
/// `?lastEventId=`), with the hub's stream options; a bad topic list or id is answered
/// `400`, a closed or full hub `503`, each with a one-line text body.
///
/// It is a `tower_service::Service`, so it is one expression in any tower stack: in
/// axum, `Router::new().route_service("/events", hub_endpoint(hub))` (or
/// [`axum::hub_endpoint`](crate::axum::hub_endpoint) for GET only); in hyper,
/// `hyper_util::service::TowerToHyperService::new(hub_endpoint(hub))`.
///
/// ```
/// use sse_tokio::hub_endpoint;
/// use sse_tokio::sse_core::hub::Hub;
/// use tower::ServiceExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let hub = Hub::new();
/// let request = http::Request::get("/events?topics=news").body(()).unwrap();
/// let response = hub_endpoint(hub).oneshot(request).await.unwrap();
/// assert_eq!(response.headers()["content-type"], "text/event-stream");
/// # }
/// ```
pub fn hub_endpoint(hub: Hub) -> HubEndpoint {
    HubEndpoint { hub }
}

/// The service [`hub_endpoint`] makes.
#[derive(Debug, Clone)]
pub struct HubEndpoint {
    hub: Hub,
}

impl HubEndpoint {
    /// The response to `request`.
    pub fn respond<B>(&self, request: &Request<B>) -> Response<HubBody> {
        let subscribed = subscribe_request(request).and_then(|asked| asked.subscribe(&self.hub));
        match subscribed {
            Ok(response) => Response::from(Sse::from(response)).map(HubBody::Stream),
            Err(rejection) => rejection_response(&rejection).map(|text| HubBody::Text(Some(text))),
        }
    }
}

impl<B> tower_service::Service<Request<B>> for HubEndpoint {
    type Response = Response<HubBody>;
    type Error = Infallible;
    type Future = Ready<Result<Response<HubBody>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        ready(Ok(self.respond(&request)))
    }
}

/// The body of a [`HubEndpoint`] response: the event stream, or a rejection's text.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "nearly every response is a stream; boxing it would cost an allocation per subscriber to save bytes on rare refusals"
)]
pub enum HubBody {
    /// The subscription's frames.
    Stream(SseBody<Subscription>),
    /// The reason a request was refused (taken once sent).
    Text(Option<Bytes>),
}

impl http_body::Body for HubBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            HubBody::Stream(body) => Pin::new(body).poll_frame(cx),
            HubBody::Text(text) => Poll::Ready(text.take().map(|t| Ok(http_body::Frame::data(t)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            HubBody::Stream(body) => body.is_end_stream(),
            HubBody::Text(text) => text.is_none(),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            HubBody::Stream(body) => body.size_hint(),
            HubBody::Text(text) => {
                http_body::SizeHint::with_exact(text.as_ref().map_or(0, |t| t.len() as u64))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use http_body::Body as _;
    use sse_core::Event;
    use sse_core::hub::Topic;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn subscribes_resumes_and_refuses() {
        let hub = Hub::builder().max_subscribers(1).build();
        let topic = Topic::new("t").unwrap();
        let first = hub.publish(&topic, Event::new("1")).unwrap();
        hub.publish(&topic, Event::new("2")).unwrap();
        let endpoint = hub_endpoint(hub.clone());
        let request = Request::get("/e?topics=t")
            .header("last-event-id", first.as_str())
            .body(())
            .unwrap();
        let response = endpoint.respond(&request);
        assert_eq!(response.status(), 200);
        let HubBody::Stream(body) = response.body() else {
            panic!("not a stream")
        };
        assert_eq!(
            body.source().replay(),
            sse_core::hub::Replay::Resumed { missed: 1 }
        );
        let full = endpoint.respond(&Request::get("/e").body(()).unwrap());
        assert_eq!(full.status(), 503);
        let bad = endpoint.respond(&Request::get("/e?topics=,").body(()).unwrap());
        assert_eq!(bad.status(), 400);
        assert_eq!(
            bad.body().size_hint().exact(),
            Some(bad.body().size_hint().lower())
        );
        drop(response);
        assert_eq!(hub.stats().subscribers, 0);
    }
}
