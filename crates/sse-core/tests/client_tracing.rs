//! With the `tracing` feature, `ClientDriver` records each connection attempt as a
//! span and tells of redirects, reconnections and the stop.
//!
//! A binary of its own: `tracing` caches per call site whether anybody listens, and
//! while other tests drive the same code on other threads without a subscriber, some
//! of this test's lines were lost (1 run in 3 to 5 failed inside `client_machine`).
#![cfg(feature = "tracing")]

// The client tests' scripted network and helpers; this binary uses a few of them.
#[allow(dead_code)]
#[path = "client_machine/scripted.rs"]
mod scripted;
#[allow(dead_code, unused_imports)]
#[path = "client_machine/support.rs"]
mod support;
mod trace_recorder;

use scripted::*;
use sse_core::SourceEvent;
use support::*;
use trace_recorder::Recorder;

#[test]
fn attempts_redirects_reconnections_and_the_stop_are_traced() {
    let recorder = Recorder::leaked();
    let scripts = vec![
        vec![redirect(307, "/b")],
        vec![stream_head(), Step::End],
        vec![Step::Head(204, None, None)],
    ];
    let url = "http://user:secret@a.test/a";
    tracing::subscriber::with_default(recorder, || {
        let mut run = Run::new(ClientConfig::default(), get(url), scripts);
        assert_eq!(run.next(), Some(Ok(SourceEvent::Open)));
        run.reconnecting();
        assert_eq!(run.next(), Some(Err(StopReason::NoContent)));
    });
    let lines = recorder.lines();
    let has = |prefix: &str| lines.iter().any(|line| line.starts_with(prefix));
    assert!(
        has("span sse_client_attempt url=http://a.test/a attempt=1"),
        "{lines:?}"
    );
    assert!(
        has("span sse_client_attempt url=http://a.test/a attempt=2"),
        "{lines:?}"
    );
    assert!(
        has("following redirect status=307 to=http://a.test/b"),
        "{lines:?}"
    );
    assert!(has("reconnecting delay_ms="), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("reason=the server ended the stream")),
        "{lines:?}"
    );
    assert!(has("stopped reason=server answered 204"), "{lines:?}");
    assert!(
        !lines.iter().any(|l| l.contains("secret")),
        "no password: {lines:?}"
    );
}
