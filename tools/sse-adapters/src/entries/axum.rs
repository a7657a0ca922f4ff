//! axum: sse-tokio's `SseBody` (`IntoResponse`), served by `axum::serve`, or by
//! sse-tokio's own server helper (`sse_tokio::server::Server`, which writes event
//! streams with its lean writer).

use std::io;
use std::net::TcpListener;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sse_core::http::LAST_EVENT_ID;
use sse_tokio::Sse;
use sse_tokio::server::Server;

use crate::Site;

/// Serves `sse_tokio::axum::hub_endpoint(hub)` at `/events` until the process ends.
pub fn hub(listener: TcpListener, hub: sse_core::Hub) -> io::Result<()> {
    let app = hub_app(hub);
    super::tokio_runtime(1)?
        .block_on(async move { axum::serve(super::tokio_listener(listener)?, app).await })
}

/// Serves until the process ends.
pub fn serve(listener: TcpListener, site: Site) -> io::Result<()> {
    let workers = site.workers;
    let app = site_app(site);
    super::tokio_runtime(workers)?
        .block_on(async move { axum::serve(super::tokio_listener(listener)?, app).await })
}

/// [`hub`] on `sse_tokio::server::Server` with its default options.
pub fn hub_on_server(listener: TcpListener, hub: sse_core::Hub) -> io::Result<()> {
    let app = hub_app(hub);
    super::tokio_runtime(1)?.block_on(async move {
        Server::from_listener(super::tokio_listener(listener)?)
            .serve(app)
            .await
    })
}

/// [`serve`] on `sse_tokio::server::Server` with its default options.
pub fn serve_on_server(listener: TcpListener, site: Site) -> io::Result<()> {
    let workers = site.workers;
    let app = site_app(site);
    super::tokio_runtime(workers)?.block_on(async move {
        Server::from_listener(super::tokio_listener(listener)?)
            .serve(app)
            .await
    })
}

fn hub_app(hub: sse_core::Hub) -> Router {
    Router::new().route("/events", sse_tokio::axum::hub_endpoint(hub))
}

fn site_app(site: Site) -> Router {
    let page = site.page.unwrap_or_default();
    Router::new()
        .route("/", get(move || async move { Html(page) }))
        .route("/events", get(events))
        .with_state(site)
}

async fn events(
    State(site): State<Site>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let header = headers.get(LAST_EVENT_ID).map(|v| v.as_bytes());
    match site.events.respond(query.as_deref(), header) {
        Ok(response) => Sse::from(response).into_response(),
        Err(refusal) => (status(refusal.status), refusal.message).into_response(),
    }
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST)
}
