//! The response half of the adapter contract: [`SseResponse`], everything an
//! event-stream response is before a framework turns it into bytes on a socket.
//!
//! An SSE response is a status (`200`), a fixed list of [`HEADERS`], and a body of
//! frames from a source (a hub [`Subscription`], or an [`EventStream`] over any
//! `Stream` of events) shaped by [`StreamOptions`] (preamble, keep-alive). Adapters
//! wrap this type in their framework's response trait and supply a [`Timer`]; they
//! decide nothing else. Each adapter's `Sse<S>` is declared by
//! [`define_sse!`](crate::define_sse), so every framework offers the same builder.
//!
//! ```
//! use std::time::Duration;
//! use sse_core::hub::{Hub, TopicFilter};
//! use sse_core::response::SseResponse;
//! use sse_core::stream::KeepAlive;
//!
//! let hub = Hub::new();
//! let response = SseResponse::from(hub.subscribe(TopicFilter::all())?)
//!     .keep_alive(KeepAlive::new(Duration::from_secs(5)))
//!     .retry(Duration::from_secs(2));
//! assert_eq!(response.options().retry_hint(), Some(Duration::from_secs(2)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

use crate::hub::Subscription;
use crate::source::{EventStream, SseItem};
use crate::stream::{FrameSource, FrameStream, KeepAlive, StreamOptions, Timer};

/// The response headers every adapter sends, lower-case, in this order:
///
/// | header | why |
/// |---|---|
/// | `content-type: text/event-stream` | what makes it an event stream |
/// | `cache-control: no-cache` | no cache may store or replay a live stream |
/// | `x-accel-buffering: no` | nginx (and proxies that copy it) pass each frame on at once |
/// | `content-encoding: identity` | compression middlewares that look only at this header (actix-web's `Compress`, tower-http's `CompressionLayer`) leave the stream alone instead of holding frames in their encoder |
///
/// `content-encoding: identity` is the one choice to know about: RFC 9110 reserves
/// `identity` for `Accept-Encoding`, but every client in the compatibility matrix
/// (browsers, Node, curl, both of this toolkit's clients) accepts it, and without it a
/// compressing middleware silently turns a live stream into a buffered one. No
/// `content-length` is ever sent.
pub const HEADERS: [(&str, &str); 4] = [
    ("content-type", crate::http::CONTENT_TYPE),
    ("cache-control", "no-cache"),
    ("x-accel-buffering", "no"),
    ("content-encoding", "identity"),
];

/// An event-stream response before a framework sends it: the source of frames and
/// the [`StreamOptions`] that shape the body. The status is always `200 OK` and the
/// headers are [`HEADERS`].
#[derive(Debug)]
pub struct SseResponse<S> {
    source: S,
    options: StreamOptions,
}

impl<S: FrameSource> SseResponse<S> {
    /// A response of `source`'s frames with the default options (a keep-alive comment
    /// every 15 s, no `retry:` hint).
    pub fn new(source: S) -> Self {
        SseResponse {
            source,
            options: StreamOptions::default(),
        }
    }
}

impl<S> SseResponse<S> {
    /// Sends a keep-alive comment whenever the stream has been idle this long (only
    /// between whole frames).
    pub fn keep_alive(mut self, keep_alive: KeepAlive) -> Self {
        self.options = self.options.keep_alive(Some(keep_alive));
        self
    }

    /// Never sends keep-alives.
    pub fn no_keep_alive(mut self) -> Self {
        self.options = self.options.keep_alive(None);
        self
    }

    /// Tells the client, when the stream starts, to wait this long before reconnecting.
    pub fn retry(mut self, retry: Duration) -> Self {
        self.options = self.options.retry(retry);
        self
    }

    /// Sends this comment when the stream starts (so proxies see bytes at once).
    pub fn comment(mut self, text: impl Into<Bytes>) -> Self {
        self.options = self.options.initial_comment(text);
        self
    }

    /// Replaces every option (keep-alive, `retry:` hint, initial comment) at once.
    pub fn with_options(mut self, options: StreamOptions) -> Self {
        self.options = options;
        self
    }

    /// The options.
    pub fn options(&self) -> &StreamOptions {
        &self.options
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// The source, mutably.
    pub fn source_mut(&mut self) -> &mut S {
        &mut self.source
    }

    /// The source and the options.
    pub fn into_parts(self) -> (S, StreamOptions) {
        (self.source, self.options)
    }

    /// The body's frames on `timer`: what an adapter's body polls.
    pub fn into_frames<T: Timer>(self, timer: T) -> FrameStream<S, T>
    where
        S: FrameSource,
    {
        FrameStream::new(self.source, timer, &self.options)
    }
}

impl<St> SseResponse<EventStream<St>>
where
    St: Stream,
    St::Item: SseItem,
{
    /// A response of any `Stream` of events (or frames, reader events, or `Result`s
    /// of them; an `Err` item aborts the response, see [`SseItem`]).
    pub fn from_stream(stream: St) -> Self {
        SseResponse::new(EventStream::new(stream))
    }
}

impl From<Subscription> for SseResponse<Subscription> {
    /// A response of a hub subscription, with its hub's stream options.
    fn from(subscription: Subscription) -> Self {
        let options = subscription.stream_options().clone();
        SseResponse::new(subscription).with_options(options)
    }
}

impl<St> From<St> for SseResponse<EventStream<St>>
where
    St: Stream,
    St::Item: SseItem,
{
    fn from(stream: St) -> Self {
        SseResponse::from_stream(stream)
    }
}

/// Declares an adapter's `Sse<S>` response type: a newtype over [`SseResponse`] with
/// the same constructors and builder methods in every framework, so that switching
/// frameworks means changing imports only. The adapter then implements its
/// framework's response trait for `Sse<S>` (taking the parts with `into_inner`).
///
/// ```
/// use sse_core::hub::{Hub, TopicFilter};
///
/// sse_core::define_sse!();
///
/// let hub = Hub::new();
/// let sse = Sse::from(hub.subscribe(TopicFilter::all())?).retry(std::time::Duration::from_secs(1));
/// let (_subscription, options) = sse.into_inner().into_parts();
/// assert!(options.retry_hint().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! define_sse {
    () => {
        /// An event-stream response: `200 OK`, the standard headers
        /// (`sse_core::response::HEADERS`), and a body of `S`'s frames (a hub
        /// subscription, or any stream of events) with keep-alives between whole frames.
        ///
        /// Made `From` a hub subscription (with the hub's stream options) or from any
        /// `Stream` of events, frames, reader events or `Result`s of them
        /// ([`Sse::from_stream`]); shaped with [`Sse::keep_alive`], [`Sse::retry`] and
        /// [`Sse::comment`].
        #[derive(Debug)]
        #[must_use = "a response does nothing until it is returned from a handler"]
        pub struct Sse<S>($crate::response::SseResponse<S>);

        impl<S: $crate::stream::FrameSource> Sse<S> {
            /// A response of `source`'s frames with the default options (a keep-alive
            /// comment every 15 s, no `retry:` hint).
            pub fn new(source: S) -> Self {
                Sse($crate::response::SseResponse::new(source))
            }
        }

        impl<St> Sse<$crate::source::EventStream<St>>
        where
            St: $crate::__private::Stream,
            St::Item: $crate::source::SseItem,
        {
            /// A response of any `Stream` of events (or frames, reader events, or
            /// `Result`s of them; an `Err` item aborts the response so the client
            /// reconnects).
            pub fn from_stream(stream: St) -> Self {
                Sse($crate::response::SseResponse::from_stream(stream))
            }
        }

        impl<S> Sse<S> {
            /// Sends a keep-alive comment whenever the stream has been idle this long
            /// (only between whole frames).
            pub fn keep_alive(self, keep_alive: $crate::stream::KeepAlive) -> Self {
                Sse(self.0.keep_alive(keep_alive))
            }

            /// Never sends keep-alives.
            pub fn no_keep_alive(self) -> Self {
                Sse(self.0.no_keep_alive())
            }

            /// Tells the client, when the stream starts, to wait this long before
            /// reconnecting.
            pub fn retry(self, retry: $crate::__private::Duration) -> Self {
                Sse(self.0.retry(retry))
            }

            /// Replaces every option (keep-alive, `retry:` hint, initial comment) at
            /// once.
            pub fn with_options(self, options: $crate::stream::StreamOptions) -> Self {
                Sse(self.0.with_options(options))
            }

            /// Sends this comment when the stream starts.
            pub fn comment(self, text: impl Into<$crate::__private::Bytes>) -> Self {
                Sse(self.0.comment(text))
            }

            /// The source (for a hub subscription: `sse.source().replay()` tells how
            /// its resume went).
            pub fn source(&self) -> &S {
                self.0.source()
            }

            /// The response description, for the framework glue.
            pub fn into_inner(self) -> $crate::response::SseResponse<S> {
                self.0
            }
        }

        impl<S> ::core::convert::From<$crate::response::SseResponse<S>> for Sse<S> {
            fn from(response: $crate::response::SseResponse<S>) -> Self {
                Sse(response)
            }
        }

        impl ::core::convert::From<$crate::hub::Subscription> for Sse<$crate::hub::Subscription> {
            /// A response of a hub subscription, with its hub's stream options.
            fn from(subscription: $crate::hub::Subscription) -> Self {
                Sse(subscription.into())
            }
        }

        impl<St> ::core::convert::From<St> for Sse<$crate::source::EventStream<St>>
        where
            St: $crate::__private::Stream,
            St::Item: $crate::source::SseItem,
        {
            fn from(stream: St) -> Self {
                Sse::from_stream(stream)
            }
        }
    };
}

/// Declares `SseRejection`, an adapter's error for a refused subscribe request: a
/// [`Rejection`](crate::subscribe::Rejection) in a local newtype, so the adapter can
/// implement its framework's error or response trait for it (the orphan rule forbids
/// that on sse-core's type). Every adapter calls it once; the newtype has the same
/// shape everywhere: `From<Rejection>`, `Display` (the reason) and `Error` (with the
/// rejection as its source), and [`status`](crate::subscribe::Rejection::status)
/// through the field.
///
/// ```
/// sse_core::define_rejection!();
///
/// let rejection = SseRejection::from(sse_core::subscribe::topics(Some("topics=a//b")).unwrap_err());
/// assert_eq!(rejection.0.status(), 400);
/// assert!(std::error::Error::source(&rejection).is_some());
/// ```
#[macro_export]
macro_rules! define_rejection {
    () => {
        /// A subscribe request that cannot be served: bad topics or `Last-Event-ID`
        /// (`400`), or a hub that is full or closed (`503`). The response carries the
        /// status and the reason as `text/plain`.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct SseRejection(pub $crate::subscribe::Rejection);

        impl ::core::convert::From<$crate::subscribe::Rejection> for SseRejection {
            fn from(rejection: $crate::subscribe::Rejection) -> Self {
                SseRejection(rejection)
            }
        }

        impl ::core::fmt::Display for SseRejection {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::core::error::Error for SseRejection {
            fn source(&self) -> ::core::option::Option<&(dyn ::core::error::Error + 'static)> {
                ::core::option::Option::Some(&self.0)
            }
        }
    };
}
