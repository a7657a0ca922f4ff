//! A stream of events the test feeds by hand, which reports when it is dropped: the
//! test sends events (or errors) one at a time and learns when the server let go of
//! the stream (the client went away, or the response ended).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use futures_util::StreamExt;
//! use sse_core::Event;
//!
//! let (feeder, slot) = sse_testkit::feed::feed();
//! // In the handler: the first request takes the stream.
//! let mut stream = Box::pin(slot.take());
//! feeder.events.send(Ok(Event::new("one"))).unwrap();
//! assert_eq!(stream.next().await.unwrap().unwrap().data(), Some(&b"one"[..]));
//! drop(stream);
//! assert!(feeder.dropped.await.is_err(), "the drop is reported");
//! # }
//! ```

use std::sync::{Arc, Mutex};

use futures_core::Stream;
use sse_core::Event;
use tokio::sync::{mpsc, oneshot};

/// The test's end: send events, learn when the server dropped the stream.
pub struct Feeder {
    /// Sends the stream's next item; an `Err` makes the server end the response.
    pub events: mpsc::UnboundedSender<Result<Event, std::io::Error>>,
    /// Resolves (with `Err`, the sender being gone) once the stream is dropped.
    pub dropped: oneshot::Receiver<()>,
}

/// The handler's end, shareable as app data; the first request takes the stream.
#[derive(Clone)]
pub struct FeedSlot(Arc<Mutex<Option<Feed>>>);

struct Feed {
    events: mpsc::UnboundedReceiver<Result<Event, std::io::Error>>,
    /// Never sent on: dropping it with the stream resolves the feeder's `dropped`.
    _on_drop: oneshot::Sender<()>,
}

/// A new feed: the test's end and the handler's end.
pub fn feed() -> (Feeder, FeedSlot) {
    let (events_tx, events) = mpsc::unbounded_channel();
    let (on_drop, dropped) = oneshot::channel();
    let feeder = Feeder {
        events: events_tx,
        dropped,
    };
    let slot = FeedSlot(Arc::new(Mutex::new(Some(Feed {
        events,
        _on_drop: on_drop,
    }))));
    (feeder, slot)
}

impl FeedSlot {
    /// The stream (once; a second call panics); its drop resolves the feeder's
    /// `dropped`.
    pub fn take(&self) -> impl Stream<Item = Result<Event, std::io::Error>> + use<> {
        let feed = self.0.lock().unwrap().take().expect("feed taken twice");
        futures_util::stream::unfold(feed, |mut feed| async move {
            let item = feed.events.recv().await?;
            Some((item, feed))
        })
    }
}
