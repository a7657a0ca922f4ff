//! `ClientDriver`: the drive loop every client stream runs, over a scripted network
//! and a fake clock (sleeping jumps the clock to the deadline): items, requests,
//! redirects, the work cap, the connect timeout.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use sse_core::SourceEvent;
use sse_core::client::{
    ClientDriver, ClientIo, ClientRequest, Item, Progress, ResponseHead, STEPS_PER_POLL,
    TooManyRedirects, TransportError,
};

use super::support::*;

/// One thing the network does on a connection.
#[derive(Debug, Clone)]
enum Step {
    Head(u16, Option<&'static str>, Option<&'static str>),
    Data(&'static [u8]),
    End,
    Fail(&'static str),
    /// These bytes, again and again, at once.
    Forever(&'static [u8]),
    /// The request cannot be sent at all (`connect` fails); must be a script's only
    /// step.
    Unsendable(&'static str),
}

fn stream_head() -> Step {
    Step::Head(200, Some("text/event-stream"), None)
}

fn redirect(status: u16, to: &'static str) -> Step {
    Step::Head(status, None, Some(to))
}

/// The network: the n-th request gets the n-th script (nothing happens on
/// requests past the scripts). Sleeping moves the clock to the deadline.
struct Network {
    now: Instant,
    start: Instant,
    scripts: VecDeque<Vec<Step>>,
    current: VecDeque<Step>,
    sent: Vec<ClientRequest>,
    disconnects: usize,
    progress_polls: usize,
}

impl Network {
    fn new(clock: Clock, scripts: Vec<Vec<Step>>) -> Self {
        Network {
            now: clock.ms(0),
            start: clock.ms(0),
            scripts: scripts.into(),
            current: VecDeque::new(),
            sent: Vec::new(),
            disconnects: 0,
            progress_polls: 0,
        }
    }

    fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    fn sent_header(&self, n: usize, name: &str) -> Option<String> {
        self.sent[n]
            .header_value(name)
            .map(|v| String::from_utf8(v.to_vec()).unwrap())
    }
}

impl ClientIo for Network {
    fn connect(&mut self, request: &ClientRequest) -> Result<(), TransportError> {
        self.sent.push(request.clone());
        self.current = self.scripts.pop_front().unwrap_or_default().into();
        if let Some(Step::Unsendable(why)) = self.current.front() {
            let error = TransportError::new(*why);
            self.current.clear();
            return Err(error);
        }
        Ok(())
    }

    fn disconnect(&mut self) {
        self.disconnects += 1;
        self.current.clear();
    }

    fn poll_progress(&mut self, _: &mut Context<'_>) -> Poll<Progress<'_>> {
        self.progress_polls += 1;
        let Some(step) = self.current.pop_front() else {
            return Poll::Pending;
        };
        Poll::Ready(match step {
            Step::Head(status, content_type, location) => Progress::Head(ResponseHead {
                status,
                content_type: content_type.map(|v| v.as_bytes().to_vec()),
                location: location.map(|v| v.as_bytes().to_vec()),
            }),
            Step::Data(bytes) => Progress::Data(bytes),
            Step::End => Progress::End,
            Step::Fail(what) | Step::Unsendable(what) => {
                Progress::Failed(TransportError::new(what))
            }
            Step::Forever(bytes) => {
                self.current.push_front(Step::Forever(bytes));
                Progress::Data(bytes)
            }
        })
    }

    fn poll_sleep(&mut self, _: &mut Context<'_>, deadline: Instant) -> Poll<()> {
        self.now = self.now.max(deadline);
        Poll::Ready(())
    }

    fn now(&self) -> Instant {
        self.now
    }
}

/// Counts wake-ups.
#[derive(Default)]
struct Wakes(AtomicUsize);

impl Wake for Wakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

struct Run {
    driver: ClientDriver,
    net: Network,
    wakes: Arc<Wakes>,
}

impl Run {
    fn new(config: ClientConfig, request: ClientRequest, scripts: Vec<Vec<Step>>) -> Run {
        let clock = Clock::new();
        let machine = ClientMachine::new(config, clock.ms(0), 7);
        Run {
            driver: ClientDriver::new(machine, request),
            net: Network::new(clock, scripts),
            wakes: Arc::default(),
        }
    }

    fn poll(&mut self) -> Poll<Item> {
        let waker = Waker::from(self.wakes.clone());
        let mut cx = Context::from_waker(&waker);
        self.driver.poll_next(&mut self.net, &mut cx)
    }

    fn next(&mut self) -> Item {
        match self.poll() {
            Poll::Ready(item) => item,
            Poll::Pending => panic!("pending after {:?}", self.net.elapsed()),
        }
    }

    fn message(&mut self) -> (String, String, String) {
        match self.next() {
            Some(Ok(SourceEvent::Message(event))) => describe(&event),
            other => panic!("expected a message, got {other:?}"),
        }
    }

    fn reconnecting(&mut self) -> Disconnect {
        match self.next() {
            Some(Ok(SourceEvent::Reconnecting { cause, .. })) => cause,
            other => panic!("expected a reconnection, got {other:?}"),
        }
    }
}

fn get(url: &str) -> ClientRequest {
    ClientRequest::get(url).unwrap()
}

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

/// With the `tracing` feature, the driver records each attempt as a span and tells
/// of redirects, reconnections and the stop.
#[cfg(feature = "tracing")]
mod tracing_output {
    use super::*;
    use crate::trace_recorder::Recorder;

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
}
