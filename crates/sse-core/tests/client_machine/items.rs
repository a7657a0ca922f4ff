//! `ClientDriver`: the drive loop every client stream runs, over a scripted network
//! and a fake clock (sleeping jumps the clock to the deadline): items, requests,
//! redirects, the work cap, the connect timeout.

use std::sync::atomic::Ordering;
use std::task::Poll;

use sse_core::SourceEvent;
use sse_core::client::{STEPS_PER_POLL, TooManyRedirects};

use super::scripted::*;
use super::support::*;

#[test]
fn yields_open_messages_and_reconnects_with_the_last_event_id() {
    let scripts = vec![
        vec![
            stream_head(),
            Step::Data(b"id: 9\nevent: t\ndata: a\n\n"),
            Step::End,
        ],
        vec![stream_head(), Step::Data(b"data: b\n\n")],
    ];
    let request = get("http://h.test/s").header("X-Token", "t").unwrap();
    let mut run = Run::new(ClientConfig::default(), request, scripts);
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
    assert_eq!(run.message(), triple("t", "a", "9"));
    assert_eq!(run.reconnecting(), Disconnect::EndOfStream);
    assert_eq!(run.net.disconnects, 1, "dropped before it is yielded");
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
    assert_eq!(run.message(), triple("message", "b", "9"));
    assert_eq!(run.poll(), Poll::Pending);

    assert_eq!(run.net.sent.len(), 2);
    for n in 0..2 {
        assert_eq!(
            run.net.sent_header(n, "accept").unwrap(),
            "text/event-stream"
        );
        assert_eq!(run.net.sent_header(n, "cache-control").unwrap(), "no-cache");
        assert_eq!(run.net.sent_header(n, "x-token").unwrap(), "t");
    }
    assert_eq!(run.net.sent_header(0, "last-event-id"), None);
    assert_eq!(run.net.sent_header(1, "last-event-id").unwrap(), "9");

    run.driver.close(&mut run.net);
    assert_eq!(run.next(), None, "closed: the stream ends");
    assert_eq!(run.next(), None);
}

#[test]
fn a_last_event_id_header_is_the_resume_point() {
    let request = get("http://h.test/s")
        .header("Last-Event-ID", "41")
        .unwrap();
    let mut run = Run::new(ClientConfig::default(), request, vec![vec![stream_head()]]);
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
    assert_eq!(run.net.sent_header(0, "last-event-id").unwrap(), "41");
    assert_eq!(run.driver.machine().last_event_id().as_str(), "41");
}

#[test]
fn a_stop_yields_its_reason_once_then_the_end_forever() {
    let scripts = vec![vec![Step::Head(204, None, None)]];
    let mut run = Run::new(ClientConfig::default(), get("http://h/"), scripts);
    assert_eq!(run.next(), Some(Err(StopReason::NoContent)));
    assert_eq!(run.net.disconnects, 1);
    for _ in 0..3 {
        assert_eq!(run.next(), None);
    }
    assert_eq!(run.net.disconnects, 1, "the end asks for nothing more");
}

#[test]
fn events_decoded_before_a_decode_error_come_first() {
    let config = ClientConfig::default().limits(Limits::default().max_line(16));
    let scripts = vec![vec![
        stream_head(),
        Step::Data(b"data: ok\n\ndata: far too long a line\n"),
    ]];
    let mut run = Run::new(config, get("http://h/"), scripts);
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
    assert_eq!(run.message(), triple("message", "ok", ""));
    assert!(matches!(run.next(), Some(Err(StopReason::Decode(_)))));
    assert_eq!(run.next(), None);
}

#[test]
fn redirects_are_followed_from_the_original_url_on_every_attempt() {
    let scripts = vec![
        vec![redirect(307, "../events")],
        vec![stream_head(), Step::Data(b"id: 1\ndata: x\n\n"), Step::End],
        vec![redirect(302, "http://other.test/e")],
        vec![stream_head()],
    ];
    let request = get("http://a.test/old/place")
        .header("authorization", "Bearer t")
        .unwrap();
    let mut run = Run::new(ClientConfig::default(), request, scripts);
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
    run.message();
    run.reconnecting();
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
    let urls: Vec<&str> = run.net.sent.iter().map(|r| r.url().as_str()).collect();
    assert_eq!(
        urls,
        [
            "http://a.test/old/place",
            "http://a.test/events",
            "http://a.test/old/place",
            "http://other.test/e",
        ]
    );
    assert_eq!(run.net.sent_header(1, "authorization").unwrap(), "Bearer t");
    assert_eq!(
        run.net.sent_header(3, "authorization"),
        None,
        "other origin"
    );
    assert_eq!(run.net.sent_header(3, "last-event-id").unwrap(), "1");
}

#[test]
fn a_303_after_post_becomes_a_bodiless_get() {
    let request = get("http://a.test/submit")
        .method_named("POST")
        .unwrap()
        .header("content-type", "application/json")
        .unwrap()
        .body("{}");
    let scripts = vec![vec![redirect(303, "/events")], vec![stream_head()]];
    let mut run = Run::new(ClientConfig::default(), request, scripts);
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
    let after = &run.net.sent[1];
    assert_eq!(after.method(), "GET");
    assert!(after.body_bytes().is_empty());
    assert_eq!(after.header_value("content-type"), None);
    assert_eq!(run.net.sent[0].method(), "POST");
}

#[test]
fn too_many_redirects_fail_the_attempt_with_a_typed_cause() {
    let config = ClientConfig::default()
        .max_redirects(2)
        .max_retries(Some(0));
    let scripts = vec![vec![redirect(302, "/loop")]; 3];
    let mut run = Run::new(config, get("http://a.test/loop"), scripts);
    let Some(Err(StopReason::RetriesExhausted {
        last: Disconnect::Transport(error),
        ..
    })) = run.next()
    else {
        panic!("expected the redirect failure");
    };
    assert_eq!(
        error.find::<TooManyRedirects>(),
        Some(&TooManyRedirects { limit: 2 })
    );
    assert!(
        error.to_string().contains("more than 2 redirects"),
        "{error}"
    );
    assert_eq!(run.net.sent.len(), 3, "the request and two redirects");
}

#[test]
fn a_redirect_without_location_is_the_response() {
    let scripts = vec![vec![Step::Head(302, None, None)]];
    let mut run = Run::new(ClientConfig::default(), get("http://a.test/"), scripts);
    assert_eq!(run.next(), Some(Err(StopReason::BadStatus { status: 302 })));
}

#[test]
fn a_stream_of_comments_yields_after_the_work_cap() {
    let scripts = vec![vec![stream_head(), Step::Forever(b": keep-alive\n")]];
    let mut run = Run::new(ClientConfig::default(), get("http://a.test/"), scripts);
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
    let polls_before = run.net.progress_polls;
    assert_eq!(run.poll(), Poll::Pending);
    assert_eq!(run.net.progress_polls - polls_before, STEPS_PER_POLL);
    assert_eq!(
        run.wakes.0.load(Ordering::SeqCst),
        1,
        "woken to go on later"
    );
}

#[test]
fn a_silent_server_times_out_the_attempt_then_retries_run_out() {
    let config = ClientConfig::default()
        .connect_timeout(Some(ms(1_000)))
        .min_delay(ms(100))
        .initial_retry(ms(100))
        .max_retries(Some(2));
    let mut run = Run::new(config, get("http://a.test/"), Vec::new());
    let timeout = Disconnect::ConnectTimeout { timeout: ms(1_000) };
    assert_eq!(run.reconnecting(), timeout);
    assert_eq!(run.net.elapsed(), ms(1_000), "exactly the timeout");
    assert_eq!(run.reconnecting(), timeout);
    let Some(Err(StopReason::RetriesExhausted { attempts: 2, last })) = run.next() else {
        panic!("expected the retries to run out");
    };
    assert_eq!(last, timeout);
    assert_eq!(run.net.sent.len(), 3);
    assert_eq!(
        last.to_string(),
        "no response within the connect timeout of 1s"
    );
}

#[test]
fn a_request_that_cannot_be_sent_is_a_failed_attempt_and_retried() {
    let scripts = vec![
        vec![Step::Unsendable("no such scheme")],
        vec![stream_head()],
    ];
    let mut run = Run::new(ClientConfig::default(), get("http://a.test/"), scripts);
    let Disconnect::Transport(error) = run.reconnecting() else {
        panic!("expected a transport failure");
    };
    assert_eq!(error.to_string(), "transport error: no such scheme");
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
    assert_eq!(run.net.sent.len(), 2);
}

#[test]
fn a_failure_to_connect_is_retried_with_its_cause() {
    let scripts = vec![vec![Step::Fail("connection refused")], vec![stream_head()]];
    let mut run = Run::new(ClientConfig::default(), get("http://a.test/"), scripts);
    let Disconnect::Transport(error) = run.reconnecting() else {
        panic!("expected a transport failure");
    };
    assert_eq!(error.to_string(), "transport error: connection refused");
    assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
}
