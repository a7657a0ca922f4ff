//! `Sse` over event streams, end to end on a loopback socket with a raw HTTP client:
//! headers, byte-exact frames, keep-alive, errors, disconnects, the last-event-id filter.

mod support;

use std::time::Duration;

use sse_core::Event;
use sse_core::stream::KeepAlive;
use sse_testkit::feed::{FeedSlot, feed};
use sse_testkit::raw::RawResponse;
use sse_testkit::scenario::stream::{self, TRICKY_RETRY, assert_event_stream_head, tricky_events};
use sse_warp::{LastEventId, Sse, last_event_id};
use support::server::serve;
use warp::Filter;

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
        Sse::from_stream(fast.take()).keep_alive(KeepAlive::new(Duration::from_millis(50)))
    });
    events.or(fast).unify()
}

#[tokio::test]
async fn headers_and_exact_frames_for_typed_multiline_non_ascii_events() {
    let route = warp::path::end()
        .map(|| Sse::from_stream(futures_util::stream::iter(tricky_events())).retry(TRICKY_RETRY));
    let server = serve(route).await;
    let mut response = RawResponse::get(server.addr, "/", &[]).await.unwrap();
    assert_event_stream_head(&response);
    assert_eq!(response.header("content-encoding"), Some("identity"));
    stream::tricky_events_exactly(&mut response).await;
}

#[tokio::test]
async fn each_event_is_written_when_it_is_sent() {
    let (feeder, slot) = feed();
    let server = serve(routes(slot)).await;
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    stream::events_arrive_one_by_one(&feeder, &mut response, "n").await;
}

#[tokio::test]
async fn keep_alive_comments_arrive_while_idle() {
    let (feeder, slot) = feed();
    let server = serve(routes(slot)).await;
    let mut response = RawResponse::get(server.addr, "/fast", &[]).await.unwrap();
    stream::keep_alives_while_idle(&feeder, &mut response).await;
}

#[tokio::test]
async fn a_stream_error_ends_the_response() {
    let (feeder, slot) = feed();
    let server = serve(routes(slot)).await;
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    stream::an_error_aborts_the_response(&feeder, &mut response).await;
}

#[tokio::test]
async fn disconnect_drops_the_stream() {
    let (feeder, slot) = feed();
    let server = serve(routes(slot)).await;
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    feeder.events.send(Ok(Event::new("one"))).unwrap();
    response.read_through(b"\n\n").await.unwrap();
    // Default keep-alive is 15 s and nothing more is sent: only the read side can
    // tell the server that the client went away.
    stream::disconnect_drops_the_stream(response, feeder.dropped).await;
}

#[tokio::test]
async fn last_event_id_filter_over_the_wire() {
    let route = warp::path("id")
        .and(last_event_id())
        .map(|LastEventId(id)| format!("{:?}", id.as_deref()));
    let server = serve(route).await;
    stream::last_event_id_over_the_wire(server.addr).await;
}
