//! The request's resume point and topics as poem extractors, and the hub endpoint.

use poem::error::ResponseError;
use poem::http::{HeaderValue, StatusCode};
use poem::{Endpoint, FromRequest, Request, RequestBody};
use sse_core::EventId;
use sse_core::http::LAST_EVENT_ID;
use sse_core::hub::{Hub, TopicFilter};
use sse_core::subscribe::{self, Rejection, SubscribeRequest};

use crate::Sse;

/// The id a client resumes after: the `Last-Event-ID` header, or else the
/// `?lastEventId=` query parameter; `None` on a first connection. An id no server
/// could have issued (not UTF-8, or holding a NUL) is answered with `400`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastEventId(pub Option<EventId>);

/// The topics a client asks for with `?topics=` (repeated or comma-separated; `*`
/// for all), or `None` when it names none. A bad entry is answered with `400`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics(pub Option<TopicFilter>);

impl<'a> FromRequest<'a> for LastEventId {
    async fn from_request(request: &'a Request, _: &mut RequestBody) -> poem::Result<Self> {
        subscribe::last_event_id(header(request), request.uri().query())
            .map(LastEventId)
            .map_err(rejected)
    }
}

impl<'a> FromRequest<'a> for Topics {
    async fn from_request(request: &'a Request, _: &mut RequestBody) -> poem::Result<Self> {
        subscribe::topics(request.uri().query())
            .map(Topics)
            .map_err(rejected)
    }
}

/// An endpoint that subscribes every request to `hub`: the `?topics=` asked for
/// (every topic when none), resumed after the `Last-Event-ID`, with the hub's stream
/// options; `400` for a bad topic list or id, `503` when the hub is full or closed.
pub fn hub_endpoint(hub: Hub) -> HubEndpoint {
    HubEndpoint { hub }
}

/// The endpoint of [`hub_endpoint`].
#[derive(Debug, Clone)]
pub struct HubEndpoint {
    hub: Hub,
}

impl Endpoint for HubEndpoint {
    type Output = Sse<sse_core::hub::Subscription>;

    async fn call(&self, request: Request) -> poem::Result<Self::Output> {
        SubscribeRequest::parse(request.uri().query(), header(&request))
            .and_then(|asked| asked.subscribe(&self.hub))
            .map(Sse::from)
            .map_err(rejected)
    }
}

fn header(request: &Request) -> Option<&[u8]> {
    request
        .headers()
        .get(LAST_EVENT_ID)
        .map(HeaderValue::as_bytes)
}

sse_core::define_rejection!();

impl ResponseError for SseRejection {
    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::BAD_REQUEST)
    }
}

/// A rejection as poem's error: its status, its one-line reason as the body.
fn rejected(rejection: Rejection) -> poem::Error {
    poem::Error::from(SseRejection(rejection))
}
