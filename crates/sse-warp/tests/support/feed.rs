//! A stream of events the test feeds by hand, which reports when it is dropped.

use std::sync::{Arc, Mutex};

use futures_core::Stream;
use sse_core::Event;
use tokio::sync::{mpsc, oneshot};

/// The test's end: send events, learn when the server dropped the stream.
pub struct Feeder {
    pub events: mpsc::UnboundedSender<Result<Event, std::io::Error>>,
    pub dropped: oneshot::Receiver<()>,
}

/// The handler's end, shareable as app data; the first request takes the stream.
#[derive(Clone)]
pub struct FeedSlot(Arc<Mutex<Option<Feed>>>);

struct Feed {
    events: mpsc::UnboundedReceiver<Result<Event, std::io::Error>>,
    on_drop: oneshot::Sender<()>,
}

pub fn feed() -> (Feeder, FeedSlot) {
    let (events_tx, events) = mpsc::unbounded_channel();
    let (on_drop, dropped) = oneshot::channel();
    let feeder = Feeder {
        events: events_tx,
        dropped,
    };
    let slot = FeedSlot(Arc::new(Mutex::new(Some(Feed { events, on_drop }))));
    (feeder, slot)
}

impl FeedSlot {
    /// The stream (once); its drop resolves the feeder's `dropped`.
    pub fn take(&self) -> impl Stream<Item = Result<Event, std::io::Error>> + use<> {
        let feed = self.0.lock().unwrap().take().expect("feed taken twice");
        futures_util::stream::unfold(feed, |mut feed| async move {
            let item = feed.events.recv().await?;
            Some((item, feed))
        })
    }
}
