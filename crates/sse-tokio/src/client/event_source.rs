//! [`EventSource`]: the reconnecting client as a `Stream`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use sse_core::{
    Action, ClientConfig, ClientMachine, Disconnect, EventId, MessageEvent, ReadyState, StopReason,
    TransportError,
};
use tokio::time::{Instant, Sleep};

use super::connection::{Connection, Progress};
use super::redirect::MAX_REDIRECTS;
use super::request::{IntoSseRequest, RequestTemplate};
use super::{BuildError, HttpClient};

/// How many connection steps one poll takes before yielding, so a server that sends
/// only comments cannot keep the task from yielding.
const STEPS_PER_POLL: usize = 64;

/// What an [`EventSource`] yields: the browser `EventSource`'s `open` and `message`
/// events, and each reconnection (its `error` event) with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceEvent {
    /// A valid event-stream response arrived; the stream is open.
    Open,
    /// An event: its type (`message` unless the server set one), data and the last
    /// event id in force.
    Message(MessageEvent),
    /// The connection was given up; the next attempt starts after `delay`.
    Reconnecting {
        /// How long until the next attempt.
        delay: Duration,
        /// Consecutive attempts that have not reached `Open`, this one included.
        attempt: u32,
        /// Why the connection was given up.
        cause: Disconnect,
    },
}

/// An `EventSource` client on hyper: a `Stream` of [`SourceEvent`]s that reconnects
/// by itself, driven by sse-core's [`ClientMachine`].
///
/// - Every attempt sends the same request (method, headers, body) plus
///   `Accept: text/event-stream`, `Cache-Control: no-cache` and, once an event had an
///   id, `Last-Event-ID`.
/// - Redirects (301, 302, 303, 307, 308) are followed as a browser does, up to 20 per
///   attempt: 303 (and 301/302 after a `POST`) turn the request into a bodiless
///   `GET`, and `Authorization`/`Cookie` are not sent to another origin. Every
///   reconnection starts again at the original URL.
/// - Reconnection follows the server's `retry:` time, with exponential backoff and
///   jitter after failures, up to [`ClientConfig::max_retries`]; with
///   [`ClientConfig::idle_timeout`] a connection silent for that long (no bytes, not
///   even a keep-alive comment) is replaced.
/// - It stops for good on 204 No Content, on a status other than 200 (5xx and 429
///   are retried instead with [`ClientConfig::reconnect_on_server_error`]), on a 200
///   that is not `text/event-stream`, and on input that breaks the decoder's limits:
///   the stream then yields `Err(`[`StopReason`]`)`, saying what was wrong, and ends.
/// - [`close`](Self::close) (or dropping it) ends it; the stream then ends without an
///   error.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use sse_tokio::client::{EventSource, SourceEvent};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let mut events = EventSource::new("http://127.0.0.1:3000/events")?;
/// while let Some(item) = events.next().await {
///     match item? {
///         SourceEvent::Open => println!("open"),
///         SourceEvent::Message(event) => println!("{}: {}", event.event_type(), event.data()),
///         SourceEvent::Reconnecting { delay, cause, .. } => println!("{cause}; retry in {delay:?}"),
///         _ => {}
///     }
/// }
/// # Ok(()) }
/// ```
pub struct EventSource {
    machine: ClientMachine,
    client: HttpClient,
    request: RequestTemplate,
    connection: Connection,
    timer: Option<Pin<Box<Sleep>>>,
    finished: bool,
}

impl fmt::Debug for EventSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSource")
            .field("uri", self.request.uri())
            .field("ready_state", &self.machine.ready_state())
            .field("last_event_id", self.machine.last_event_id())
            .finish_non_exhaustive()
    }
}

impl EventSource {
    /// An event source for `target` (a URL, or a whole request) with the default
    /// [`ClientConfig`] and its own [`HttpClient`].
    pub fn new(target: impl IntoSseRequest) -> Result<Self, BuildError> {
        EventSource::builder(target).build()
    }

    /// A builder, to set the config, share an [`HttpClient`], or resume from an id.
    pub fn builder(target: impl IntoSseRequest) -> EventSourceBuilder {
        EventSourceBuilder {
            request: target.into_sse_request(),
            config: ClientConfig::default(),
            client: None,
            last_event_id: None,
        }
    }

    /// `CONNECTING`, `OPEN` or `CLOSED`, as the browser's `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        if self.finished {
            ReadyState::Closed
        } else {
            self.machine.ready_state()
        }
    }

    /// The last event id, which the next connection sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &EventId {
        self.machine.last_event_id()
    }

    /// The reconnection time now in force (the server's last `retry:`, or the
    /// configured initial one).
    pub fn reconnection_time(&self) -> Duration {
        self.machine.reconnection_time()
    }

    /// Closes the connection and stops: events not yet polled are discarded, and the
    /// stream ends (without an error).
    pub fn close(&mut self) {
        self.machine.close();
        self.connection = Connection::Idle;
        self.timer = None;
    }

    /// Performs the machine's queued actions until one is an item to yield.
    fn next_action(&mut self) -> Option<Option<Result<SourceEvent, StopReason>>> {
        while let Some(action) = self.machine.poll_action() {
            match action {
                Action::Connect { last_event_id } => {
                    let request = self.request.prepare(last_event_id.as_ref());
                    self.connection = Connection::send(&self.client, request);
                }
                Action::Open => return Some(Some(Ok(SourceEvent::Open))),
                Action::Event(event) => return Some(Some(Ok(SourceEvent::Message(event)))),
                Action::Reconnecting {
                    delay,
                    attempt,
                    cause,
                } => {
                    self.connection = Connection::Idle;
                    let item = SourceEvent::Reconnecting {
                        delay,
                        attempt,
                        cause,
                    };
                    return Some(Some(Ok(item)));
                }
                Action::Stopped(reason) => {
                    self.connection = Connection::Idle;
                    self.timer = None;
                    self.finished = true;
                    return Some(match reason {
                        StopReason::Closed => None,
                        reason => Some(Err(reason)),
                    });
                }
                _ => {}
            }
        }
        None
    }

    /// Hands what happened on the connection to the machine.
    fn handle(&mut self, progress: Progress) {
        let now = Instant::now().into_std();
        match progress {
            Progress::Response {
                status,
                content_type,
            } => {
                let content_type = content_type.as_ref().map(|v| v.as_bytes());
                self.machine.handle_response(now, status, content_type);
            }
            Progress::Redirect(request) => {
                self.connection = Connection::send(&self.client, *request);
            }
            Progress::RedirectLoop => {
                let error =
                    TransportError::new(format!("more than {MAX_REDIRECTS} redirects in a row"));
                self.machine.handle_error(now, error);
            }
            Progress::Data(bytes) => self.machine.handle_data(now, &bytes),
            Progress::End => self.machine.handle_end(now),
            Progress::Failed(error) => self.machine.handle_error(now, error),
        }
    }

    /// Waits for the machine's next deadline (reconnect delay or idle timeout).
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(deadline) = self.machine.poll_timeout() else {
            self.timer = None;
            return Poll::Pending;
        };
        let deadline = Instant::from_std(deadline);
        let timer = match &mut self.timer {
            Some(timer) => {
                if timer.deadline() != deadline {
                    timer.as_mut().reset(deadline);
                }
                timer
            }
            None => self
                .timer
                .insert(Box::pin(tokio::time::sleep_until(deadline))),
        };
        timer.as_mut().poll(cx)
    }
}

impl Stream for EventSource {
    type Item = Result<SourceEvent, StopReason>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        for _ in 0..STEPS_PER_POLL {
            if this.finished {
                return Poll::Ready(None);
            }
            if let Some(item) = this.next_action() {
                return Poll::Ready(item);
            }
            if let Poll::Ready(progress) = this.connection.poll_progress(cx) {
                this.handle(progress);
                continue;
            }
            match this.poll_deadline(cx) {
                Poll::Ready(()) => this.machine.handle_timeout(Instant::now().into_std()),
                Poll::Pending => return Poll::Pending,
            }
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Settings of an [`EventSource`]; made by [`EventSource::builder`].
#[derive(Debug)]
#[must_use = "call build() to get the event source"]
pub struct EventSourceBuilder {
    request: Result<http::Request<bytes::Bytes>, BuildError>,
    config: ClientConfig,
    client: Option<HttpClient>,
    last_event_id: Option<EventId>,
}

impl EventSourceBuilder {
    /// The reconnection policy, idle timeout and decoder limits.
    pub fn config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }

    /// Sends requests through `client` (sharing its connection pool) instead of a
    /// client of its own.
    pub fn client(mut self, client: HttpClient) -> Self {
        self.client = Some(client);
        self
    }

    /// Resumes from `id`: the first request already sends `Last-Event-ID: id`. (A
    /// `Last-Event-ID` header on the request does the same.)
    pub fn last_event_id(mut self, id: EventId) -> Self {
        self.last_event_id = Some(id);
        self
    }

    /// The event source. It connects when first polled.
    pub fn build(self) -> Result<EventSource, BuildError> {
        let (request, from_header) = RequestTemplate::new(self.request?)?;
        let client = match self.client {
            Some(client) => client,
            None => HttpClient::new()?,
        };
        let now = Instant::now().into_std();
        let mut machine = ClientMachine::new(self.config, now, seed());
        if let Some(id) = self.last_event_id.or(from_header) {
            machine = machine.with_last_event_id(id);
        }
        Ok(EventSource {
            machine,
            client,
            request,
            connection: Connection::Idle,
            timer: None,
            finished: false,
        })
    }
}

/// The jitter seed: fastrand's thread-local generator is seeded from the OS.
fn seed() -> u64 {
    fastrand::u64(..)
}
