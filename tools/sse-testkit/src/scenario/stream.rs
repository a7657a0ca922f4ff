//! Scenarios for a response over a hand-fed `Stream` of events, read with
//! [`RawResponse`]. Each names the route it needs.

use std::net::SocketAddr;
use std::time::Duration;

use sse_core::Event;
use tokio::sync::oneshot;
use tokio::time::timeout;

use crate::feed::Feeder;
use crate::raw::{RawResponse, WAIT};

/// The `retry:` hint a route serving [`tricky_events`] sets.
pub const TRICKY_RETRY: Duration = Duration::from_millis(2500);

/// Events that exercise the encoder through a server: types and ids, data with LF,
/// CRLF and CR line ends, non-ASCII text, and a plain message.
pub fn tricky_events() -> Vec<Event> {
    let typed = |ty: &str, id: &str, data: &str| {
        Event::builder()
            .event(ty)
            .id(id)
            .data(data.to_owned())
            .build()
            .unwrap()
    };
    vec![
        typed("greeting", "1", "héllo\nwörld"),
        typed("crlf", "2", "a\r\nb\r\n"),
        typed("cr", "3", "x\ry\r🎉"),
        Event::new("plain"),
    ]
}

/// The whole body of a response of [`tricky_events`] with the [`TRICKY_RETRY`] hint.
pub const TRICKY_WIRE: &str = "retry: 2500\n\
     event: greeting\nid: 1\ndata: héllo\ndata: wörld\n\n\
     event: crlf\nid: 2\ndata: a\ndata: b\ndata: \n\n\
     event: cr\nid: 3\ndata: x\ndata: y\ndata: 🎉\n\n\
     data: plain\n\n";

/// The head of an event-stream response: `200`, `content-type: text/event-stream`,
/// `cache-control: no-cache`, `x-accel-buffering: no`, and no `content-length`.
pub fn assert_event_stream_head(response: &RawResponse) {
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    assert_eq!(response.header("x-accel-buffering"), Some("no"));
    assert_eq!(response.header("content-length"), None);
}

/// The body of a response of [`tricky_events`] (with [`TRICKY_RETRY`]) is exactly
/// [`TRICKY_WIRE`], ended cleanly.
pub async fn tricky_events_exactly(response: &mut RawResponse) {
    let body = response.read_to_end().await.unwrap();
    assert!(response.ended_cleanly());
    assert_eq!(String::from_utf8(body).unwrap(), TRICKY_WIRE);
}

/// Sends five events `{label}0` .. `{label}4`, one at a time: each must arrive,
/// byte-exact, before the next is sent, so anything that holds frames back (a
/// buffering encoder) stalls the loop and times out.
pub async fn events_arrive_one_by_one(feeder: &Feeder, response: &mut RawResponse, label: &str) {
    for n in 0..5 {
        let data = format!("{label}{n}");
        feeder.events.send(Ok(Event::new(data.clone()))).unwrap();
        let got = response.read_through(b"\n\n").await.unwrap();
        assert_eq!(got, format!("data: {data}\n\n").into_bytes());
    }
}

/// Reads through `frame` and asserts that only whole keep-alive comment lines (`:\n`)
/// came before it.
pub async fn frame_after_keep_alives(response: &mut RawResponse, frame: &str) {
    let got = response.read_through(frame.as_bytes()).await.unwrap();
    let got = String::from_utf8(got).unwrap();
    let before = got.strip_suffix(frame).unwrap();
    assert!(before.split_terminator(":\n").all(str::is_empty), "{got:?}");
}

/// On a response with a short keep-alive interval and nothing fed: keep-alive
/// comments arrive, then the event fed, after whole comments only.
pub async fn keep_alives_while_idle(feeder: &Feeder, response: &mut RawResponse) {
    // A lone comment line each, with no blank line after it (see `sse_core::stream`).
    assert_eq!(response.read_through(b"\n").await.unwrap(), b":\n");
    assert_eq!(response.read_through(b"\n").await.unwrap(), b":\n");
    feeder.events.send(Ok(Event::new("after"))).unwrap();
    frame_after_keep_alives(response, "data: after\n\n").await;
}

/// An `Err` item ends the response: the frame before it arrives, then the body is
/// cut without its last chunk, so the client cannot take it for a normal end.
pub async fn an_error_aborts_the_response(feeder: &Feeder, response: &mut RawResponse) {
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
    assert_eq!(response.read_to_end().await.unwrap(), b"");
    assert!(
        !response.ended_cleanly(),
        "an error aborts the body: the client must not take it for a normal end"
    );
}

/// Closes the client's connection; the server must then drop the stream (`dropped`
/// is the feeder's).
pub async fn disconnect_drops_the_stream(response: RawResponse, dropped: oneshot::Receiver<()>) {
    drop(response);
    let dropped = timeout(WAIT, dropped).await;
    assert!(
        matches!(dropped, Ok(Err(_))),
        "stream not dropped: {dropped:?}"
    );
}

/// Requests to a route that answers `format!("{:?}", id)`, `id` being the request's
/// last event id as an `Option<&str>`: the path, the `Last-Event-ID` header if sent,
/// and the answer expected. The header wins over the `lastEventId` query parameter,
/// which is percent-decoded; an empty or absent one is `None`.
pub const LAST_EVENT_ID_CASES: [(&str, Option<&str>, &str); 6] = [
    ("/id", Some("h-9"), "Some(\"h-9\")"),
    ("/id?lastEventId=q%207", None, "Some(\"q 7\")"),
    ("/id?lastEventId=q", Some("h"), "Some(\"h\")"),
    ("/id", None, "None"),
    ("/id?lastEventId=", None, "None"),
    ("/id?other=1", None, "None"),
];

/// Every case of [`LAST_EVENT_ID_CASES`] against the `/id` route at `addr`.
pub async fn last_event_id_over_the_wire(addr: SocketAddr) {
    for (path, header, expected) in LAST_EVENT_ID_CASES {
        let headers = Vec::from_iter(header.map(|id| ("last-event-id", id)));
        let mut response = RawResponse::get(addr, path, &headers).await.unwrap();
        let body = response.read_to_end().await.unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            expected,
            "{path} {headers:?}"
        );
    }
}
