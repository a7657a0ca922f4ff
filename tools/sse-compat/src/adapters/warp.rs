//! warp: sse-warp's `last_event_id` filter and its `Sse` reply.

use std::net::TcpListener;

use sse_core::response::SseResponse;
use sse_warp::{LastEventId, Sse};
use warp::Filter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::{tokio_listener, tokio_runtime};
use crate::scenario::Scenario;

/// Serves until the process is killed.
pub fn serve(listener: TcpListener, scenario: Scenario) -> Result<(), String> {
    let page = warp::path::end().map(|| warp::reply::html(crate::PAGE));
    let events = warp::path("events")
        .and(warp::path::end())
        .and(sse_warp::last_event_id())
        .map(move |last| respond(&scenario, last));
    let routes = warp::get().and(page.or(events));
    tokio_runtime()?.block_on(async move {
        let listener = tokio_listener(listener)?;
        warp::serve(routes).incoming(listener).run().await;
        Err("the warp server stopped".into())
    })
}

fn respond(scenario: &Scenario, LastEventId(last): LastEventId) -> Response {
    match scenario.connect(last) {
        Ok(connection) => {
            let options = scenario.hub().stream_options().clone();
            Sse::from(SseResponse::with_options(connection, options)).into_response()
        }
        Err(e) => warp::reply::with_status(e.to_string(), StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
    }
}
