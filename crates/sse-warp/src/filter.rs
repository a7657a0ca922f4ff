//! [`last_event_id`]: the filter for the id a reconnecting client resumes from.

use std::convert::Infallible;

use sse_core::EventId;
use sse_core::http::LAST_EVENT_ID;
use warp::Filter;
use warp::http::HeaderValue;

/// Extracts the last event ID of a request: the `Last-Event-ID` header, or else the
/// `lastEventId` query parameter (for browsers, whose `EventSource` cannot set headers
/// on a fresh connection). `None` when neither is there, or the value is empty or not
/// a valid id. Never rejects.
///
/// ```
/// use warp::Filter;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let filter = sse_warp::last_event_id();
/// let id = warp::test::request()
///     .path("/events?lastEventId=7")
///     .filter(&filter)
///     .await
///     .unwrap();
/// assert_eq!(id.unwrap().as_str(), "7");
/// # }
/// ```
pub fn last_event_id() -> impl Filter<Extract = (Option<EventId>,), Error = Infallible> + Clone {
    let header = warp::header::value(LAST_EVENT_ID)
        .map(Some)
        .or(warp::any().map(|| None))
        .unify();
    let query = warp::query::raw()
        .map(Some)
        .or(warp::any().map(|| None))
        .unify();
    header
        .and(query)
        .map(|header: Option<HeaderValue>, query: Option<String>| {
            sse_core::subscribe::last_event_id(
                header.as_ref().map(HeaderValue::as_bytes),
                query.as_deref(),
            )
            .ok()
            .flatten()
        })
}
