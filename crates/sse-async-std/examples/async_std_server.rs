//! Event streams served on async-std: `cargo run -p sse-async-std --example
//! async_std_server`, then `curl -N http://127.0.0.1:8080/countdown` or
//! `curl -N http://127.0.0.1:8080/report`.
//!
//! Two ways to make a response without a hub: `/countdown` streams events made by a
//! `Stream`; `/report` sends one event whose data is streamed from an `AsyncRead`
//! (here a file, read piece by piece, never held whole). Anything else is a 404.

use std::time::Duration;

use futures_lite::{StreamExt, stream};
use sse_async_std::{LastEventId, Sse, SseConnExt, reader_event};
use sse_core::Event;
use trillium::{Conn, Status};

async fn countdown(conn: Conn) -> Conn {
    let from = LastEventId::from_conn(&conn)
        .ok()
        .and_then(|LastEventId(id)| id)
        .and_then(|id| id.as_str().parse::<u32>().ok())
        .unwrap_or(10);
    let events = stream::iter((0..from).rev()).then(|n| async move {
        async_std::task::sleep(Duration::from_millis(500)).await;
        Event::builder()
            .id(n.to_string())
            .data(format!("{n} to go"))
            .build()
            .unwrap_or_default()
    });
    conn.with_sse(Sse::from_stream(events))
}

async fn report(conn: Conn) -> Conn {
    let path = std::env::var("REPORT").unwrap_or_else(|_| "Cargo.toml".to_owned());
    match async_std::fs::File::open(&path).await {
        Ok(file) => {
            let head = Event::builder().event("report").build().unwrap_or_default();
            conn.with_sse(Sse::new(reader_event(head, file).into_source()).no_keep_alive())
        }
        Err(error) => conn
            .with_status(Status::InternalServerError)
            .with_body(format!("{path}: {error}"))
            .halt(),
    }
}

async fn route(conn: Conn) -> Conn {
    match conn.path() {
        "/countdown" => countdown(conn).await,
        "/report" => report(conn).await,
        _ => conn.with_status(Status::NotFound).halt(),
    }
}

fn main() {
    println!("serving on http://127.0.0.1:8080/countdown and /report");
    // trillium answers 503 beyond 75 % of `ulimit -n` connections by default: set the
    // cap to the streams this server should hold. `http_config()` sizes trillium's
    // per-connection buffers for event streams (about half the memory per idle stream).
    trillium_async_std::config()
        .with_host("127.0.0.1")
        .with_port(8080)
        .with_max_connections(Some(10_000))
        .with_http_config(sse_async_std::http_config())
        .run(route);
}
