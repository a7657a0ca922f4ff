//! The two adapters against each other over loopback: the sse-tokio client reading
//! sse-async-std's trillium server (on async-std and on smol), and the sse-async-std
//! client (on async-std and on smol) reading an sse-tokio axum server.

// The runtimes and bounded waits of sse-async-std's own integration tests.
#[path = "../../../crates/sse-async-std/tests/support/mod.rs"]
mod support;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::StreamExt;
use sse_core::hub::{Hub, Topic, TopicFilter};
use sse_core::stream::{KeepAlive, StreamOptions};
use sse_core::{ClientConfig, Disconnect, Event, EventId, StopReason};
use sse_testkit::limited::Limited;
use sse_tokio::axum::LastEventId;
use support::{BOUND, Runtime};

/// Reconnects fast: the tests wait on behaviour, never on the clock.
fn quick() -> ClientConfig {
    ClientConfig::default()
        .initial_retry(Duration::from_millis(5))
        .min_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(20))
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `test` on tokio, failing after [`BOUND`].
fn on_tokio<T>(runtime: &tokio::runtime::Runtime, test: impl Future<Output = T>) -> T {
    runtime
        .block_on(async { tokio::time::timeout(BOUND, test).await })
        .expect("test did not finish in time on tokio")
}

fn topic() -> Topic {
    Topic::new("t").unwrap()
}

fn hub_with_fast_keep_alive() -> Hub {
    let options =
        StreamOptions::default().keep_alive(Some(KeepAlive::new(Duration::from_millis(20))));
    Hub::builder().stream_options(options).build()
}

#[test]
fn tokio_client_reads_and_resumes_from_our_server_on_both_runtimes() {
    use sse_tokio::client::{EventSource, SourceEvent};

    let tokio = tokio_runtime();
    for runtime in Runtime::ALL {
        let hub = hub_with_fast_keep_alive();
        let server = runtime.block_on(runtime.serve(sse_async_std::hub_endpoint(hub.clone())));
        let url = server.url("/?topics=t");
        on_tokio(&tokio, async {
            let mut client = EventSource::builder(url.as_str())
                .config(quick())
                .build()
                .unwrap();
            assert!(matches!(client.next().await, Some(Ok(SourceEvent::Open))));
            let ids: Vec<EventId> = (0..5)
                .map(|n| hub.publish(&topic(), Event::new(format!("e{n}"))).unwrap())
                .collect();
            for (n, id) in ids.iter().enumerate().take(3) {
                match client.next().await {
                    Some(Ok(SourceEvent::Message(event))) => {
                        assert_eq!(event.data(), format!("e{n}"));
                        assert_eq!(event.last_event_id(), id);
                    }
                    other => panic!("{runtime:?}: {other:?}"),
                }
            }
            drop(client);
            while hub.stats().subscribers != 0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }

            // A new client resuming after the third event gets exactly the rest.
            let mut client = EventSource::builder(url.as_str())
                .config(quick())
                .last_event_id(ids[2].clone())
                .build()
                .unwrap();
            assert!(matches!(client.next().await, Some(Ok(SourceEvent::Open))));
            for (n, id) in ids.iter().enumerate().skip(3) {
                match client.next().await {
                    Some(Ok(SourceEvent::Message(event))) => {
                        assert_eq!(event.data(), format!("e{n}"));
                        assert_eq!(event.last_event_id(), id);
                    }
                    other => panic!("{runtime:?}: {other:?}"),
                }
            }
        });
    }
}

#[test]
fn tokio_client_stops_on_our_204() {
    use sse_tokio::client::EventSource;

    let tokio = tokio_runtime();
    for runtime in Runtime::ALL {
        let server = runtime.block_on(runtime.serve(|conn: trillium::Conn| async move {
            conn.with_status(trillium::Status::NoContent).halt()
        }));
        on_tokio(&tokio, async {
            let mut client = EventSource::builder(server.url("/").as_str())
                .config(quick())
                .build()
                .unwrap();
            assert_eq!(client.next().await, Some(Err(StopReason::NoContent)));
            assert_eq!(client.next().await, None);
        });
    }
}

/// What the sse-tokio test server shares with its handlers.
#[derive(Clone)]
struct App {
    hub: Hub,
    resumed_from: Arc<Mutex<Vec<Option<EventId>>>>,
}

/// Streams the hub, cutting the response after three frames.
async fn cut_stream(State(app): State<App>, LastEventId(last): LastEventId) -> Response {
    app.resumed_from.lock().unwrap().push(last.clone());
    match app.hub.subscribe_from(TopicFilter::all(), last.as_ref()) {
        Ok(inner) => sse_tokio::Sse::new(Limited::new(inner, 3))
            .with_options(app.hub.stream_options().clone())
            .into_response(),
        Err(error) => (StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response(),
    }
}

async fn no_content() -> StatusCode {
    StatusCode::NO_CONTENT
}

#[test]
fn our_client_reads_and_resumes_from_an_sse_tokio_server_on_both_runtimes() {
    use sse_async_std::client::{EventSource, SourceEvent};

    let tokio = tokio_runtime();
    let app = App {
        hub: Hub::new(),
        resumed_from: Arc::default(),
    };
    let listener = on_tokio(&tokio, tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new()
        .route("/events", get(cut_stream))
        .route("/gone", get(no_content))
        .with_state(app.clone());
    tokio.spawn(async move { axum::serve(listener, router).await });

    for runtime in Runtime::ALL {
        app.resumed_from.lock().unwrap().clear();
        runtime.block_on(async {
            let url = format!("http://{addr}/events");
            let mut client = EventSource::builder(runtime.client(), &url)
                .config(quick())
                .build()
                .unwrap();
            assert!(matches!(
                client.next_item().await,
                Some(Ok(SourceEvent::Open))
            ));
            let ids: Vec<EventId> = (0..10)
                .map(|n| {
                    app.hub
                        .publish(&topic(), Event::new(n.to_string()))
                        .unwrap()
                })
                .collect();
            let mut received = Vec::new();
            while received.len() < 10 {
                match client.next_item().await {
                    Some(Ok(SourceEvent::Message(event))) => {
                        received.push((event.data().to_owned(), event.last_event_id().clone()))
                    }
                    Some(Ok(SourceEvent::Reconnecting { cause, .. })) => {
                        assert_eq!(cause, Disconnect::EndOfStream)
                    }
                    Some(Ok(_)) => {}
                    other => panic!("{runtime:?}: {other:?}"),
                }
            }
            let expected: Vec<_> = (0..10).map(|n| (n.to_string(), ids[n].clone())).collect();
            assert_eq!(
                received, expected,
                "{runtime:?}: every event once, in order"
            );
            let resumed = app.resumed_from.lock().unwrap().clone();
            assert_eq!(
                &resumed[..3],
                [None, Some(ids[2].clone()), Some(ids[5].clone())]
            );

            let mut gone = EventSource::builder(runtime.client(), &format!("http://{addr}/gone"))
                .config(quick())
                .build()
                .unwrap();
            assert_eq!(gone.next_item().await, Some(Err(StopReason::NoContent)));
            assert_eq!(gone.next_item().await, None);
        });
    }
}
