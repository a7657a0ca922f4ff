//! `Sse` over event streams, end to end on a loopback socket with a raw HTTP client:
//! headers, byte-exact frames, keep-alive, compression, errors, disconnects.

mod support;

use std::time::Duration;

use actix_web::{HttpResponse, Responder, web};
use sse_actix::{LastEventId, Sse};
use sse_core::Event;
use sse_core::stream::KeepAlive;
use support::feed::{FeedSlot, feed};
use support::raw::{RawResponse, WAIT};
use support::server::{Setup, serve};
use tokio::time::timeout;

fn event(ty: &str, id: &str, data: &str) -> Event {
    Event::builder()
        .event(ty)
        .id(id)
        .data(data.to_owned())
        .build()
        .unwrap()
}

async fn fed(slot: web::Data<FeedSlot>) -> impl Responder {
    Sse::from_stream(slot.take())
}

async fn fed_fast_keep_alive(slot: web::Data<FeedSlot>) -> impl Responder {
    Sse::from_stream(slot.take()).keep_alive(Some(KeepAlive::new(Duration::from_millis(50))))
}

fn routes(slot: FeedSlot) -> impl Fn(&mut web::ServiceConfig) + Send + Clone + 'static {
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(web::Data::new(slot.clone()))
            .route("/events", web::get().to(fed))
            .route("/fast", web::get().to(fed_fast_keep_alive));
    }
}

#[actix_web::test]
async fn headers_and_exact_frames_for_typed_multiline_non_ascii_events() {
    let events = vec![
        event("greeting", "1", "héllo\nwörld"),
        event("crlf", "2", "a\r\nb\r\n"),
        event("cr", "3", "x\ry\r🎉"),
        Event::new("plain"),
    ];
    let server = serve(Setup::default(), move |cfg: &mut web::ServiceConfig| {
        let events = events.clone();
        cfg.route(
            "/",
            web::get().to(move || {
                let events = events.clone();
                async move {
                    Sse::from_stream(futures_util::stream::iter(events))
                        .retry(Duration::from_millis(2500))
                }
            }),
        );
    });
    let mut response = RawResponse::get(server.addr, "/", &[]).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    assert_eq!(response.header("x-accel-buffering"), Some("no"));
    assert_eq!(response.header("content-encoding"), Some("identity"));
    assert_eq!(response.header("content-length"), None);
    let body = response.read_to_end().await.unwrap();
    assert!(response.ended_cleanly());
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "retry: 2500\n\n\
         event: greeting\nid: 1\ndata: héllo\ndata: wörld\n\n\
         event: crlf\nid: 2\ndata: a\ndata: b\ndata: \n\n\
         event: cr\nid: 3\ndata: x\ndata: y\ndata: 🎉\n\n\
         data: plain\n\n"
    );
}

#[actix_web::test]
async fn each_event_is_written_when_it_is_sent() {
    let (feeder, slot) = feed();
    let server = serve(Setup::default(), routes(slot));
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    for n in 0..5 {
        feeder.events.send(Ok(Event::new(format!("n{n}")))).unwrap();
        let got = response.read_through(b"\n\n").await.unwrap();
        assert_eq!(got, format!("data: n{n}\n\n").into_bytes());
    }
}

#[actix_web::test]
async fn compress_middleware_leaves_the_stream_alone() {
    let (feeder, slot) = feed();
    let setup = Setup {
        compress: true,
        ..Setup::default()
    };
    let server = serve(setup, routes(slot));
    let mut response = RawResponse::get(server.addr, "/events", &[("accept-encoding", "gzip")])
        .await
        .unwrap();
    assert_eq!(response.header("content-encoding"), Some("identity"));
    // One at a time: the next event is sent only after the last one arrived, so a
    // buffering encoder would stall this loop (and time out).
    for n in 0..5 {
        feeder.events.send(Ok(Event::new(format!("z{n}")))).unwrap();
        let got = response.read_through(b"\n\n").await.unwrap();
        assert_eq!(got, format!("data: z{n}\n\n").into_bytes());
    }
}

#[actix_web::test]
async fn compress_middleware_still_compresses_other_routes() {
    // The control for the test above: the middleware is active on this server.
    let server = serve(
        Setup {
            compress: true,
            ..Setup::default()
        },
        |cfg: &mut web::ServiceConfig| {
            cfg.route(
                "/text",
                web::get().to(|| async { HttpResponse::Ok().body("x".repeat(4096)) }),
            );
        },
    );
    let response = RawResponse::get(server.addr, "/text", &[("accept-encoding", "gzip")])
        .await
        .unwrap();
    assert_eq!(response.header("content-encoding"), Some("gzip"));
}

#[actix_web::test]
async fn keep_alive_comments_arrive_while_idle() {
    let (feeder, slot) = feed();
    let server = serve(Setup::default(), routes(slot));
    let mut response = RawResponse::get(server.addr, "/fast", &[]).await.unwrap();
    assert_eq!(response.read_through(b"\n\n").await.unwrap(), b":\n\n");
    assert_eq!(response.read_through(b"\n\n").await.unwrap(), b":\n\n");
    feeder.events.send(Ok(Event::new("after"))).unwrap();
    let mut seen = response.read_through(b"data: after\n\n").await.unwrap();
    // Only whole keep-alive frames may precede the event.
    seen.truncate(seen.len() - b"data: after\n\n".len());
    assert!(seen.chunks(3).all(|c| c == b":\n\n"), "{seen:?}");
}

#[actix_web::test]
async fn a_stream_error_ends_the_response() {
    let (feeder, slot) = feed();
    let server = serve(Setup::default(), routes(slot));
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    feeder.events.send(Ok(Event::new("before"))).unwrap();
    assert_eq!(
        response.read_through(b"\n\n").await.unwrap(),
        b"data: before\n\n"
    );
    feeder
        .events
        .send(Err(std::io::Error::other("upstream failed")))
        .unwrap();
    // The server may have dropped the stream already.
    let _ = feeder.events.send(Ok(Event::new("never")));
    let rest = response.read_to_end().await.unwrap();
    assert_eq!(rest, b"");
    assert!(
        !response.ended_cleanly(),
        "an error aborts the body: the client must not take it for a normal end"
    );
}

#[actix_web::test]
async fn disconnect_drops_the_stream_at_once_without_half_close() {
    let (feeder, slot) = feed();
    let server = serve(Setup::default(), routes(slot));
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    feeder.events.send(Ok(Event::new("one"))).unwrap();
    response.read_through(b"\n\n").await.unwrap();
    drop(response);
    // Default keep-alive is 15 s and nothing more is sent: only the read side can
    // tell the server that the client went away.
    let dropped = timeout(WAIT, feeder.dropped).await;
    assert!(
        matches!(dropped, Ok(Err(_))),
        "stream not dropped: {dropped:?}"
    );
}

#[actix_web::test]
async fn disconnect_drops_the_stream_with_half_close_allowed() {
    let (feeder, slot) = feed();
    let setup = Setup {
        allow_half_closed: true,
        ..Setup::default()
    };
    let server = serve(setup, routes(slot));
    let mut response = RawResponse::get(server.addr, "/fast", &[]).await.unwrap();
    response.read_through(b"\n\n").await.unwrap();
    drop(response);
    // actix notices the failed keep-alive writes.
    let dropped = timeout(WAIT, feeder.dropped).await;
    assert!(
        matches!(dropped, Ok(Err(_))),
        "stream not dropped: {dropped:?}"
    );
}

#[actix_web::test]
async fn last_event_id_extractor_over_the_wire() {
    let server = serve(Setup::default(), |cfg: &mut web::ServiceConfig| {
        cfg.route(
            "/id",
            web::get().to(|last: LastEventId| async move { format!("{:?}", last.as_str()) }),
        );
    });
    for (path, headers, expected) in [
        ("/id", vec![("last-event-id", "h-9")], "Some(\"h-9\")"),
        ("/id?lastEventId=q%207", vec![], "Some(\"q 7\")"),
        (
            "/id?lastEventId=q",
            vec![("last-event-id", "h")],
            "Some(\"h\")",
        ),
        ("/id", vec![], "None"),
        ("/id?lastEventId=", vec![], "None"),
    ] {
        let mut response = RawResponse::get(server.addr, path, &headers).await.unwrap();
        let body = response.read_to_end().await.unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            expected,
            "{path} {headers:?}"
        );
    }
}
