//! `Sse` over event streams, end to end on a loopback socket with a raw HTTP client:
//! headers, byte-exact frames, keep-alive, errors, disconnects, the last-event-id filter.

mod support;

use std::time::Duration;

use sse_core::stream::KeepAlive;
use sse_core::{Event, EventId};
use sse_warp::{Sse, last_event_id};
use support::feed::{FeedSlot, feed};
use support::raw::{RawResponse, WAIT};
use support::server::serve;
use tokio::time::timeout;
use warp::Filter;

fn event(ty: &str, id: &str, data: &str) -> Event {
    Event::builder()
        .event(ty)
        .id(id)
        .data(data.to_owned())
        .build()
        .unwrap()
}

/// `/events` (default keep-alive) and `/fast` (50 ms keep-alive) over the fed stream.
fn routes(
    slot: FeedSlot,
) -> impl Filter<
    Extract = (
        Sse<
            sse_warp::EventStream<
                impl futures_core::Stream<Item = Result<Event, std::io::Error>> + Send + use<>,
            >,
        >,
    ),
    Error = warp::Rejection,
> + Clone {
    let fast = slot.clone();
    let events = warp::path("events").map(move || Sse::from_stream(slot.take()));
    let fast = warp::path("fast").map(move || {
        Sse::from_stream(fast.take()).keep_alive(Some(KeepAlive::new(Duration::from_millis(50))))
    });
    events.or(fast).unify()
}

#[tokio::test]
async fn headers_and_exact_frames_for_typed_multiline_non_ascii_events() {
    let events = vec![
        event("greeting", "1", "héllo\nwörld"),
        event("crlf", "2", "a\r\nb\r\n"),
        event("cr", "3", "x\ry\r🎉"),
        Event::new("plain"),
    ];
    let route = warp::path::end().map(move || {
        Sse::from_stream(futures_util::stream::iter(events.clone()))
            .retry(Duration::from_millis(2500))
    });
    let server = serve(route).await;
    let mut response = RawResponse::get(server.addr, "/", &[]).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    assert_eq!(response.header("x-accel-buffering"), Some("no"));
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

#[tokio::test]
async fn each_event_is_written_when_it_is_sent() {
    let (feeder, slot) = feed();
    let server = serve(routes(slot)).await;
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    for n in 0..5 {
        feeder.events.send(Ok(Event::new(format!("n{n}")))).unwrap();
        let got = response.read_through(b"\n\n").await.unwrap();
        assert_eq!(got, format!("data: n{n}\n\n").into_bytes());
    }
}

#[tokio::test]
async fn keep_alive_comments_arrive_while_idle() {
    let (feeder, slot) = feed();
    let server = serve(routes(slot)).await;
    let mut response = RawResponse::get(server.addr, "/fast", &[]).await.unwrap();
    assert_eq!(response.read_through(b"\n\n").await.unwrap(), b":\n\n");
    assert_eq!(response.read_through(b"\n\n").await.unwrap(), b":\n\n");
    feeder.events.send(Ok(Event::new("after"))).unwrap();
    let mut seen = response.read_through(b"data: after\n\n").await.unwrap();
    seen.truncate(seen.len() - b"data: after\n\n".len());
    assert!(seen.chunks(3).all(|c| c == b":\n\n"), "{seen:?}");
}

#[tokio::test]
async fn a_stream_error_ends_the_response() {
    let (feeder, slot) = feed();
    let server = serve(routes(slot)).await;
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
    let _ = feeder.events.send(Ok(Event::new("never")));
    assert_eq!(response.read_to_end().await.unwrap(), b"");
    assert!(
        !response.ended_cleanly(),
        "an error aborts the body: the client must not take it for a normal end"
    );
}

#[tokio::test]
async fn disconnect_drops_the_stream() {
    let (feeder, slot) = feed();
    let server = serve(routes(slot)).await;
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

#[tokio::test]
async fn last_event_id_filter_over_the_wire() {
    let route = warp::path("id")
        .and(last_event_id())
        .map(|id: Option<EventId>| format!("{:?}", id.as_deref()));
    let server = serve(route).await;
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
        ("/id?other=1", vec![], "None"),
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
