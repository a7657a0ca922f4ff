//! axum: a `Router` whose `/events` handler takes sse-tokio's `LastEventId` extractor
//! and returns its `SseBody` (`IntoResponse`).

use std::net::TcpListener;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sse_tokio::SseBody;
use sse_tokio::axum::LastEventId;

use super::{tokio_listener, tokio_runtime};
use crate::scenario::Scenario;

/// Serves until the process is killed.
pub fn serve(listener: TcpListener, scenario: Scenario) -> Result<(), String> {
    let app = Router::new()
        .route("/", get(|| async { Html(crate::PAGE) }))
        .route("/events", get(events))
        .with_state(scenario);
    tokio_runtime()?.block_on(async move {
        let listener = tokio_listener(listener)?;
        axum::serve(listener, app).await.map_err(|e| e.to_string())
    })
}

async fn events(State(scenario): State<Scenario>, LastEventId(last): LastEventId) -> Response {
    match scenario.connect(last) {
        Ok(connection) => SseBody::new(connection, scenario.hub().stream_options()).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
