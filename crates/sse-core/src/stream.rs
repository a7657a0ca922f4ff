//! The bytes of one SSE response body: a preamble, the source's frames, and
//! keep-alives while idle, over any runtime's timer.
//!
//! Every adapter's response body is a [`FrameStream`]: it owns a [`FrameSource`] (a hub
//! `Subscription`, or an adapter's wrapper around a `Stream` of events) and a
//! [`Timer`] from the adapter's runtime. The logic of what to send when lives here
//! once; an adapter only supplies the timer and converts the output to its framework's
//! body type.
//!
//! Rules it keeps:
//! - The preamble (an optional initial comment, so proxies flush headers early, then an
//!   optional `retry:` hint) goes first, as one chunk.
//! - A keep-alive goes only when nothing was sent for the keep-alive interval, and only
//!   between whole frames: never while the source is in the middle of one (say, an
//!   event whose data is being streamed from a reader).
//! - Every blank line sent ends a block that carries an event. The keep-alive is a
//!   lone comment line (`:\n`, or `: text\n`) with no blank line after it, and the
//!   preamble's comment and `retry:` lines have none either: they join the block of
//!   the first event. This is neutral for a client that follows the spec (comments are
//!   ignored wherever they stand, `retry:` takes effect as soon as it is read, and a
//!   block without data dispatches nothing), and it keeps popular lenient clients
//!   correct: the openai Python SDK's decoder and httpx-sse dispatch an *empty* event at
//!   any blank line once an id has been seen or when the block held `retry:`, which a
//!   stand-alone `:\n\n` or `retry: N\n\n` would trigger (the openai SDK then fails to
//!   parse `""` as JSON). A keep-alive set with [`KeepAlive::event`] is a whole event
//!   (with a `data:` line) and ends with its blank line.
//! - The stream ends when the source ends; a source error is passed on once, then the
//!   stream ends.

use core::task::{Context, Poll};
use core::time::Duration;
use std::time::Instant;

use bytes::{Bytes, BytesMut};

use crate::encode::Frame;
use crate::event::{Event, EventType};

/// What a keep-alive is and how often it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepAlive {
    interval: Duration,
    bytes: Bytes,
}

impl KeepAlive {
    /// The default interval: 15 seconds, below the idle timeouts of common proxies.
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(15);

    /// A lone empty comment line (`:\n`, no blank line after it: see the
    /// [module docs](self)) after `interval` of silence. An interval of zero is raised
    /// to one millisecond.
    pub fn new(interval: Duration) -> Self {
        KeepAlive {
            interval: interval.max(Duration::from_millis(1)),
            bytes: Bytes::from_static(b":\n"),
        }
    }

    /// Sends a comment with `text` (`: text\n`, one line per line of `text`, no blank
    /// line) instead of the empty comment.
    pub fn comment(mut self, text: impl AsRef<[u8]>) -> Self {
        self.bytes = lines_only(&Frame::comment(text));
        self
    }

    /// Sends an event of type `event` with empty data instead of a comment, so browser
    /// code can listen for it and detect a stale connection (a whole event, ending with
    /// its blank line).
    pub fn event(mut self, event: EventType) -> Self {
        self.bytes = Frame::encode(&Event::new(Bytes::new()).with_type(event)).into_bytes();
        self
    }

    /// How long the stream may be silent before a keep-alive is sent.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The bytes that are sent.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

/// A frame's lines without the blank line that ends it: they join the next block.
fn lines_only(frame: &Frame) -> Bytes {
    let bytes = frame.as_bytes();
    bytes.slice(..bytes.len().saturating_sub(1))
}

impl Default for KeepAlive {
    fn default() -> Self {
        KeepAlive::new(Self::DEFAULT_INTERVAL)
    }
}

/// Per-stream settings: keep-alive, `retry:` hint, initial comment.
///
/// There is no write deadline here, by design: when a client stops reading, its
/// socket fills and the HTTP server stops polling the body, so no timer inside the
/// stream would ever run. The deadline belongs to the connection:
/// `sse_tokio::server::ServerOptions::write_timeout` (and `sse serve --write-timeout`)
/// closes a connection that cannot write for that long. Behind another framework's
/// server, use what it offers, or a reverse proxy's send timeout (nginx's
/// `send_timeout`, say). Either way the hub frees a stalled
/// subscriber's place as soon as it falls behind the window.
///
/// ```
/// use std::time::Duration;
/// use sse_core::stream::{KeepAlive, StreamOptions};
///
/// let options = StreamOptions::default()
///     .keep_alive(Some(KeepAlive::new(Duration::from_secs(10))))
///     .retry(Duration::from_secs(2))
///     .initial_comment("ok");
/// // No blank line: these lines join the first event's block.
/// assert_eq!(&options.preamble().unwrap()[..], b": ok\nretry: 2000\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamOptions {
    keep_alive: Option<KeepAlive>,
    retry: Option<Duration>,
    initial_comment: Option<Bytes>,
    preamble: Option<Bytes>,
}

impl Default for StreamOptions {
    /// Keep-alive comments every 15 s, no `retry:` hint, no initial comment.
    fn default() -> Self {
        StreamOptions {
            keep_alive: Some(KeepAlive::default()),
            retry: None,
            initial_comment: None,
            preamble: None,
        }
    }
}

impl StreamOptions {
    /// Sets the keep-alive (`None`: never send one).
    pub fn keep_alive(mut self, keep_alive: Option<KeepAlive>) -> Self {
        self.keep_alive = keep_alive;
        self
    }

    /// Sends `retry:` with this reconnection time when the stream starts.
    pub fn retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self.rebuild_preamble()
    }

    /// Sends this comment first, so proxies see bytes (and flush headers) at once.
    pub fn initial_comment(mut self, text: impl Into<Bytes>) -> Self {
        self.initial_comment = Some(text.into());
        self.rebuild_preamble()
    }

    /// The keep-alive setting.
    pub fn keep_alive_setting(&self) -> Option<&KeepAlive> {
        self.keep_alive.as_ref()
    }

    /// The `retry:` hint, if any.
    pub fn retry_hint(&self) -> Option<Duration> {
        self.retry
    }

    /// The bytes sent before anything else (encoded once, shared by every stream): the
    /// comment and `retry:` lines, with no blank line, so they join the first event's
    /// block (see the [module docs](self)).
    pub fn preamble(&self) -> Option<&Bytes> {
        self.preamble.as_ref()
    }

    fn rebuild_preamble(mut self) -> Self {
        let mut out = BytesMut::new();
        if let Some(text) = &self.initial_comment {
            out.extend_from_slice(&lines_only(&Frame::comment(text)));
        }
        if let Some(retry) = self.retry {
            out.extend_from_slice(&lines_only(&Frame::retry(retry)));
        }
        self.preamble = (!out.is_empty()).then(|| out.freeze());
        self
    }
}

/// A piece of a response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    bytes: Bytes,
    ends_frame: bool,
}

impl Chunk {
    /// A whole frame.
    pub fn frame(frame: Frame) -> Chunk {
        Chunk {
            bytes: frame.into_bytes(),
            ends_frame: true,
        }
    }

    /// Part of a frame; `ends_frame` says whether the frame is complete after it.
    pub fn part(bytes: Bytes, ends_frame: bool) -> Chunk {
        Chunk { bytes, ends_frame }
    }

    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// Whether a frame ends with this chunk (a keep-alive may follow it).
    pub fn ends_frame(&self) -> bool {
        self.ends_frame
    }

    /// The bytes, owned.
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }
}

impl From<Frame> for Chunk {
    fn from(frame: Frame) -> Chunk {
        Chunk::frame(frame)
    }
}

/// Where a [`FrameStream`] takes its bytes from: a hub subscription, or an adapter's
/// wrapper around a stream of events.
pub trait FrameSource {
    /// What a failing source reports; the stream passes it on and ends.
    type Error;

    /// The next chunk; `Ready(None)` when the source is finished. Like a `Stream`, it
    /// registers `cx`'s waker when it returns `Pending`.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, Self::Error>>>;

    /// Like [`poll_chunk`](Self::poll_chunk), but the chunk may hold several whole
    /// frames that are ready together, up to about `max_bytes`. [`FrameStream`] reads
    /// its source this way, so that a busy stream hands its HTTP layer a few large
    /// chunks instead of many small ones (hyper, for one, queues at most 16 chunks per
    /// `writev`). The default is one chunk of `poll_chunk`; a hub subscription gathers.
    fn poll_gathered(
        &mut self,
        cx: &mut Context<'_>,
        max_bytes: usize,
    ) -> Poll<Option<Result<Chunk, Self::Error>>> {
        let _ = max_bytes;
        self.poll_chunk(cx)
    }
}

impl<S: FrameSource + ?Sized> FrameSource for &mut S {
    type Error = S::Error;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, Self::Error>>> {
        (**self).poll_chunk(cx)
    }

    fn poll_gathered(
        &mut self,
        cx: &mut Context<'_>,
        max_bytes: usize,
    ) -> Poll<Option<Result<Chunk, Self::Error>>> {
        (**self).poll_gathered(cx, max_bytes)
    }
}

/// A one-shot timer of the adapter's runtime (a tokio `Sleep`, an `async-io` `Timer`,
/// …), which [`FrameStream`] re-arms for keep-alives.
///
/// `now` is the runtime's clock, so tests with a paused or fake clock work.
pub trait Timer {
    /// The current time on the timer's clock.
    fn now(&self) -> Instant;

    /// Arms the timer to fire at `deadline`, replacing any earlier arming.
    fn reset(&mut self, deadline: Instant);

    /// `Ready` once the armed deadline has passed; registers `cx`'s waker otherwise.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()>;
}

/// Bytes of whole frames a [`FrameStream`] lets its source gather into one chunk
/// (see [`FrameSource::poll_gathered`]).
pub const GATHER_BYTES: usize = 16 * 1024;

/// The body of one SSE response. See the [module docs](self) for what it sends when.
///
/// Poll it with [`poll_next`](Self::poll_next) (the shape of `Stream::poll_next`);
/// adapters wrap it in their framework's body type.
#[derive(Debug)]
pub struct FrameStream<S, T> {
    source: S,
    timer: T,
    keep_alive: Option<KeepAlive>,
    preamble: Option<Bytes>,
    /// The source is in the middle of a frame: no keep-alive may be sent now.
    in_frame: bool,
    /// When bytes were last handed out (keep-alive is due `interval` after it).
    last_sent: Instant,
    /// Bytes were handed out after `last_sent`: the clock is read once the source has
    /// nothing more (when the stream goes quiet), not for every chunk.
    sent_since_clock: bool,
    finished: bool,
}

impl<S: FrameSource, T: Timer> FrameStream<S, T> {
    /// A stream of `source`'s frames with `options`' preamble and keep-alive.
    pub fn new(source: S, mut timer: T, options: &StreamOptions) -> Self {
        let last_sent = timer.now();
        if let Some(keep_alive) = &options.keep_alive {
            timer.reset(last_sent + keep_alive.interval);
        }
        FrameStream {
            source,
            timer,
            keep_alive: options.keep_alive.clone(),
            preamble: options.preamble.clone(),
            in_frame: false,
            last_sent,
            sent_since_clock: false,
            finished: false,
        }
    }

    /// The next bytes to write; `Ready(None)` at the end.
    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, S::Error>>> {
        if self.finished {
            return Poll::Ready(None);
        }
        if let Some(preamble) = self.preamble.take() {
            return Poll::Ready(Some(Ok(self.sent(preamble))));
        }
        match self.source.poll_gathered(cx, GATHER_BYTES) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.in_frame = !chunk.ends_frame;
                Poll::Ready(Some(Ok(self.sent(chunk.bytes))))
            }
            Poll::Ready(Some(Err(error))) => {
                self.finished = true;
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(None) => {
                self.finished = true;
                Poll::Ready(None)
            }
            Poll::Pending => {
                if self.sent_since_clock {
                    self.sent_since_clock = false;
                    self.last_sent = self.timer.now();
                }
                self.poll_keep_alive(cx)
            }
        }
    }

    /// Whether the stream has ended.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// The source, mutably.
    pub fn source_mut(&mut self) -> &mut S {
        &mut self.source
    }

    /// Notes that `bytes` go out now. The time is read when the source next has nothing
    /// (see `poll_next`): a burst of frames costs one clock read, not one per frame, and
    /// silence is still counted from the end of the burst.
    fn sent(&mut self, bytes: Bytes) -> Bytes {
        self.sent_since_clock = self.keep_alive.is_some();
        bytes
    }

    /// The source has nothing: send a keep-alive if the stream has been silent for the
    /// interval. The timer is re-armed lazily (when it fires), not on every frame.
    fn poll_keep_alive(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, S::Error>>> {
        let Some(keep_alive) = &self.keep_alive else {
            return Poll::Pending;
        };
        let interval = keep_alive.interval;
        loop {
            if self.timer.poll_expired(cx).is_pending() {
                return Poll::Pending;
            }
            let due = self.last_sent + interval;
            let now = self.timer.now();
            if now < due {
                self.timer.reset(due);
                continue;
            }
            if self.in_frame {
                // Mid-frame: wait for the source; check again one interval later.
                self.timer.reset(now + interval);
                continue;
            }
            let frame = keep_alive.bytes.clone();
            self.timer.reset(now + interval);
            self.last_sent = now;
            return Poll::Ready(Some(Ok(frame)));
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::collections::VecDeque;
    use alloc::sync::Arc;
    use alloc::vec::Vec;
    use core::convert::Infallible;
    use core::task::Waker;

    use super::*;

    /// A source that yields queued chunks, then `Pending` (or the end).
    struct Queue {
        chunks: VecDeque<Chunk>,
        ended: bool,
    }

    impl FrameSource for Queue {
        type Error = Infallible;
        fn poll_chunk(&mut self, _: &mut Context<'_>) -> Poll<Option<Result<Chunk, Infallible>>> {
            match self.chunks.pop_front() {
                Some(chunk) => Poll::Ready(Some(Ok(chunk))),
                None if self.ended => Poll::Ready(None),
                None => Poll::Pending,
            }
        }
    }

    /// A timer on a clock the test moves by hand.
    struct FakeTimer {
        now: Arc<std::sync::Mutex<Instant>>,
        deadline: Option<Instant>,
    }

    impl Timer for FakeTimer {
        fn now(&self) -> Instant {
            *self.now.lock().unwrap()
        }
        fn reset(&mut self, deadline: Instant) {
            self.deadline = Some(deadline);
        }
        fn poll_expired(&mut self, _: &mut Context<'_>) -> Poll<()> {
            match self.deadline {
                Some(d) if d <= self.now() => Poll::Ready(()),
                _ => Poll::Pending,
            }
        }
    }

    struct Harness {
        clock: Arc<std::sync::Mutex<Instant>>,
        stream: FrameStream<Queue, FakeTimer>,
    }

    impl Harness {
        fn new(options: &StreamOptions, chunks: Vec<Chunk>) -> Self {
            let clock = Arc::new(std::sync::Mutex::new(Instant::now()));
            let timer = FakeTimer {
                now: clock.clone(),
                deadline: None,
            };
            let source = Queue {
                chunks: chunks.into(),
                ended: false,
            };
            Harness {
                clock,
                stream: FrameStream::new(source, timer, options),
            }
        }
        fn advance(&self, by: Duration) {
            *self.clock.lock().unwrap() += by;
        }
        /// Everything ready now, as one byte string; `None` marks the end.
        fn drain(&mut self) -> (Vec<u8>, bool) {
            let mut cx = Context::from_waker(Waker::noop());
            let mut out = Vec::new();
            loop {
                match self.stream.poll_next(&mut cx) {
                    Poll::Ready(Some(Ok(bytes))) => out.extend_from_slice(&bytes),
                    Poll::Ready(Some(Err(never))) => match never {},
                    Poll::Ready(None) => return (out, true),
                    Poll::Pending => return (out, false),
                }
            }
        }
    }

    fn frame(data: &str) -> Chunk {
        Chunk::frame(Frame::encode(&Event::from(data)))
    }

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn preamble_comes_first_then_frames() {
        let options = StreamOptions::default()
            .initial_comment("hi")
            .retry(Duration::from_millis(1500));
        let mut h = Harness::new(&options, alloc::vec![frame("a")]);
        assert_eq!(h.drain().0, b": hi\nretry: 1500\ndata: a\n\n");
    }

    #[test]
    fn keep_alive_only_after_a_full_interval_of_silence() {
        let options = StreamOptions::default().keep_alive(Some(KeepAlive::new(10 * SEC)));
        let mut h = Harness::new(&options, alloc::vec![]);
        h.advance(9 * SEC);
        assert_eq!(h.drain().0, b"");
        h.advance(SEC);
        assert_eq!(h.drain().0, b":\n");
        // A frame at t=15 pushes the next keep-alive to t=25, not t=20.
        h.advance(5 * SEC);
        h.stream.source_mut().chunks.push_back(frame("x"));
        assert_eq!(h.drain().0, b"data: x\n\n");
        h.advance(5 * SEC);
        assert_eq!(h.drain().0, b"");
        h.advance(5 * SEC);
        assert_eq!(h.drain().0, b":\n");
    }

    #[test]
    fn no_keep_alive_inside_a_frame() {
        let options = StreamOptions::default().keep_alive(Some(KeepAlive::new(SEC)));
        let first = Chunk::part(Bytes::from_static(b"data: part"), false);
        let mut h = Harness::new(&options, alloc::vec![first]);
        assert_eq!(h.drain().0, b"data: part");
        h.advance(5 * SEC);
        assert_eq!(h.drain().0, b"", "keep-alive would corrupt the open frame");
        h.stream
            .source_mut()
            .chunks
            .push_back(Chunk::part(Bytes::from_static(b"\n\n"), true));
        assert_eq!(h.drain().0, b"\n\n");
        h.advance(SEC);
        assert_eq!(h.drain().0, b":\n");
    }

    #[test]
    fn named_keep_alive_event_and_disabled_keep_alive() {
        let heartbeat = KeepAlive::new(SEC).event(EventType::new("heartbeat").unwrap());
        let mut h = Harness::new(
            &StreamOptions::default().keep_alive(Some(heartbeat)),
            alloc::vec![],
        );
        h.advance(SEC);
        assert_eq!(h.drain().0, b"event: heartbeat\ndata: \n\n");

        let mut h = Harness::new(&StreamOptions::default().keep_alive(None), alloc::vec![]);
        h.advance(3600 * SEC);
        assert_eq!(h.drain().0, b"");
    }

    #[test]
    fn ends_with_the_source() {
        let mut h = Harness::new(&StreamOptions::default(), alloc::vec![frame("z")]);
        h.stream.source_mut().ended = true;
        assert_eq!(h.drain(), (b"data: z\n\n".to_vec(), true));
        assert!(h.stream.is_finished());
        assert_eq!(h.drain(), (Vec::new(), true));
    }
}
