//! Hub-backed replies: [`Sse`] over a [`Subscription`] of sse-core's [`Hub`], the
//! [`subscribe`] and [`topics`] filters, and [`recover`] for their rejections.

use std::fmt;

use sse_core::EventId;
use sse_core::hub::{Hub, SubscribeError, Subscription, TopicError, TopicFilter};
use warp::http::StatusCode;
use warp::reject::Reject;
use warp::{Filter, Rejection, Reply};

use crate::{Sse, last_event_id};

impl Sse<Subscription> {
    /// A reply of `subscription` with `hub`'s stream options (keep-alive, `retry:`
    /// hint, initial comment). When the client goes away, hyper drops the body and
    /// with it the subscription: the hub forgets the subscriber.
    pub fn from_subscription(subscription: Subscription, hub: &Hub) -> Self {
        Sse::new(subscription).with_options(hub.stream_options().clone())
    }

    /// Subscribes to `filter` on `hub`, resuming after `last_event_id` (see
    /// [`last_event_id`](crate::last_event_id)) from the hub's replay window, then live.
    /// How the resumption went is `sse.source().replay()`.
    ///
    /// Fails if the hub is closed or full (answer 503 then).
    pub fn subscribe(
        hub: &Hub,
        filter: TopicFilter,
        last_event_id: Option<&EventId>,
    ) -> Result<Self, SubscribeError> {
        let subscription = hub.subscribe_from(filter, last_event_id)?;
        Ok(Sse::from_subscription(subscription, hub))
    }
}

/// Extracts the topics a request asks for: every `topics` query parameter
/// (repeated, or comma-separated as in `?topics=head,block`; `*` means every topic), or
/// `None` when the query names none. Rejects a list with an entry that is not a valid
/// topic with [`BadTopics`].
pub fn topics() -> impl Filter<Extract = (Option<TopicFilter>,), Error = Rejection> + Clone {
    let query = warp::query::raw()
        .map(Some)
        .or(warp::any().map(|| None))
        .unify();
    query.and_then(|query: Option<String>| async move {
        sse_core::subscribe::topics(query.as_deref())
            .map_err(|rejection| match rejection {
                sse_core::subscribe::Rejection::BadTopics(error) => error,
                _ => sse_core::hub::TopicError::Empty,
            })
            .map_err(|error| warp::reject::custom(BadTopics(error)))
    })
}

/// A hub subscription for each request: the topics of [`topics`] (every topic when
/// none are named), resumed after the request's [`last_event_id`]. Rejects with
/// [`BadTopics`] or [`SubscribeRefused`]; [`recover`] answers those.
///
/// ```
/// use sse_core::hub::Hub;
/// use warp::Filter;
///
/// let hub = Hub::new();
/// let events = warp::path("events")
///     .and(sse_warp::subscribe(hub))
///     .recover(sse_warp::recover);
/// # let _ = events;
/// ```
pub fn subscribe(
    hub: Hub,
) -> impl Filter<Extract = (Sse<Subscription>,), Error = Rejection> + Clone {
    topics().and(last_event_id()).and_then(
        move |topics: Option<TopicFilter>, last: Option<EventId>| {
            let subscribed =
                Sse::subscribe(&hub, topics.unwrap_or_else(TopicFilter::all), last.as_ref())
                    .map_err(|error| warp::reject::custom(SubscribeRefused(error)));
            async move { subscribed }
        },
    )
}

/// Answers the rejections of this crate's filters: [`BadTopics`] with `400 Bad
/// Request`, [`SubscribeRefused`] with `503 Service Unavailable`, each with the reason
/// as text. Passes any other rejection on.
pub async fn recover(rejection: Rejection) -> Result<impl Reply, Rejection> {
    if let Some(BadTopics(error)) = rejection.find::<BadTopics>() {
        let text = format!("invalid topics: {error}");
        return Ok(warp::reply::with_status(text, StatusCode::BAD_REQUEST));
    }
    if let Some(SubscribeRefused(error)) = rejection.find::<SubscribeRefused>() {
        let text = error.to_string();
        return Ok(warp::reply::with_status(
            text,
            StatusCode::SERVICE_UNAVAILABLE,
        ));
    }
    Err(rejection)
}

/// A `?topics=` list that does not parse (a rejection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTopics(pub TopicError);

impl Reject for BadTopics {}

impl fmt::Display for BadTopics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid topics: {}", self.0)
    }
}

/// The hub refused a subscription: it is closed or full (a rejection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscribeRefused(pub SubscribeError);

impl Reject for SubscribeRefused {}

impl fmt::Display for SubscribeRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
