//! `POST /publish/{topic}`: the request body becomes one event on the topic.
//!
//! The body is the event's data: UTF-8 text with any line endings (each becomes a
//! `data:` line). `?event=TYPE` sets the event type. The answer is `200` with
//! `{"id": "…"}`, the id the hub gave the event. Bad input gets `400` with
//! `{"error": "…"}` and publishes nothing: invalid UTF-8, a type with a line break, a
//! body (plus type) over `--max-event`, an invalid topic. `401`/`403` when publishing
//! is not allowed (see [`PublishAccess`](super::PublishAccess)).

use std::net::SocketAddr;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{ExtensionRejection, PathRejection};
use axum::extract::{ConnectInfo, Path, Request, State};
use bytes::Bytes;
use http::{StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Serialize;
use sse_core::hub::PublishError;
use sse_core::{Event, EventType};

use super::api_error::ApiError;
use super::router::App;
use super::subscribe::parse_topic;

/// The query parameter that sets the event type.
const EVENT_QUERY: &str = "event";

/// The answer to a successful publish.
#[derive(Debug, Serialize)]
pub struct Published {
    /// The id the hub gave the event.
    pub id: String,
}

/// `POST /publish/{*topic}`.
pub async fn publish(
    State(app): State<App>,
    topic: Result<Path<String>, PathRejection>,
    peer: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    request: Request,
) -> Result<Json<Published>, ApiError> {
    let (parts, body) = request.into_parts();
    let query = parts.uri.query();
    let peer = peer.ok().map(|ConnectInfo(addr)| addr);
    app.config
        .publish_access()
        .check(&parts.headers, query, peer)?;

    let topic = parse_topic(topic)?;

    let event_type = match query.and_then(|q| super::query::param(q, EVENT_QUERY)) {
        Some(text) if !text.is_empty() => Some(
            EventType::new(&text).map_err(|e| ApiError::bad_request(format!("?event=: {e}")))?,
        ),
        _ => None,
    };

    let max = app.config.max_event_bytes();
    let type_len = event_type.as_ref().map_or(0, |t| t.len());
    let room = max.checked_sub(type_len).ok_or_else(|| too_large(max))?;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|len| len > room as u64) {
        return Err(too_large(max));
    }
    let data = read_body(body, room)
        .await
        .map_err(|e| e.unwrap_or_else(|| too_large(max)))?;
    let data = utf8(data)?;

    let mut event = Event::new(data);
    if let Some(event_type) = event_type {
        event = event.with_type(event_type);
    }
    let started = app.metrics.publishing();
    let id = match &app.redis {
        Some(redis) => redis.publish(&topic, event).await.map_err(redis_failure)?,
        None => app.hub.publish(&topic, event).map_err(|e| match e {
            PublishError::Closed => shutting_down(),
            other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{other}")),
        })?,
    };
    app.metrics.published(started);
    Ok(Json(Published {
        id: id.as_str().to_owned(),
    }))
}

fn shutting_down() -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the hub is shutting down")
}

/// `503` when Redis did not take the event (nothing was published; try again),
/// `500` for anything else.
fn redis_failure(error: sse_redis::Error) -> ApiError {
    match error {
        sse_redis::Error::Closed => shutting_down(),
        sse_redis::Error::Publish(_) => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, error.to_string())
        }
        other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
    }
}

fn too_large(max: usize) -> ApiError {
    ApiError::bad_request(format!(
        "the event (body plus type) is larger than --max-event ({max} bytes)"
    ))
}

/// Reads at most `limit` bytes; `Err(None)` when the body is larger, `Err(Some(_))`
/// when reading failed.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, Option<ApiError>> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(None),
        Err(error) => Err(Some(ApiError::bad_request(format!(
            "reading the body failed: {error}"
        )))),
    }
}

/// The body as text, or a `400` saying where it stops being UTF-8.
fn utf8(data: Bytes) -> Result<Bytes, ApiError> {
    match std::str::from_utf8(&data) {
        Ok(_) => Ok(data),
        Err(e) => Err(ApiError::bad_request(format!(
            "the body is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))),
    }
}
