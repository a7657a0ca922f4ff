//! The extractors [`LastEventId`] and [`Topics`], and [`SseRejection`], the answer
//! when a request cannot be served.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, ResponseError};
use sse_core::EventId;
use sse_core::http::LAST_EVENT_ID;
use sse_core::hub::TopicFilter;
use sse_core::subscribe;

/// The id a reconnecting client resumes after (see
/// [`sse_core::subscribe::last_event_id`]): the `Last-Event-ID` header, or else the
/// `lastEventId` query parameter; `None` when neither is there or it is empty. An id
/// no server issued (not UTF-8, or holding a NUL) is refused with `400 Bad Request`.
///
/// ```
/// use actix_web::FromRequest;
/// use actix_web::test::TestRequest;
/// use sse_actix::LastEventId;
///
/// # actix_web::rt::System::new().block_on(async {
/// let req = TestRequest::get().uri("/events?lastEventId=7").to_http_request();
/// let LastEventId(id) = LastEventId::extract(&req).await.unwrap();
/// assert_eq!(id.unwrap().as_str(), "7");
/// # });
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastEventId(pub Option<EventId>);

impl FromRequest for LastEventId {
    type Error = SseRejection;
    type Future = Ready<Result<Self, SseRejection>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            subscribe::last_event_id(header(req), query(req)).map_or_else(
                |rejection| Err(SseRejection(rejection)),
                |id| Ok(LastEventId(id)),
            ),
        )
    }
}

/// The topics a request asks for (see [`sse_core::subscribe::topics`]): every
/// `topics` query parameter, repeated or comma-separated, or `None` when the query
/// names none. A list with an entry that is not a topic is refused with `400 Bad
/// Request`. Which topics exist is the application's business: check
/// [`TopicFilter::topics`] against your own list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics(pub Option<TopicFilter>);

impl FromRequest for Topics {
    type Error = SseRejection;
    type Future = Ready<Result<Self, SseRejection>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(subscribe::topics(query(req)).map_or_else(
            |rejection| Err(SseRejection(rejection)),
            |topics| Ok(Topics(topics)),
        ))
    }
}

sse_core::define_rejection!();

impl ResponseError for SseRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::BAD_REQUEST)
    }
}

/// The request's query string, `None` when it has none.
pub(crate) fn query(req: &HttpRequest) -> Option<&str> {
    Some(req.query_string()).filter(|query| !query.is_empty())
}

/// The request's `Last-Event-ID` header.
pub(crate) fn header(req: &HttpRequest) -> Option<&[u8]> {
    req.headers()
        .get(LAST_EVENT_ID)
        .map(|value| value.as_bytes())
}
