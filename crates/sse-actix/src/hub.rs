//! Hub-backed responses: [`Sse`] over a [`Subscription`] of sse-core's [`Hub`], and
//! the [`Topics`] extractor for `?topics=`.

use std::fmt;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};
use sse_core::EventId;
use sse_core::hub::{Hub, SubscribeError, Subscription, TopicError, TopicFilter};

use crate::Sse;

impl Sse<Subscription> {
    /// A response of `subscription` with `hub`'s stream options (keep-alive, `retry:`
    /// hint, initial comment). When the client goes away, actix drops the response
    /// body and with it the subscription: the hub forgets the subscriber.
    pub fn from_subscription(subscription: Subscription, hub: &Hub) -> Self {
        Sse::new(subscription).with_options(hub.stream_options().clone())
    }

    /// Subscribes to `filter` on `hub`, resuming after `last_event_id` (see
    /// [`LastEventId`](crate::LastEventId)) from the hub's replay window, then live.
    /// How the resumption went is `sse.source().replay()`.
    ///
    /// Fails with a `503 Service Unavailable` error when the hub is closed or full.
    ///
    /// ```
    /// use actix_web::{Responder, web};
    /// use sse_actix::{LastEventId, Sse, SubscribeRefused, Topics};
    /// use sse_core::hub::{Hub, TopicFilter};
    ///
    /// async fn events(
    ///     hub: web::Data<Hub>,
    ///     Topics(topics): Topics,
    ///     LastEventId(last): LastEventId,
    /// ) -> Result<impl Responder, SubscribeRefused> {
    ///     let filter = topics.unwrap_or_else(TopicFilter::all);
    ///     Sse::subscribe(&hub, filter, last.as_ref())
    /// }
    /// ```
    pub fn subscribe(
        hub: &Hub,
        filter: TopicFilter,
        last_event_id: Option<&EventId>,
    ) -> Result<Self, SubscribeRefused> {
        let subscription = hub
            .subscribe_from(filter, last_event_id)
            .map_err(SubscribeRefused)?;
        Ok(Sse::from_subscription(subscription, hub))
    }
}

/// The hub refused a subscription (it is closed, or has its maximum of subscribers):
/// answered with `503 Service Unavailable` and the reason as text, so clients retry
/// later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscribeRefused(pub SubscribeError);

impl fmt::Display for SubscribeRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for SubscribeRefused {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl ResponseError for SubscribeRefused {
    fn status_code(&self) -> StatusCode {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

/// The topics a request asks for: every `topics` query parameter (repeated, or
/// comma-separated as in `?topics=head,block`; `*` means every topic), or `None` when
/// the query names none. A list with an entry that is not a valid topic is refused
/// with `400 Bad Request` naming it ([`BadTopics`]).
///
/// Which topics exist is the application's business: check
/// [`TopicFilter::topics`] against your own list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics(pub Option<TopicFilter>);

impl Topics {
    /// Reads them from a request.
    pub fn from_request(req: &HttpRequest) -> Result<Self, BadTopics> {
        let query = Some(req.query_string()).filter(|q| !q.is_empty());
        sse_core::subscribe::topics(query)
            .map_err(|rejection| match rejection {
                sse_core::subscribe::Rejection::BadTopics(error) => error,
                _ => sse_core::hub::TopicError::Empty,
            })
            .map(Topics)
            .map_err(BadTopics)
    }
}

impl FromRequest for Topics {
    type Error = BadTopics;
    type Future = Ready<Result<Self, BadTopics>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Topics::from_request(req))
    }
}

/// A `?topics=` list that does not parse: `400 Bad Request` with the reason as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTopics(pub TopicError);

impl fmt::Display for BadTopics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid topics: {}", self.0)
    }
}

impl std::error::Error for BadTopics {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl ResponseError for BadTopics {
    fn status_code(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::BadRequest().body(self.to_string())
    }
}
