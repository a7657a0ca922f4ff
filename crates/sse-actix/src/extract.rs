//! [`LastEventId`]: the extractor for the id a reconnecting client resumes from.

use std::convert::Infallible;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use sse_core::EventId;
use sse_core::http::LAST_EVENT_ID;

/// The last event ID of a request: the `Last-Event-ID` header, or else the
/// `lastEventId` query parameter (for browsers, whose `EventSource` cannot set headers
/// on a fresh connection). `None` when neither is there, or the value is empty or not a
/// valid id. Never fails.
///
/// ```
/// use actix_web::test::TestRequest;
/// use actix_web::FromRequest;
/// use sse_actix::LastEventId;
///
/// # actix_web::rt::System::new().block_on(async {
/// let req = TestRequest::get().uri("/events?lastEventId=7").to_http_request();
/// let id = LastEventId::extract(&req).await.unwrap();
/// assert_eq!(id.as_str(), Some("7"));
/// # });
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastEventId(pub Option<EventId>);

impl LastEventId {
    /// Reads it from a request.
    pub fn from_request(req: &HttpRequest) -> Self {
        let header = req.headers().get(LAST_EVENT_ID).map(|v| v.as_bytes());
        let query = Some(req.query_string()).filter(|q| !q.is_empty());
        LastEventId(
            sse_core::subscribe::last_event_id(header, query)
                .ok()
                .flatten(),
        )
    }

    /// The id, if any.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_ref().map(EventId::as_str)
    }

    /// The id, if any, owned.
    pub fn into_inner(self) -> Option<EventId> {
        self.0
    }
}

impl FromRequest for LastEventId {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(LastEventId::from_request(req)))
    }
}
