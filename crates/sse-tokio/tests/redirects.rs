//! The client follows redirects as a browser's `EventSource` does.
#![cfg(all(feature = "client", feature = "axum"))]

mod support;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use futures_util::stream;
use sse_testkit::wait::next;
use sse_tokio::client::{
    ClientConfig, Disconnect, EventSource, SourceEvent, StopReason, TooManyRedirects,
};
use sse_tokio::{Event, Sse};
use support::Server;

fn to(status: StatusCode, location: &'static str) -> impl IntoResponse {
    (status, [(header::LOCATION, location)])
}

/// Method and `last-event-id` / `authorization` of each request to `/events`.
type Log = Arc<Mutex<Vec<(String, Option<String>, Option<String>)>>>;

fn app(log: Log) -> Router {
    Router::new()
        .route(
            "/old/place",
            get(|| async { to(StatusCode::TEMPORARY_REDIRECT, "../events") }),
        )
        .route(
            "/submit",
            any(|| async { to(StatusCode::SEE_OTHER, "/events") }),
        )
        .route("/loop", get(|| async { to(StatusCode::FOUND, "/loop") }))
        .route(
            "/events",
            any(move |headers: HeaderMap, request: Request| {
                let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
                log.lock().unwrap().push((
                    request.method().to_string(),
                    header("last-event-id"),
                    header("authorization"),
                ));
                async {
                    let event =
                        Event::new("arrived").with_id(sse_tokio::EventId::new("r1").unwrap());
                    Sse::from_stream(stream::iter([event]))
                }
            }),
        )
}

#[tokio::test]
async fn a_relative_307_is_followed_and_so_is_each_reconnection() {
    let log = Log::default();
    let server = Server::start(app(log.clone())).await;
    let config = ClientConfig::default()
        .initial_retry(std::time::Duration::from_millis(10))
        .min_delay(std::time::Duration::from_millis(10));
    let request = http::Request::get(server.url("/old/place"))
        .header("authorization", "Bearer same-origin")
        .body(bytes::Bytes::new())
        .unwrap();
    let mut source = EventSource::builder(request)
        .config(config)
        .build()
        .unwrap();
    let mut messages = 0;
    while messages < 2 {
        match next("events", &mut source).await {
            Ok(SourceEvent::Message(event)) => {
                assert_eq!(event.data(), "arrived");
                messages += 1;
            }
            Ok(SourceEvent::Open) => {}
            Ok(SourceEvent::Reconnecting { cause, .. }) => {
                assert_eq!(cause, Disconnect::EndOfStream)
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let log = log.lock().unwrap().clone();
    let auth = Some("Bearer same-origin".to_owned());
    assert_eq!(log[0], ("GET".into(), None, auth.clone()));
    assert_eq!(log[1], ("GET".into(), Some("r1".into()), auth));
}

#[tokio::test]
async fn a_303_after_post_becomes_a_get() {
    let log = Log::default();
    let server = Server::start(app(log.clone())).await;
    let request = http::Request::post(server.url("/submit"))
        .body("payload")
        .unwrap();
    let mut source = EventSource::new(request).unwrap();
    assert_eq!(next("open", &mut source).await, Ok(SourceEvent::Open));
    assert_eq!(log.lock().unwrap()[0].0, "GET");
}

#[tokio::test]
async fn a_redirect_loop_is_a_transport_failure() {
    let server = Server::start(app(Log::default())).await;
    let config = ClientConfig::default().max_retries(Some(0));
    let mut source = EventSource::builder(server.url("/loop"))
        .config(config)
        .build()
        .unwrap();
    match next("the failure", &mut source).await {
        Err(StopReason::RetriesExhausted {
            last: Disconnect::Transport(error),
            ..
        }) => {
            let limit = error.find::<TooManyRedirects>().map(|e| e.limit);
            assert_eq!(limit, Some(20), "{error}");
        }
        other => panic!("expected a redirect-loop failure, got {other:?}"),
    }
}
