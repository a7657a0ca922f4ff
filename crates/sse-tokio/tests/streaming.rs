//! Server-side streaming over real sockets: an event read from a reader with
//! keep-alives around it, and event streams behind tower-http's compression.
#![cfg(feature = "axum")]

mod support;

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, stream};
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use sse_testkit::wait::{next, within};
use sse_tokio::sse_core::hub::{Hub, Topic, TopicFilter};
use sse_tokio::{
    BodyEvents, Event, EventId, EventType, Frame, KeepAlive, Outgoing, Sse, SseBody, SseItem,
    StreamOptions, reader_event,
};
use support::Server;
use tokio::io::AsyncWriteExt;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::DecompressionLayer;

const KEEP_ALIVE: &[u8] = b":\n";

/// A payload of `lines` JSON-ish lines (CRLF endings, to exercise the encoder).
fn payload(lines: usize) -> Vec<u8> {
    (0..lines)
        .flat_map(|n| {
            format!("{{\"row\":{n},\"text\":\"{}\"}}\r\n", "x".repeat(n % 50)).into_bytes()
        })
        .collect()
}

#[tokio::test]
async fn a_reader_event_streams_whole_with_keep_alives_only_around_it() {
    let data = payload(20_000);
    let (mut writer, reader) = tokio::io::duplex(4096);
    let feeder = tokio::spawn({
        let data = data.clone();
        async move {
            // Pause between pieces for longer than the keep-alive interval: keep-alives
            // fall due while the event is open.
            for piece in data.chunks(data.len() / 8 + 1) {
                writer.write_all(piece).await.unwrap();
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
        }
    });
    let head = Event::default()
        .with_type(EventType::new("document").unwrap())
        .with_id(EventId::new("doc-1").unwrap());
    let items = std::sync::Mutex::new(Some(vec![
        reader_event(head.clone(), reader).into_outgoing().unwrap(),
        Event::new("after").into_outgoing().unwrap(),
    ]));
    let items = std::sync::Arc::new(items);
    let options =
        StreamOptions::default().keep_alive(Some(KeepAlive::new(Duration::from_millis(10))));
    let router = Router::new().route(
        "/doc",
        get(move || {
            let items: Vec<Outgoing> = items.lock().unwrap().take().unwrap_or_default();
            let options = options.clone();
            async move {
                let stream = stream::iter(items).chain(stream::pending());
                Sse::from_stream(stream)
                    .with_options(options.clone())
                    .into_response()
            }
        }),
    );
    let server = Server::start(router).await;
    let response = support::raw_get(server.addr, "/doc").await;
    let mut body = response.into_body();
    let event = Frame::encode(&head.with_data(data.clone())).into_bytes();
    let after = Frame::encode(&Event::new("after")).into_bytes();

    // Read until both events and a keep-alive after them have arrived.
    let mut received = BytesMut::new();
    loop {
        let frame = within("the body", body.frame()).await.unwrap().unwrap();
        received.extend_from_slice(&frame.into_data().unwrap());
        if received.ends_with(KEEP_ALIVE) && strip_keep_alives(&received).ends_with(&after) {
            break;
        }
    }
    within("the feeder", feeder).await.unwrap();
    // Keep-alives may come before, between and after the events, never inside one.
    let mut expected = event.to_vec();
    expected.extend_from_slice(&after);
    let mut only_events = Vec::new();
    let mut rest = &received[..];
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix(KEEP_ALIVE) {
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix(&event[..]) {
            only_events.extend_from_slice(&event);
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix(&after[..]) {
            only_events.extend_from_slice(&after);
            rest = tail;
        } else {
            panic!(
                "bytes that are neither a whole event nor a keep-alive: {:?}",
                String::from_utf8_lossy(&rest[..rest.len().min(200)])
            );
        }
    }
    assert_eq!(only_events, expected);
}

/// `bytes` without its leading and trailing keep-alives.
fn strip_keep_alives(mut bytes: &[u8]) -> &[u8] {
    while let Some(rest) = bytes.strip_prefix(KEEP_ALIVE) {
        bytes = rest;
    }
    while let Some(rest) = bytes.strip_suffix(KEEP_ALIVE) {
        bytes = rest;
    }
    bytes
}

#[tokio::test]
async fn a_reader_event_decodes_to_the_payload() {
    let data = payload(5_000);
    let expected = String::from_utf8(data.clone())
        .unwrap()
        .replace("\r\n", "\n");
    let body = SseBody::from(Sse::new(
        reader_event(Event::default(), std::io::Cursor::new(data)).into_source(),
    ));
    let events: Vec<_> = BodyEvents::new(body).collect().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].as_ref().unwrap().data(), expected);
}

/// A hub endpoint at `/events`, behind `layer`.
fn hub_router(hub: Hub) -> Router {
    Router::new().route(
        "/events",
        get(move || {
            let hub = hub.clone();
            async move { Sse::from(hub.subscribe(TopicFilter::all()).unwrap()) }
        }),
    )
}

type Decompressed = tower_http::decompression::DecompressionBody<hyper::body::Incoming>;

/// Sends a GET with `accept-encoding: gzip` through hyper's connection API, decoding
/// gzip if the server used it. Returns the response and the `content-encoding` the
/// server sent (the decompression layer removes the header).
async fn gzip_get(addr: std::net::SocketAddr) -> (http::Response<Decompressed>, Option<String>) {
    let encoding = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = encoding.clone();
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let sender = std::sync::Arc::new(tokio::sync::Mutex::new(sender));
    let client = tower::service_fn(move |request: Request<Empty<Bytes>>| {
        let sender = sender.clone();
        let seen = seen.clone();
        async move {
            let response = sender.lock().await.send_request(request).await?;
            let value = response.headers().get("content-encoding");
            *seen.lock().unwrap() = value.map(|v| v.to_str().unwrap().to_owned());
            Ok::<_, hyper::Error>(response)
        }
    });
    let client = tower::ServiceBuilder::new()
        .layer(DecompressionLayer::new())
        .service(client);
    let request = Request::get("/events")
        .header("host", addr.to_string())
        .header("accept-encoding", "gzip")
        .body(Empty::new())
        .unwrap();
    let response = tower::ServiceExt::oneshot(client, request).await.unwrap();
    let encoding = encoding.lock().unwrap().take();
    (response, encoding)
}

/// Publishes one event at a time and waits for it to arrive before the next: any
/// buffering between server and client shows as a hang (and the test's timeout).
async fn lockstep<B>(hub: &Hub, events: &mut BodyEvents<B>)
where
    B: http_body::Body + Unpin,
    B::Error: std::fmt::Debug,
{
    let topic = Topic::new("t").unwrap();
    for n in 0..5 {
        hub.publish(&topic, Event::new(format!("n{n}"))).unwrap();
        let event = next("the event just published", events).await.unwrap();
        assert_eq!(event.data(), format!("n{n}"));
    }
}

#[tokio::test]
async fn behind_the_default_compression_layer_events_pass_uncompressed_one_by_one() {
    let hub = Hub::new();
    let router = hub_router(hub.clone()).layer(CompressionLayer::new());
    let server = Server::start(router).await;
    let (response, encoding) = gzip_get(server.addr).await;
    assert_eq!(response.status(), StatusCode::OK);
    // The response says `content-encoding: identity`, so the layer leaves it alone.
    assert_eq!(encoding.as_deref(), Some("identity"));
    let mut events = BodyEvents::new(response.into_body());
    lockstep(&hub, &mut events).await;
}

#[tokio::test]
async fn even_a_compression_layer_told_to_compress_everything_leaves_the_stream_alone() {
    let hub = Hub::new();
    let always = |_: StatusCode, _: http::Version, _: &HeaderMap, _: &http::Extensions| true;
    let router = hub_router(hub.clone()).layer(CompressionLayer::new().compress_when(always));
    let server = Server::start(router).await;
    let (response, encoding) = gzip_get(server.addr).await;
    // tower-http never re-encodes a response that already names its encoding: the
    // `content-encoding: identity` header every adapter sends keeps events unbuffered.
    assert_eq!(encoding.as_deref(), Some("identity"));
    let mut events = BodyEvents::new(response.into_body());
    lockstep(&hub, &mut events).await;
}

#[tokio::test]
async fn the_body_works_in_a_plain_tower_service() {
    let service = tower::service_fn(|_: Request<hyper::body::Incoming>| async {
        let events = stream::iter([Ok::<_, Infallible>(Event::new("tower"))]);
        Ok::<_, Infallible>(http::Response::from(Sse::from_stream(events)))
    });
    let server = Server::start(service).await;
    let response = support::raw_get(server.addr, "/").await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert!(response.headers().get("content-length").is_none());
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    let mut events = BodyEvents::new(response.into_body());
    assert_eq!(next("event", &mut events).await.unwrap().data(), "tower");
}
