//! sse-async-std's server (trillium on futures-io): `SseConnExt::with_sse` and
//! `SseConnExt::last_event_id`, run on async-std and on smol.

use std::net::TcpListener;

use sse_async_std::SseConnExt;
use trillium::{Conn, KnownHeaderName, Status};

use crate::scenario::Scenario;

/// Serves on async-std until the process is killed.
pub fn serve_async_std(listener: TcpListener, scenario: Scenario) -> Result<(), String> {
    trillium_async_std::config()
        .without_signals()
        .with_prebound_server(listener)
        .run(handler(scenario));
    Err("the async-std server stopped".into())
}

/// Serves on smol until the process is killed.
pub fn serve_smol(listener: TcpListener, scenario: Scenario) -> Result<(), String> {
    let listener =
        async_net::TcpListener::try_from(listener).map_err(|e| format!("listener: {e}"))?;
    trillium_smol::config()
        .without_signals()
        .with_prebound_server(listener)
        .run(handler(scenario));
    Err("the smol server stopped".into())
}

fn handler(scenario: Scenario) -> impl trillium::Handler {
    move |conn: Conn| {
        let scenario = scenario.clone();
        async move { respond(&scenario, conn) }
    }
}

fn respond(scenario: &Scenario, conn: Conn) -> Conn {
    match conn.path() {
        "/" => conn
            .with_response_header(KnownHeaderName::ContentType, "text/html; charset=utf-8")
            .ok(crate::PAGE),
        "/events" => {
            let last = conn.last_event_id();
            match scenario.connect(last) {
                Ok(connection) => conn.with_sse(connection, scenario.hub().stream_options()),
                Err(e) => conn
                    .with_status(Status::InternalServerError)
                    .with_body(e.to_string())
                    .halt(),
            }
        }
        _ => conn.with_status(Status::NotFound).halt(),
    }
}
