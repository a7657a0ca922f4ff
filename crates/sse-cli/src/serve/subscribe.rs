//! `GET /subscribe/{topic}` and `GET /subscribe?topics=a,b`: event streams.
//!
//! A topic receives its sub-topics too (`/subscribe/pets` gets `pets/dogs`). A
//! `Last-Event-ID` header (or `lastEventId` query parameter) resumes from the replay
//! window. Refusals: `401` without the subscribe token, `400` for an invalid topic,
//! `503` when the hub has its maximum of subscribers or is shutting down.

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, Uri};
use sse_core::hub::{SubscribeError, Topic, TopicFilter};
use sse_tokio::SseBody;

use super::api_error::ApiError;
use super::router::App;

/// The query parameter that lists topics.
const TOPICS_QUERY: &str = "topics";

/// `GET /subscribe/{*topic}`.
pub async fn by_path(
    State(app): State<App>,
    topic: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    app.config.subscribe_access().check(&headers, uri.query())?;
    let filter = TopicFilter::from_topics([parse_topic(topic)?])
        .map_err(|e| ApiError::bad_request(format!("{e}")))?;
    stream(&app, filter, &headers, &uri)
}

/// `GET /subscribe?topics=a,b` (repeating `topics` works too; `*` is every topic).
pub async fn by_query(
    State(app): State<App>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    app.config.subscribe_access().check(&headers, uri.query())?;
    let lists: Vec<String> =
        sse_core::http::query_params(uri.query().unwrap_or_default(), TOPICS_QUERY).collect();
    if lists.iter().all(|list| list.trim().is_empty()) {
        return Err(ApiError::bad_request(
            "name the topics: /subscribe/{topic} or /subscribe?topics=a,b (* for every topic)",
        ));
    }
    let list = lists.join(",");
    let filter = TopicFilter::parse_list(&list)
        .map_err(|e| ApiError::bad_request(format!("topics: {e}")))?;
    stream(&app, filter, &headers, &uri)
}

fn stream(
    app: &App,
    filter: TopicFilter,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<Response, ApiError> {
    let last_event_id = sse_tokio::last_event_id(headers, uri);
    let subscription = app
        .hub
        .subscribe_from(filter, last_event_id.as_ref())
        .map_err(|e| match e {
            SubscribeError::Full { max } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("the hub has its maximum of {max} subscribers"),
            ),
            other => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, format!("{other}")),
        })?;
    let body = SseBody::new(app.metrics.timed(subscription), app.hub.stream_options());
    Ok(sse_tokio::sse_response(Body::new(body)).into_response())
}

/// The topic of a `{*topic}` path, or a `400` saying what is wrong with it.
pub fn parse_topic(path: Result<Path<String>, PathRejection>) -> Result<Topic, ApiError> {
    let Path(text) =
        path.map_err(|e| ApiError::bad_request(format!("topic: {}", e.body_text())))?;
    Topic::new(&text).map_err(|e| ApiError::bad_request(format!("{e}")))
}
