//! warp: sse-warp's `Sse` reply.

use std::io;
use std::net::TcpListener;

use sse_warp::Sse;
use warp::Filter;
use warp::http::{HeaderValue, StatusCode};
use warp::reply::{Reply, Response};

use crate::Site;

/// Serves `sse_warp::hub_endpoint(hub)` at `/events` until the process ends.
pub fn hub(listener: TcpListener, hub: sse_core::Hub) -> io::Result<()> {
    let routes = warp::path("events").and(sse_warp::hub_endpoint(hub));
    super::tokio_runtime(1)?.block_on(async move {
        warp::serve(routes)
            .incoming(super::tokio_listener(listener)?)
            .run()
            .await;
        Err(io::Error::other("the warp server stopped"))
    })
}

/// Serves until the process ends.
pub fn serve(listener: TcpListener, site: Site) -> io::Result<()> {
    let page = site.page.unwrap_or_default();
    let workers = site.workers;
    let index = warp::path::end().map(move || warp::reply::html(page));
    let query = warp::query::raw()
        .map(Some)
        .or(warp::any().map(|| None))
        .unify();
    let events = warp::path("events")
        .and(warp::path::end())
        .and(query)
        .and(warp::header::optional::<String>(
            sse_core::http::LAST_EVENT_ID,
        ))
        .map(move |query: Option<String>, header: Option<String>| respond(&site, query, header));
    let routes = warp::get().and(index.or(events));
    super::tokio_runtime(workers)?.block_on(async move {
        warp::serve(routes)
            .incoming(super::tokio_listener(listener)?)
            .run()
            .await;
        Err(io::Error::other("the warp server stopped"))
    })
}

fn respond(site: &Site, query: Option<String>, header: Option<String>) -> Response {
    let header = header
        .as_deref()
        .and_then(|h| HeaderValue::from_str(h).ok());
    match site
        .events
        .respond(query.as_deref(), header.as_ref().map(HeaderValue::as_bytes))
    {
        Ok(response) => {
            let (source, options) = response.into_parts();
            Sse::new(source).with_options(options).into_response()
        }
        Err(refusal) => {
            let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
            warp::reply::with_status(refusal.message, status).into_response()
        }
    }
}
