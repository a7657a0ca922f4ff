//! `Sse` over event streams, end to end on a loopback socket with a raw HTTP client:
//! headers, byte-exact frames, keep-alive, compression, errors, disconnects.

mod support;

use std::time::Duration;

use actix_web::{HttpResponse, Responder, web};
use sse_actix::{LastEventId, Sse};
use sse_core::Event;
use sse_core::stream::KeepAlive;
use sse_testkit::feed::{FeedSlot, feed};
use sse_testkit::raw::RawResponse;
use sse_testkit::scenario::stream::{self, TRICKY_RETRY, assert_event_stream_head, tricky_events};
use support::server::{Setup, serve};

async fn fed(slot: web::Data<FeedSlot>) -> impl Responder {
    Sse::from_stream(slot.take())
}

async fn fed_fast_keep_alive(slot: web::Data<FeedSlot>) -> impl Responder {
    Sse::from_stream(slot.take()).keep_alive(KeepAlive::new(Duration::from_millis(50)))
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
    let server = serve(Setup::default(), |cfg: &mut web::ServiceConfig| {
        cfg.route(
            "/",
            web::get().to(|| async {
                Sse::from_stream(futures_util::stream::iter(tricky_events())).retry(TRICKY_RETRY)
            }),
        );
    });
    let mut response = RawResponse::get(server.addr, "/", &[]).await.unwrap();
    assert_event_stream_head(&response);
    assert_eq!(response.header("content-encoding"), Some("identity"));
    stream::tricky_events_exactly(&mut response).await;
}

#[actix_web::test]
async fn each_event_is_written_when_it_is_sent() {
    let (feeder, slot) = feed();
    let server = serve(Setup::default(), routes(slot));
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    stream::events_arrive_one_by_one(&feeder, &mut response, "n").await;
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
    // One at a time: a buffering encoder would stall this (and time out).
    stream::events_arrive_one_by_one(&feeder, &mut response, "z").await;
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
    stream::keep_alives_while_idle(&feeder, &mut response).await;
}

#[actix_web::test]
async fn a_stream_error_ends_the_response() {
    let (feeder, slot) = feed();
    let server = serve(Setup::default(), routes(slot));
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    stream::an_error_aborts_the_response(&feeder, &mut response).await;
}

#[actix_web::test]
async fn disconnect_drops_the_stream_at_once_without_half_close() {
    let (feeder, slot) = feed();
    let server = serve(Setup::default(), routes(slot));
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    feeder.events.send(Ok(Event::new("one"))).unwrap();
    response.read_through(b"\n\n").await.unwrap();
    // Default keep-alive is 15 s and nothing more is sent: only the read side can
    // tell the server that the client went away.
    stream::disconnect_drops_the_stream(response, feeder.dropped).await;
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
    // The first keep-alive: a lone comment line.
    response.read_through(b":\n").await.unwrap();
    // actix notices the failed keep-alive writes.
    stream::disconnect_drops_the_stream(response, feeder.dropped).await;
}

#[actix_web::test]
async fn last_event_id_extractor_over_the_wire() {
    let server = serve(Setup::default(), |cfg: &mut web::ServiceConfig| {
        cfg.route(
            "/id",
            web::get().to(|LastEventId(last): LastEventId| async move {
                format!("{:?}", last.as_deref())
            }),
        );
    });
    stream::last_event_id_over_the_wire(server.addr).await;
}
