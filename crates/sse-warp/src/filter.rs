//! The filters [`last_event_id`] and [`topics`] (extracting [`LastEventId`] and
//! [`Topics`]), [`hub_endpoint`], and [`SseRejection`] with [`recover`] for what
//! they refuse.

use std::convert::Infallible;

use sse_core::EventId;
use sse_core::http::LAST_EVENT_ID;
use sse_core::hub::{Hub, TopicFilter};
use sse_core::subscribe::{self, Rejection, SubscribeRequest};
use warp::http::{HeaderValue, StatusCode};
use warp::reject::Reject;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::Sse;

/// The id a reconnecting client resumes after, extracted by [`last_event_id`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastEventId(pub Option<EventId>);

/// The topics a request asks for, extracted by [`topics`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics(pub Option<TopicFilter>);

/// Extracts the id a reconnecting client resumes after (see
/// [`sse_core::subscribe::last_event_id`]): the `Last-Event-ID` header, or else the
/// `lastEventId` query parameter; `None` when neither is there or it is empty. An id
/// no server issued (not UTF-8, or holding a NUL) is rejected with an
/// [`SseRejection`] (`400`, see [`recover`]).
///
/// ```
/// use sse_warp::LastEventId;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let filter = sse_warp::last_event_id();
/// let request = warp::test::request().path("/events?lastEventId=7");
/// let LastEventId(id) = request.filter(&filter).await.unwrap();
/// assert_eq!(id.unwrap().as_str(), "7");
/// # }
/// ```
pub fn last_event_id() -> impl Filter<Extract = (LastEventId,), Error = warp::Rejection> + Clone {
    request_parts().and_then(
        |header: Option<HeaderValue>, query: Option<String>| async move {
            let header = header.as_ref().map(HeaderValue::as_bytes);
            let id = subscribe::last_event_id(header, query.as_deref()).map_err(reject)?;
            Ok::<_, warp::Rejection>(LastEventId(id))
        },
    )
}

/// Extracts the topics a request asks for (see [`sse_core::subscribe::topics`]):
/// every `topics` query parameter, repeated or comma-separated, or `None` when the
/// query names none. A list with an entry that is not a topic is rejected with an
/// [`SseRejection`] (`400`, see [`recover`]).
pub fn topics() -> impl Filter<Extract = (Topics,), Error = warp::Rejection> + Clone {
    raw_query().and_then(|query: Option<String>| async move {
        let topics = subscribe::topics(query.as_deref()).map_err(reject)?;
        Ok::<_, warp::Rejection>(Topics(topics))
    })
}

/// A `GET` endpoint that streams `hub`: the topics of `?topics=` (every topic when
/// none are named), resumed after the request's `Last-Event-ID` (header or
/// `?lastEventId=`), with the hub's stream options. Bad topics or ids are answered
/// `400 Bad Request`, a closed or full hub `503 Service Unavailable`, each with the
/// reason as text: no `.recover(..)` needed.
///
/// ```
/// use sse_core::hub::Hub;
/// use warp::Filter;
///
/// let hub = Hub::new();
/// let events = warp::path!("events").and(sse_warp::hub_endpoint(hub));
/// # let _ = events;
/// ```
pub fn hub_endpoint(
    hub: Hub,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let subscribe = move |header: Option<HeaderValue>, query: Option<String>| {
        let header = header.as_ref().map(HeaderValue::as_bytes);
        let subscribed = SubscribeRequest::parse(query.as_deref(), header)
            .and_then(|request| request.subscribe(&hub));
        match subscribed {
            Ok(response) => Sse::from(response).into_response(),
            Err(rejection) => SseRejection(rejection).into_response(),
        }
    };
    warp::get().and(request_parts()).map(subscribe)
}

sse_core::define_rejection!();

impl Reject for SseRejection {}

impl Reply for SseRejection {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::BAD_REQUEST);
        warp::reply::with_status(self.0.to_string(), status).into_response()
    }
}

/// Answers an [`SseRejection`] (see its `Reply`); passes any other rejection on. Use
/// it as `.recover(sse_warp::recover)` after filters that use [`last_event_id`] or
/// [`topics`].
pub async fn recover(rejection: warp::Rejection) -> Result<SseRejection, warp::Rejection> {
    match rejection.find::<SseRejection>() {
        Some(refused) => Ok(refused.clone()),
        None => Err(rejection),
    }
}

/// A refusal as a warp rejection.
fn reject(rejection: Rejection) -> warp::Rejection {
    warp::reject::custom(SseRejection(rejection))
}

/// The `Last-Event-ID` header and the query string of a request, each if present.
fn request_parts()
-> impl Filter<Extract = (Option<HeaderValue>, Option<String>), Error = Infallible> + Clone {
    let header = warp::header::value(LAST_EVENT_ID)
        .map(Some)
        .or(warp::any().map(|| None))
        .unify();
    header.and(raw_query())
}

/// The query string of a request, if it has one.
fn raw_query() -> impl Filter<Extract = (Option<String>,), Error = Infallible> + Clone {
    warp::query::raw()
        .map(Some)
        .or(warp::any().map(|| None))
        .unify()
}
