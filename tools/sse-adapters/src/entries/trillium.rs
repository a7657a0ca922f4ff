//! sse-async-std's server (trillium on futures-io): `SseConnExt::with_sse`, on
//! async-std and on smol.

use std::io;
use std::net::TcpListener;

use sse_async_std::{Sse, SseConnExt};
use sse_core::http::LAST_EVENT_ID;
use trillium::{Conn, KnownHeaderName, Status};

use crate::Site;

/// Serves `sse_async_std::hub_endpoint(hub)` on async-std, on every path, until the
/// process ends.
pub fn hub_async_std(listener: TcpListener, hub: sse_core::Hub) -> io::Result<()> {
    trillium_async_std::config()
        .without_signals()
        .with_http_config(sse_async_std::http_config())
        .with_prebound_server(listener)
        .run(sse_async_std::hub_endpoint(hub));
    Err(io::Error::other("the async-std server stopped"))
}

/// Serves `sse_async_std::hub_endpoint(hub)` on smol, on every path, until the
/// process ends.
pub fn hub_smol(listener: TcpListener, hub: sse_core::Hub) -> io::Result<()> {
    let listener = async_net::TcpListener::try_from(listener)?;
    trillium_smol::config()
        .without_signals()
        .with_http_config(sse_async_std::http_config())
        .with_prebound_server(listener)
        .run(sse_async_std::hub_endpoint(hub));
    Err(io::Error::other("the smol server stopped"))
}

/// Serves on async-std until the process ends.
pub fn serve_async_std(listener: TcpListener, site: Site) -> io::Result<()> {
    trillium_async_std::config()
        .without_signals()
        .with_max_connections(Some(crate::TRILLIUM_MAX_CONNECTIONS))
        .with_http_config(sse_async_std::http_config())
        .with_prebound_server(listener)
        .run(handler(site));
    Err(io::Error::other("the async-std server stopped"))
}

/// Serves on smol until the process ends.
pub fn serve_smol(listener: TcpListener, site: Site) -> io::Result<()> {
    let listener = async_net::TcpListener::try_from(listener)?;
    trillium_smol::config()
        .without_signals()
        .with_max_connections(Some(crate::TRILLIUM_MAX_CONNECTIONS))
        .with_http_config(sse_async_std::http_config())
        .with_prebound_server(listener)
        .run(handler(site));
    Err(io::Error::other("the smol server stopped"))
}

fn handler(site: Site) -> impl trillium::Handler {
    move |conn: Conn| {
        let site = site.clone();
        async move { respond(&site, conn) }
    }
}

fn respond(site: &Site, conn: Conn) -> Conn {
    match (conn.path(), site.page) {
        ("/", Some(page)) => conn
            .with_response_header(KnownHeaderName::ContentType, "text/html; charset=utf-8")
            .ok(page),
        ("/events", _) => {
            let query = Some(conn.querystring()).filter(|q| !q.is_empty());
            let header = conn
                .request_headers()
                .get_str(LAST_EVENT_ID)
                .map(str::as_bytes);
            match site.events.respond(query, header) {
                Ok(response) => conn.with_sse(Sse::from(response)),
                Err(refusal) => conn
                    .with_status(refusal.status)
                    .with_body(refusal.message)
                    .halt(),
            }
        }
        _ => conn.with_status(Status::NotFound).halt(),
    }
}
