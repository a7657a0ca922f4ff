//! Our client against our servers (axum and plain hyper) over loopback.
#![cfg(all(feature = "client", feature = "axum", feature = "serde"))]

#[path = "../examples/axum_hub.rs"]
mod axum_hub;
mod support;

use std::convert::Infallible;
use std::time::Duration;

use axum::response::IntoResponse;
use futures_util::{StreamExt, stream};
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use sse_testkit::wait::{eventually, next, within};
use sse_tokio::client::{
    ClientConfig, Disconnect, EventSource, HttpClient, SourceEvent, StopReason,
};
use sse_tokio::sse_core::hub::{Hub, Topic};
use sse_tokio::{Event, EventId, EventType, Sse};
use support::{Server, axum_serve};

/// Short delays so reconnections happen quickly (they are bounded below by
/// `min_delay`).
fn fast() -> ClientConfig {
    ClientConfig::default()
        .initial_retry(Duration::from_millis(20))
        .min_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(100))
}

/// The next message, skipping nothing: anything else fails the test.
async fn message(source: &mut EventSource) -> sse_tokio::MessageEvent {
    match next("a message", source).await {
        Ok(SourceEvent::Message(event)) => event,
        other => panic!("expected a message, got {other:?}"),
    }
}

async fn open(source: &mut EventSource) {
    match next("open", source).await {
        Ok(SourceEvent::Open) => {}
        other => panic!("expected open, got {other:?}"),
    }
}

#[tokio::test]
async fn axum_hub_endpoint_delivers_typed_events_with_ids() {
    let hub = Hub::new();
    let (addr, _server) = axum_serve(axum_hub::app(hub.clone())).await;
    let url = format!("http://{addr}/events?topics=news");
    let mut source = EventSource::builder(url).config(fast()).build().unwrap();
    open(&mut source).await;

    let news = Topic::new("news/world").unwrap();
    let typed = Event::new("line one\nline two ünï").with_type(EventType::new("headline").unwrap());
    let first = hub.publish(&news, typed).unwrap();
    hub.publish(&Topic::new("sports").unwrap(), Event::new("not asked for"))
        .unwrap();
    let third = hub.publish(&news, Event::new("plain")).unwrap();

    let event = message(&mut source).await;
    assert_eq!(event.event_type(), "headline");
    assert_eq!(event.data(), "line one\nline two ünï");
    assert_eq!(event.last_event_id(), &first);
    let event = message(&mut source).await;
    assert_eq!((event.event_type(), event.data()), ("message", "plain"));
    assert_eq!(event.last_event_id(), &third);
    assert_eq!(source.last_event_id(), &third);
}

#[tokio::test]
async fn plain_hyper_service_fn_with_a_stream_body() {
    let service = tower::service_fn(|request: Request<Incoming>| async move {
        let who = request.uri().query().unwrap_or("nobody").to_owned();
        let events = stream::iter([
            Event::new(format!("hello {who}")),
            Event::new("bye").with_id(EventId::new("9").unwrap()),
        ]);
        Ok::<_, Infallible>(http::Response::from(Sse::from_stream(events)))
    });
    let server = Server::start(service).await;
    let mut source = EventSource::builder(server.url("/?you"))
        .config(fast())
        .build()
        .unwrap();
    open(&mut source).await;
    assert_eq!(message(&mut source).await.data(), "hello you");
    let bye = message(&mut source).await;
    assert_eq!((bye.data(), bye.last_event_id().as_str()), ("bye", "9"));
    // The server ended the stream: the client reconnects, as a browser does.
    match next("reconnecting", &mut source).await {
        Ok(SourceEvent::Reconnecting { cause, .. }) => assert_eq!(cause, Disconnect::EndOfStream),
        other => panic!("expected a reconnection, got {other:?}"),
    }
}

#[tokio::test]
async fn reconnects_after_a_dropped_connection_and_resumes_without_loss_or_duplicates() {
    let hub = Hub::new();
    let server = Server::start(axum_hub::app(hub.clone())).await;
    let topic = Topic::new("t").unwrap();
    let mut source = EventSource::builder(server.url("/events"))
        .config(fast())
        .build()
        .unwrap();
    open(&mut source).await;

    let mut received = Vec::new();
    for n in 0..5 {
        hub.publish(&topic, Event::new(n.to_string())).unwrap();
        received.push(message(&mut source).await.data().to_owned());
    }
    server.drop_connections();
    // Published while the client is cut off (or noticing it): replayed on resume.
    for n in 5..10 {
        hub.publish(&topic, Event::new(n.to_string())).unwrap();
    }
    let mut reconnections = 0;
    while received.len() < 15 {
        match next("events after the reconnection", &mut source).await {
            Ok(SourceEvent::Message(event)) => received.push(event.data().to_owned()),
            Ok(SourceEvent::Reconnecting { cause, .. }) => {
                assert!(matches!(cause, Disconnect::Transport(_)), "{cause:?}");
                reconnections += 1;
            }
            Ok(SourceEvent::Open) => {
                // Live events after the resume: published once the client is back.
                for n in 10..15 {
                    hub.publish(&topic, Event::new(n.to_string())).unwrap();
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let expected: Vec<String> = (0..15).map(|n| n.to_string()).collect();
    assert_eq!(received, expected);
    assert_eq!(reconnections, 1);
    assert_eq!(
        hub.stats().replays_resumed,
        1,
        "the client sent Last-Event-ID"
    );
}

#[tokio::test]
async fn keep_alive_comments_arrive_while_idle() {
    use http_body_util::BodyExt;
    use sse_tokio::{KeepAlive, StreamOptions};

    let options =
        StreamOptions::default().keep_alive(Some(KeepAlive::new(Duration::from_millis(20))));
    let hub = Hub::builder().stream_options(options).build();
    let (addr, _server) = axum_serve(axum_hub::app(hub.clone())).await;
    let response = support::raw_get(addr, "/events").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    for _ in 0..3 {
        let frame = within("a keep-alive", body.frame()).await.unwrap().unwrap();
        assert_eq!(frame.data_ref().map(|b| &b[..]), Some(&b":\n"[..]));
    }
    hub.publish(&Topic::new("t").unwrap(), Event::new("x"))
        .unwrap();
    loop {
        let frame = within("the event", body.frame()).await.unwrap().unwrap();
        let data = frame.into_data().unwrap();
        if &data[..] != b":\n" {
            assert!(data.ends_with(b"data: x\n\n"), "{data:?}");
            break;
        }
    }
}

#[tokio::test]
async fn a_client_that_goes_away_frees_its_subscription() {
    let hub = Hub::new();
    let (addr, _server) = axum_serve(axum_hub::app(hub.clone())).await;
    let mut sources = Vec::new();
    for _ in 0..3 {
        let mut source = EventSource::new(format!("http://{addr}/events")).unwrap();
        open(&mut source).await;
        sources.push(source);
    }
    eventually("three subscribers", || hub.stats().subscribers == 3).await;
    sources.pop();
    eventually("two subscribers", || hub.stats().subscribers == 2).await;
    sources[0].close();
    assert!(within("end after close", sources[0].next()).await.is_none());
    drop(sources);
    eventually("no subscribers", || hub.stats().subscribers == 0).await;
}

#[tokio::test]
async fn ten_thousand_events_arrive_in_order_on_one_connection() {
    const COUNT: usize = 10_000;
    let events = stream::iter(0..COUNT)
        .map(|n| Event::new(format!("event {n}")).with_id(EventId::new(n.to_string()).unwrap()));
    let body = std::sync::Arc::new(std::sync::Mutex::new(Some(events)));
    let router = axum::Router::new().route(
        "/many",
        axum::routing::get(move || {
            // The first request gets the events, later ones 204.
            let events = body.lock().unwrap().take();
            async move {
                match events {
                    Some(events) => Sse::from_stream(events).into_response(),
                    None => StatusCode::NO_CONTENT.into_response(),
                }
            }
        }),
    );
    let server = Server::start(router).await;
    let mut source = EventSource::builder(server.url("/many"))
        .config(fast())
        .build()
        .unwrap();
    open(&mut source).await;
    for n in 0..COUNT {
        let event = message(&mut source).await;
        assert_eq!(event.data(), format!("event {n}"));
        assert_eq!(event.last_event_id().as_str(), n.to_string());
    }
    assert_eq!(server.accepted(), 1);
    // The stream ends; the reconnection is told 204 and stops.
    assert!(matches!(
        next("reconnecting", &mut source).await,
        Ok(SourceEvent::Reconnecting {
            cause: Disconnect::EndOfStream,
            ..
        })
    ));
    assert_eq!(next("stop", &mut source).await, Err(StopReason::NoContent));
    assert!(within("end", source.next()).await.is_none());
}

/// A server answering every request with `status` and `content_type`, counting
/// requests; after `fail_first` requests it serves a one-event stream instead.
async fn answering(
    status: u16,
    content_type: &'static str,
    fail_first: usize,
) -> (Server, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let service = tower::service_fn(move |_: Request<Incoming>| {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        async move {
            let response = if n < fail_first {
                Response::builder()
                    .status(status)
                    .header("content-type", content_type)
                    .body(http_body_util::Full::new(bytes::Bytes::from_static(
                        b"<h1>nope</h1>",
                    )))
                    .unwrap()
            } else {
                let mut response = Response::new(http_body_util::Full::new(
                    bytes::Bytes::from_static(b"data: finally\n\n"),
                ));
                sse_tokio::set_sse_headers(response.headers_mut());
                response
            };
            Ok::<_, Infallible>(response)
        }
    });
    (Server::start(service).await, count)
}

#[tokio::test]
async fn html_and_server_errors_stop_with_typed_errors() {
    let (server, _) = answering(200, "text/html; charset=utf-8", usize::MAX).await;
    let mut source = EventSource::new(server.url("/")).unwrap();
    match next("stop", &mut source).await {
        Err(StopReason::BadContentType { content_type }) => {
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
        }
        other => panic!("expected a content-type error, got {other:?}"),
    }
    assert!(within("end", source.next()).await.is_none());

    let (server, requests) = answering(500, "text/plain", usize::MAX).await;
    let mut source = EventSource::new(server.url("/")).unwrap();
    let stop = next("stop", &mut source).await.unwrap_err();
    assert_eq!(stop, StopReason::BadStatus { status: 500 });
    assert!(stop.to_string().contains("500"), "{stop}");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn server_errors_are_retried_when_configured() {
    let (server, requests) = answering(503, "text/plain", 2).await;
    let config = fast().reconnect_on_server_error(true).max_retries(Some(5));
    let mut source = EventSource::builder(server.url("/"))
        .config(config)
        .build()
        .unwrap();
    for attempt in 1..=2 {
        match next("a retry", &mut source).await {
            Ok(SourceEvent::Reconnecting {
                cause, attempt: n, ..
            }) => {
                assert_eq!(cause, Disconnect::ServerError { status: 503 });
                assert_eq!(n, attempt);
            }
            other => panic!("expected a retry, got {other:?}"),
        }
    }
    open(&mut source).await;
    assert_eq!(message(&mut source).await.data(), "finally");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 3);

    // With a cap, persistent errors end in RetriesExhausted.
    let (server, _) = answering(500, "text/plain", usize::MAX).await;
    let config = fast().reconnect_on_server_error(true).max_retries(Some(2));
    let mut source = EventSource::builder(server.url("/"))
        .config(config)
        .build()
        .unwrap();
    loop {
        match next("the end of retries", &mut source).await {
            Ok(SourceEvent::Reconnecting { .. }) => continue,
            Err(StopReason::RetriesExhausted { attempts, last }) => {
                assert_eq!(attempts, 2);
                assert_eq!(last, Disconnect::ServerError { status: 500 });
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn no_content_stops_the_client() {
    let (server, requests) = answering(204, "text/plain", usize::MAX).await;
    let mut source = EventSource::new(server.url("/")).unwrap();
    assert_eq!(next("stop", &mut source).await, Err(StopReason::NoContent));
    assert!(within("end", source.next()).await.is_none());
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(source.ready_state(), sse_tokio::client::ReadyState::Closed);
}

#[tokio::test]
async fn a_post_request_is_sent_again_on_reconnect_with_last_event_id() {
    use std::sync::Mutex;
    /// Method, body and `Last-Event-ID` of each request.
    type Seen = Vec<(String, String, Option<String>)>;
    let seen: std::sync::Arc<Mutex<Seen>> = Default::default();
    let log = seen.clone();
    let service = tower::service_fn(move |request: Request<Incoming>| {
        let log = log.clone();
        async move {
            use http_body_util::BodyExt;
            let method = request.method().to_string();
            let last = request
                .headers()
                .get("last-event-id")
                .map(|v| v.to_str().unwrap().to_owned());
            let body = request.into_body().collect().await.unwrap().to_bytes();
            let n = {
                let mut log = log.lock().unwrap();
                log.push((method, String::from_utf8(body.to_vec()).unwrap(), last));
                log.len()
            };
            let event =
                Event::new(format!("answer {n}")).with_id(EventId::new(format!("id-{n}")).unwrap());
            Ok::<_, Infallible>(http::Response::from(Sse::from_stream(stream::iter([
                event,
            ]))))
        }
    });
    let server = Server::start(service).await;
    let request = Request::post(server.url("/query"))
        .header("content-type", "application/json")
        .body(r#"{"q":"stream please"}"#)
        .unwrap();
    let mut source = EventSource::builder(request)
        .config(fast())
        .build()
        .unwrap();
    let mut answers = Vec::new();
    while answers.len() < 2 {
        if let Ok(SourceEvent::Message(event)) = next("answers", &mut source).await {
            answers.push(event.data().to_owned());
        }
    }
    assert_eq!(answers, ["answer 1", "answer 2"]);
    let seen = seen.lock().unwrap().clone();
    let body = r#"{"q":"stream please"}"#.to_owned();
    assert_eq!(seen[0], ("POST".into(), body.clone(), None));
    assert_eq!(seen[1], ("POST".into(), body, Some("id-1".into())));
}

#[tokio::test]
async fn http2_prior_knowledge_end_to_end_sharing_one_connection() {
    let hub = Hub::new();
    let versions = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let app = axum_hub::app(hub.clone()).layer(axum::middleware::from_fn({
        let versions = versions.clone();
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            versions.lock().unwrap().push(request.version());
            next.run(request)
        }
    }));
    let server = Server::start(app).await;
    let client = HttpClient::builder()
        .http2_prior_knowledge(true)
        .build()
        .unwrap();
    let mut sources = Vec::new();
    for _ in 0..2 {
        let mut source = EventSource::builder(server.url("/events"))
            .client(client.clone())
            .config(fast())
            .build()
            .unwrap();
        open(&mut source).await;
        sources.push(source);
    }
    hub.publish(&Topic::new("t").unwrap(), Event::new("over h2"))
        .unwrap();
    for source in &mut sources {
        assert_eq!(message(source).await.data(), "over h2");
    }
    assert_eq!(
        *versions.lock().unwrap(),
        [http::Version::HTTP_2, http::Version::HTTP_2]
    );
    assert_eq!(
        server.accepted(),
        1,
        "both streams share one HTTP/2 connection"
    );
}

#[tokio::test]
async fn http1_is_the_default_and_the_servers_retry_hint_is_used() {
    let versions = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = versions.clone();
    let service = tower::service_fn(move |request: Request<Incoming>| {
        log.lock().unwrap().push(request.version());
        async {
            let options = sse_tokio::StreamOptions::default().retry(Duration::from_millis(1500));
            let events = stream::iter([Event::new("h1")]);
            Ok::<_, Infallible>(http::Response::from(
                Sse::from_stream(events).with_options(options.clone()),
            ))
        }
    });
    let server = Server::start(service).await;
    let mut source = EventSource::new(server.url("/")).unwrap();
    assert_eq!(
        source.reconnection_time(),
        ClientConfig::DEFAULT_INITIAL_RETRY
    );
    open(&mut source).await;
    assert_eq!(message(&mut source).await.data(), "h1");
    assert_eq!(source.reconnection_time(), Duration::from_millis(1500));
    match next("reconnecting", &mut source).await {
        Ok(SourceEvent::Reconnecting { delay, .. }) => {
            // The server's time plus jitter (up to a quarter more).
            assert!(delay >= Duration::from_millis(1500), "{delay:?}");
            assert!(delay <= Duration::from_millis(1875), "{delay:?}");
        }
        other => panic!("expected a reconnection, got {other:?}"),
    }
    assert_eq!(*versions.lock().unwrap(), [http::Version::HTTP_11]);
}
