//! Our client against our server over loopback, on async-std and on smol.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_lite::stream;
use sse_async_std::client::{EventSource, SourceEvent};
use sse_async_std::{LastEventId, Sse, SseConnExt, hub_endpoint};
use sse_core::hub::{Hub, Topic, TopicFilter};
use sse_core::stream::{KeepAlive, StreamOptions};
use sse_core::{ClientConfig, Disconnect, Event, MessageEvent, StopReason};
use sse_testkit::limited::Limited;
use support::{Runtime, Server, eventually};
use trillium::{Conn, Status};

/// Reconnects fast: the tests wait on behaviour, never on the clock.
fn quick() -> ClientConfig {
    ClientConfig::default()
        .initial_retry(Duration::from_millis(5))
        .min_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(20))
}

fn source(runtime: Runtime, url: &str, config: ClientConfig) -> EventSource {
    EventSource::builder(runtime.client(), url)
        .config(config)
        .build()
        .expect("valid url")
}

/// The next message, skipping `Open` and `Reconnecting`.
async fn next_message(source: &mut EventSource) -> MessageEvent {
    loop {
        match source.next_item().await {
            Some(Ok(SourceEvent::Message(event))) => return event,
            Some(Ok(_)) => continue,
            other => panic!("expected a message, got {other:?}"),
        }
    }
}

async fn expect_open(source: &mut EventSource) {
    match source.next_item().await {
        Some(Ok(SourceEvent::Open)) => {}
        other => panic!("expected Open, got {other:?}"),
    }
}

/// A hub with a 20 ms keep-alive (a server notices a client gone at its next write),
/// served by `hub_endpoint`, and a client of it whose stream is open.
async fn open_client_of_a_hub(runtime: Runtime) -> (Hub, Server, EventSource) {
    let options =
        StreamOptions::default().keep_alive(Some(KeepAlive::new(Duration::from_millis(20))));
    let hub = Hub::builder().stream_options(options).build();
    let server = runtime.serve(hub_endpoint(hub.clone())).await;
    let mut client = source(runtime, &server.url("/"), quick());
    expect_open(&mut client).await;
    (hub, server, client)
}

fn topic() -> Topic {
    Topic::new("t").unwrap()
}

#[test]
fn client_receives_hub_events_in_order() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let hub = Hub::new();
            let server = runtime.serve(hub_endpoint(hub.clone())).await;
            let mut client = source(runtime, &server.url("/?topics=t"), quick());
            expect_open(&mut client).await;
            let mut ids = Vec::new();
            for n in 0..3 {
                ids.push(
                    hub.publish(&topic(), Event::new(format!("event {n}")))
                        .unwrap(),
                );
            }
            hub.publish(&Topic::new("other").unwrap(), Event::new("filtered out"))
                .unwrap();
            for (n, id) in ids.iter().enumerate() {
                let event = next_message(&mut client).await;
                assert_eq!(event.data(), format!("event {n}"));
                assert_eq!(event.last_event_id(), id);
            }
            assert_eq!(client.last_event_id(), &ids[2]);
        });
    }
}

#[test]
fn reconnect_resumes_from_last_event_id_without_loss_or_duplicates() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let hub = Hub::new();
            let resumed_from = Arc::new(Mutex::new(Vec::new()));
            let handler = {
                let hub = hub.clone();
                let resumed_from = resumed_from.clone();
                move |conn: Conn| {
                    let hub = hub.clone();
                    let resumed_from = resumed_from.clone();
                    async move {
                        let LastEventId(id) = LastEventId::from_conn(&conn).unwrap();
                        resumed_from.lock().unwrap().push(id.clone());
                        let inner = hub.subscribe_from(TopicFilter::all(), id.as_ref()).unwrap();
                        conn.with_sse(
                            Sse::new(Limited::new(inner, 3))
                                .with_options(hub.stream_options().clone()),
                        )
                    }
                }
            };
            let server = runtime.serve(handler).await;
            let mut client = source(runtime, &server.url("/"), quick());
            expect_open(&mut client).await;
            let ids: Vec<_> = (0..10)
                .map(|n| hub.publish(&topic(), Event::new(n.to_string())).unwrap())
                .collect();

            let mut received = Vec::new();
            let mut reconnections = 0;
            while received.len() < 10 {
                match client.next_item().await {
                    Some(Ok(SourceEvent::Message(event))) => {
                        received.push((event.data().to_owned(), event.last_event_id().clone()))
                    }
                    Some(Ok(SourceEvent::Reconnecting { cause, .. })) => {
                        assert_eq!(cause, Disconnect::EndOfStream);
                        reconnections += 1;
                    }
                    Some(Ok(_)) => {}
                    other => panic!("stream ended early: {other:?}"),
                }
            }
            let expected: Vec<_> = (0..10).map(|n| (n.to_string(), ids[n].clone())).collect();
            assert_eq!(received, expected, "every event once, in order");
            assert!(
                reconnections >= 3,
                "the server cut the stream every 3 events"
            );
            let resumed = resumed_from.lock().unwrap().clone();
            assert_eq!(resumed[0], None);
            assert_eq!(resumed[1].as_ref(), Some(&ids[2]));
            assert_eq!(resumed[2].as_ref(), Some(&ids[5]));
        });
    }
}

#[test]
fn dropping_the_client_frees_the_subscription() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let (hub, _server, mut client) = open_client_of_a_hub(runtime).await;
            hub.publish(&topic(), Event::new("hello")).unwrap();
            assert_eq!(next_message(&mut client).await.data(), "hello");
            assert_eq!(hub.stats().subscribers, 1);
            drop(client);
            eventually("the server drops the subscription", || {
                hub.stats().subscribers == 0
            })
            .await;
        });
    }
}

#[test]
fn closing_the_client_ends_its_stream_and_frees_the_subscription() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let (hub, _server, mut client) = open_client_of_a_hub(runtime).await;
            client.close();
            assert!(client.next_item().await.is_none());
            eventually("the server drops the subscription", || {
                hub.stats().subscribers == 0
            })
            .await;
        });
    }
}

#[test]
fn no_content_stops_the_client_for_good() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let requests = Arc::new(Mutex::new(0));
            let counted = requests.clone();
            let server = runtime
                .serve(move |conn: Conn| {
                    *counted.lock().unwrap() += 1;
                    async move { conn.with_status(Status::NoContent).halt() }
                })
                .await;
            let mut client = source(runtime, &server.url("/"), quick());
            let item = client.next_item().await;
            assert!(matches!(item, Some(Err(StopReason::NoContent))), "{item:?}");
            assert!(client.next_item().await.is_none());
            assert_eq!(*requests.lock().unwrap(), 1, "no reconnection after 204");
        });
    }
}

#[test]
fn wrong_content_type_and_bad_status_are_typed_errors() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let server = runtime
                .serve(|conn: Conn| async move {
                    if conn.path() == "/html" {
                        conn.with_response_header("content-type", "text/html")
                            .ok("<p>hi</p>")
                    } else {
                        conn.with_status(Status::NotFound).with_body("nope").halt()
                    }
                })
                .await;
            let mut client = source(runtime, &server.url("/html"), quick());
            match client.next_item().await {
                Some(Err(StopReason::BadContentType { content_type })) => {
                    assert_eq!(content_type.as_deref(), Some("text/html"))
                }
                other => panic!("{other:?}"),
            }
            let mut client = source(runtime, &server.url("/missing"), quick());
            match client.next_item().await {
                Some(Err(error)) => {
                    assert_eq!(error, StopReason::BadStatus { status: 404 })
                }
                other => panic!("{other:?}"),
            }
        });
    }
}

#[test]
fn a_silent_connection_hits_the_idle_timeout_and_reconnects() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let server = runtime
                .serve(|conn: Conn| async move {
                    let silent = stream::pending::<Event>();
                    conn.with_sse(Sse::from_stream(silent).no_keep_alive())
                })
                .await;
            let config = quick().idle_timeout(Some(Duration::from_millis(50)));
            let mut client = source(runtime, &server.url("/"), config);
            expect_open(&mut client).await;
            match client.next_item().await {
                Some(Ok(SourceEvent::Reconnecting { cause, .. })) => {
                    assert_eq!(cause, Disconnect::IdleTimeout)
                }
                other => panic!("{other:?}"),
            }
            expect_open(&mut client).await;
        });
    }
}

#[test]
fn refused_connections_back_off_then_give_up() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let port = {
                let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                listener.local_addr().unwrap().port()
            };
            let config = quick().max_retries(Some(2));
            let mut client = source(runtime, &format!("http://127.0.0.1:{port}/"), config);
            let mut attempts = Vec::new();
            let stop = loop {
                match client.next_item().await {
                    Some(Ok(SourceEvent::Reconnecting { attempt, cause, .. })) => {
                        assert!(matches!(cause, Disconnect::Transport(_)), "{cause:?}");
                        attempts.push(attempt);
                    }
                    Some(Err(error)) => break error,
                    other => panic!("{other:?}"),
                }
            };
            assert_eq!(attempts, [1, 2]);
            assert!(
                matches!(stop, StopReason::RetriesExhausted { attempts: 2, .. }),
                "{stop:?}"
            );
            assert!(client.next_item().await.is_none());
        });
    }
}

#[test]
fn first_request_carries_configured_last_event_id_and_headers() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let server = runtime
                .serve(|conn: Conn| async move {
                    let headers = conn.request_headers();
                    let seen = format!(
                        "{}|{}|{}",
                        headers.get_str("x-token").unwrap_or("-"),
                        headers.get_str("accept").unwrap_or("-"),
                        LastEventId::from_conn(&conn)
                            .unwrap()
                            .0
                            .map(|id| id.to_string())
                            .unwrap_or_default(),
                    );
                    conn.with_sse(Sse::from_stream(stream::iter([Event::new(seen)])))
                })
                .await;
            let mut client = EventSource::builder(runtime.client(), &server.url("/"))
                .config(quick())
                .header("x-token", "secret")
                .last_event_id(sse_core::EventId::new("41").unwrap())
                .build()
                .unwrap();
            let event = next_message(&mut client).await;
            assert_eq!(event.data(), "secret|text/event-stream|41");
        });
    }
}

#[test]
fn bad_topics_get_400_and_a_closed_hub_503() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let hub = Hub::new();
            let server = runtime.serve(hub_endpoint(hub.clone())).await;
            let mut client = source(runtime, &server.url("/?topics=a,,b"), quick());
            let error = client.next_item().await.unwrap().unwrap_err();
            assert_eq!(error, StopReason::BadStatus { status: 400 });
            hub.close();
            let mut client = source(runtime, &server.url("/"), quick());
            let error = client.next_item().await.unwrap().unwrap_err();
            assert_eq!(error, StopReason::BadStatus { status: 503 });
        });
    }
}

#[test]
fn invalid_urls_and_headers_are_build_errors() {
    let client = Runtime::Smol.client();
    assert!(
        EventSource::builder(client.clone(), "not a url")
            .build()
            .is_err()
    );
    assert!(
        EventSource::builder(client.clone(), "ftp://127.0.0.1/")
            .build()
            .is_err()
    );
    assert!(
        EventSource::builder(client, "http://127.0.0.1/")
            .header("x-bad", "a\r\nb")
            .build()
            .is_err()
    );
}

#[test]
fn graceful_shutdown_ends_open_streams() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let hub = Hub::new();
            let server = runtime.serve(hub_endpoint(hub.clone())).await;
            let mut client = source(runtime, &server.url("/"), quick());
            expect_open(&mut client).await;
            // Completes only once every open stream has ended.
            server.handle.shut_down().await;
            match client.next_item().await {
                Some(Ok(SourceEvent::Reconnecting { cause, .. })) => {
                    assert_eq!(cause, Disconnect::EndOfStream)
                }
                other => panic!("{other:?}"),
            }
            eventually("the subscription is dropped", || {
                hub.stats().subscribers == 0
            })
            .await;
        });
    }
}
