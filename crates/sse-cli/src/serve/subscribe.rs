//! `GET /subscribe/{topic}` and `GET /subscribe?topics=a,b`: event streams.
//!
//! A topic receives its sub-topics too (`/subscribe/pets` gets `pets/dogs`). A
//! `Last-Event-ID` header (or `lastEventId` query parameter) resumes from the replay
//! window. Refusals: `401` without the subscribe token, `400` for an invalid topic,
//! `503` when the hub has its maximum of subscribers or is shutting down.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, Uri};
use sse_core::hub::{Topic, TopicFilter};
use sse_core::subscribe::{self, Rejection, SubscribeRequest};
use sse_tokio::Sse;

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
        super::query::params(uri.query().unwrap_or_default(), TOPICS_QUERY).collect();
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
    let header = headers
        .get(sse_core::http::LAST_EVENT_ID)
        .map(|value| value.as_bytes());
    let response = subscribe::last_event_id(header, uri.query())
        .and_then(|id| SubscribeRequest::new(filter, id).subscribe(&app.hub))
        .map_err(|rejection| rejected(&rejection))?;
    let (subscription, options) = response.into_parts();
    Ok(Sse::new(app.metrics.timed(subscription))
        .with_options(options)
        .into_response())
}

/// A refused subscribe request as the API's error: its status (400 or 503) and reason.
fn rejected(rejection: &Rejection) -> ApiError {
    let status = StatusCode::from_u16(rejection.status()).unwrap_or(StatusCode::BAD_REQUEST);
    ApiError::new(status, rejection.to_string())
}

/// The topic of a `{*topic}` path, or a `400` saying what is wrong with it.
pub fn parse_topic(path: Result<Path<String>, PathRejection>) -> Result<Topic, ApiError> {
    let Path(text) =
        path.map_err(|e| ApiError::bad_request(format!("topic: {}", e.body_text())))?;
    Topic::new(&text).map_err(|e| ApiError::bad_request(format!("{e}")))
}
