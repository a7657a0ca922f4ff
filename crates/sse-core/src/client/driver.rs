//! [`ClientDriver`]: the drive loop of every client stream, over the I/O a runtime
//! supplies ([`ClientIo`]): requests and redirects, the work cap per poll, deadlines.

use core::task::{Context, Poll};
use std::time::Instant;
use std::vec::Vec;

use crate::event::EventId;

use super::machine::ClientMachine;
use super::outcome::{Action, StopReason, TransportError};
use super::redirect::{TooManyRedirects, follow};
use super::request::ClientRequest;
use super::source_event::SourceEvent;

/// How many steps (a response head, a chunk of bytes, a deadline) one
/// [`ClientDriver::poll_next`] takes before it yields, so that a server sending
/// only comments (each chunk yields no item) cannot keep the task from yielding to
/// others on its executor.
pub const STEPS_PER_POLL: usize = 64;

/// What a runtime gives a [`ClientDriver`]: sending requests, reading the
/// response, sleeping, and the clock. Nothing else: every decision is the
/// driver's.
pub trait ClientIo {
    /// Sends `request` now, dropping any connection in progress. Its outcome comes
    /// back through [`poll_progress`](Self::poll_progress).
    ///
    /// `request` already carries `Accept: text/event-stream`, `Cache-Control:
    /// no-cache` and, when resuming, `Last-Event-ID`. A request the HTTP library
    /// cannot send (say, a URL it does not accept) is an `Err`: the driver treats it
    /// as a failed connection, like [`Progress::Failed`].
    fn connect(&mut self, request: &ClientRequest) -> Result<(), TransportError>;

    /// Drops the current connection, if any.
    fn disconnect(&mut self);

    /// What happened on the current connection since the last call: the response
    /// head, then body bytes, then the end or a failure. `Pending` (with the waker
    /// registered) while nothing happened, and always when there is no connection.
    fn poll_progress(&mut self, cx: &mut Context<'_>) -> Poll<Progress<'_>>;

    /// `Ready` once `deadline` has passed (registering the waker until then). The
    /// deadline may change between calls; the latest one counts.
    fn poll_sleep(&mut self, cx: &mut Context<'_>, deadline: Instant) -> Poll<()>;

    /// The current time, on the clock [`poll_sleep`](Self::poll_sleep) sleeps on.
    fn now(&self) -> Instant;
}

/// Something that happened on a connection, from [`ClientIo::poll_progress`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// The response head arrived; the body is read next.
    Head(ResponseHead),
    /// Bytes of the response body, in any chunking.
    Data(&'a [u8]),
    /// The body ended cleanly.
    End,
    /// Connecting, sending or reading failed.
    Failed(TransportError),
}

/// What the driver needs of a response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, raw.
    pub content_type: Option<Vec<u8>>,
    /// The `Location` header, raw.
    pub location: Option<Vec<u8>>,
}

/// The drive loop of an `EventSource` client stream: a [`ClientMachine`] plus the
/// request it sends, turning what a runtime's [`ClientIo`] reports into the stream's
/// items ([`SourceEvent`], or the [`StopReason`] it stopped with).
///
/// The runtime clients (`sse-tokio`'s and `sse-async-std`'s `EventSource`) are this
/// driver over their HTTP library; their `poll_next` is [`poll_next`](Self::poll_next).
///
/// # What it adds to the machine
/// - **The request.** Every attempt sends the same [`ClientRequest`] with
///   `Last-Event-ID` set to the id the stream reached.
/// - **Redirects.** <a id="redirects"></a>301, 302, 303, 307 and 308 are followed as
///   a browser's `EventSource` (fetch) follows them: 303 (and 301/302 after `POST`)
///   turns the request into a bodiless `GET`; `Authorization`, `Cookie` and
///   `Proxy-Authorization` are not sent to another origin; at most
///   [`ClientConfig::max_redirects`](super::ClientConfig::max_redirects) per attempt,
///   after which the attempt fails with a [`TooManyRedirects`] transport error. Each
///   reconnection starts again at the original URL.
/// - **A work cap.** One `poll_next` takes at most [`STEPS_PER_POLL`] steps, then
///   wakes itself and returns `Pending`.
/// - **Deadlines.** It sleeps (through the I/O) until the machine's
///   [`poll_timeout`](ClientMachine::poll_timeout): reconnection waits, connect and
///   idle timeouts.
/// - **Tracing** (feature `tracing`): a span per connection attempt (`url`,
///   `attempt`), and events for redirects, reconnections (delay and reason) and the
///   stop.
///
/// ```
/// use std::task::{Context, Poll, Waker};
/// use std::time::Instant;
/// use sse_core::client::{
///     ClientConfig, ClientDriver, ClientIo, ClientMachine, ClientRequest, Progress,
///     ResponseHead, SourceEvent, TransportError,
/// };
///
/// /// Answers every request with one event, then holds the stream open.
/// #[derive(Default)]
/// struct OneEvent {
///     sent: Vec<String>,
///     step: usize,
/// }
///
/// impl ClientIo for OneEvent {
///     fn connect(&mut self, request: &ClientRequest) -> Result<(), TransportError> {
///         self.sent.push(request.url().to_string());
///         self.step = 0;
///         Ok(())
///     }
///     fn disconnect(&mut self) {}
///     fn poll_progress(&mut self, _: &mut Context<'_>) -> Poll<Progress<'_>> {
///         self.step += 1;
///         match self.step {
///             1 => Poll::Ready(Progress::Head(ResponseHead {
///                 status: 200,
///                 content_type: Some(b"text/event-stream".to_vec()),
///                 location: None,
///             })),
///             2 => Poll::Ready(Progress::Data(b"data: hello\n\n")),
///             _ => Poll::Pending,
///         }
///     }
///     fn poll_sleep(&mut self, _: &mut Context<'_>, _: Instant) -> Poll<()> {
///         Poll::Pending
///     }
///     fn now(&self) -> Instant {
///         Instant::now()
///     }
/// }
///
/// let request = ClientRequest::get("http://127.0.0.1:8080/events")?;
/// let machine = ClientMachine::new(ClientConfig::default(), Instant::now(), 1);
/// let mut driver = ClientDriver::new(machine, request);
/// let (mut io, mut cx) = (OneEvent::default(), Context::from_waker(Waker::noop()));
/// assert_eq!(driver.poll_next(&mut io, &mut cx), Poll::Ready(Some(Ok(SourceEvent::Open))));
/// let Poll::Ready(Some(Ok(SourceEvent::Message(event)))) = driver.poll_next(&mut io, &mut cx)
/// else {
///     panic!("expected the event")
/// };
/// assert_eq!(event.data(), "hello");
/// assert_eq!(driver.poll_next(&mut io, &mut cx), Poll::Pending);
/// assert_eq!(io.sent, ["http://127.0.0.1:8080/events"]);
/// # Ok::<(), sse_core::client::RequestError>(())
/// ```
#[derive(Debug)]
pub struct ClientDriver {
    machine: ClientMachine,
    request: ClientRequest,
    /// The attempt awaiting its response head: its request after redirects.
    in_flight: Option<InFlight>,
    /// A request the I/O could not send: reported as the attempt's failure at the
    /// next poll.
    unsent: Option<TransportError>,
    #[cfg(feature = "tracing")]
    trace: super::trace::Trace,
}

#[derive(Debug)]
struct InFlight {
    request: ClientRequest,
    redirects: u8,
}

/// What [`ClientDriver::poll_next`] returns: the stream's next item.
pub type Item = Option<Result<SourceEvent, StopReason>>;

impl ClientDriver {
    /// A driver that sends `request` on every attempt. A `Last-Event-ID` header in
    /// `request` is taken as the id to resume from (unless the machine already has
    /// one).
    pub fn new(mut machine: ClientMachine, mut request: ClientRequest) -> Self {
        if let Some(id) = request.take_last_event_id()
            && machine.last_event_id().is_empty()
        {
            machine = machine.with_last_event_id(id);
        }
        ClientDriver {
            #[cfg(feature = "tracing")]
            trace: super::trace::Trace::new(&request),
            machine,
            request,
            in_flight: None,
            unsent: None,
        }
    }

    /// The machine: ready state, last event id, reconnection time.
    pub fn machine(&self) -> &ClientMachine {
        &self.machine
    }

    /// The request every attempt starts from.
    pub fn request(&self) -> &ClientRequest {
        &self.request
    }

    /// Stops for good: drops the connection; the stream ends (without an error) at
    /// its next poll.
    pub fn close(&mut self, io: &mut impl ClientIo) {
        self.machine.close();
        self.in_flight = None;
        io.disconnect();
    }

    /// The stream's `poll_next`: performs the machine's actions through `io`, feeds
    /// it what `io` reports, and sleeps until its deadlines, until there is an item
    /// to yield (`Ready`), nothing to do before `io` wakes the task (`Pending`), or
    /// [`STEPS_PER_POLL`] steps have passed (`Pending`, the task woken again).
    pub fn poll_next(&mut self, io: &mut impl ClientIo, cx: &mut Context<'_>) -> Poll<Item> {
        #[cfg(feature = "tracing")]
        let span = self.trace.span();
        #[cfg(feature = "tracing")]
        let _entered = span.enter();
        for _ in 0..STEPS_PER_POLL {
            if let Some(item) = self.perform_actions(io) {
                return Poll::Ready(item);
            }
            let now = io.now();
            let progress = match self.unsent.take() {
                Some(error) => Poll::Ready(Progress::Failed(error)),
                None => io.poll_progress(cx),
            };
            let head = match progress {
                Poll::Ready(Progress::Head(head)) => head,
                Poll::Ready(Progress::Data(bytes)) => {
                    self.machine.handle_data(now, bytes);
                    continue;
                }
                Poll::Ready(Progress::End) => {
                    self.machine.handle_end(now);
                    continue;
                }
                Poll::Ready(Progress::Failed(error)) => {
                    self.in_flight = None;
                    self.machine.handle_error(now, error);
                    continue;
                }
                Poll::Pending => {
                    let Some(deadline) = self.machine.poll_timeout() else {
                        return Poll::Pending;
                    };
                    if io.poll_sleep(cx, deadline).is_pending() {
                        return Poll::Pending;
                    }
                    self.machine.handle_timeout(io.now());
                    continue;
                }
            };
            self.handle_head(io, now, head);
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }

    /// A response head: a redirect is followed (or fails the attempt past the
    /// limit); any other response goes to the machine.
    fn handle_head(&mut self, io: &mut impl ClientIo, now: Instant, head: ResponseHead) {
        let Some(in_flight) = self.in_flight.take() else {
            return;
        };
        let Some(next) = follow(&in_flight.request, head.status, head.location.as_deref()) else {
            let content_type = head.content_type.as_deref();
            self.machine.handle_response(now, head.status, content_type);
            return;
        };
        let limit = self.machine.config().max_redirects;
        if in_flight.redirects >= limit {
            let error = TransportError::new(TooManyRedirects { limit });
            self.machine.handle_error(now, error);
            return;
        }
        #[cfg(feature = "tracing")]
        self.trace.redirect(head.status, next.url());
        self.unsent = io.connect(&next).err();
        self.in_flight = Some(InFlight {
            request: next,
            redirects: in_flight.redirects.saturating_add(1),
        });
    }

    /// Performs queued actions until one is an item for the stream.
    fn perform_actions(&mut self, io: &mut impl ClientIo) -> Option<Item> {
        while let Some(action) = self.machine.poll_action() {
            match action {
                Action::Connect { last_event_id } => self.connect(io, last_event_id),
                Action::Open => return Some(Some(Ok(SourceEvent::Open))),
                Action::Event(event) => return Some(Some(Ok(SourceEvent::Message(event)))),
                Action::Reconnecting {
                    delay,
                    attempt,
                    cause,
                } => {
                    self.in_flight = None;
                    self.unsent = None;
                    io.disconnect();
                    #[cfg(feature = "tracing")]
                    self.trace.reconnecting(delay, attempt, &cause);
                    let event = SourceEvent::Reconnecting {
                        delay,
                        attempt,
                        cause,
                    };
                    return Some(Some(Ok(event)));
                }
                Action::Stopped(reason) => {
                    self.in_flight = None;
                    self.unsent = None;
                    io.disconnect();
                    #[cfg(feature = "tracing")]
                    self.trace.stopped(&reason);
                    return Some(match reason {
                        StopReason::Closed => None,
                        reason => Some(Err(reason)),
                    });
                }
            }
        }
        self.machine.is_stopped().then_some(None)
    }

    fn connect(&mut self, io: &mut impl ClientIo, last_event_id: Option<EventId>) {
        let request = self.request.for_attempt(last_event_id.as_ref());
        #[cfg(feature = "tracing")]
        self.trace.connecting(&request);
        self.unsent = io.connect(&request).err();
        self.in_flight = Some(InFlight {
            request,
            redirects: 0,
        });
    }
}
