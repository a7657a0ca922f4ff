//! [`StreamReader`]: the decoder, plus the last event ID that outlives connections.

use crate::decode::{DecodeError, Decoded, Decoder, Limits};
use crate::event::EventId;

/// Decodes the streams of successive connections and keeps the last event ID.
///
/// The decoder is the authority on the last event ID (an `id` field takes effect when
/// its block ends, even a block without data). To resume from an id known from
/// elsewhere, the reader feeds the decoder a block holding just that id, which sets
/// it exactly as a server's would; `restart` keeps it for the next connection.
#[derive(Debug)]
pub(super) struct StreamReader {
    decoder: Decoder,
    /// The last event ID as the machine reports it.
    last_event_id: EventId,
    /// The decoder's last event ID when it was last looked at: the machine's value
    /// changes only when the decoder's does, so an id the decoder could not take
    /// (see [`StreamReader::resume_from`]) survives until the stream sets one.
    seen: EventId,
}

impl StreamReader {
    pub(super) fn new(limits: Limits) -> Self {
        StreamReader {
            decoder: Decoder::with_limits(limits),
            last_event_id: EventId::empty(),
            seen: EventId::empty(),
        }
    }

    pub(super) fn last_event_id(&self) -> &EventId {
        &self.last_event_id
    }

    /// Makes `id` the last event ID, as if a stream had set it.
    ///
    /// An id longer than the decoder's line limit cannot go through the decoder; it
    /// is still sent on the next connection and kept until the stream sets an id of
    /// its own (an empty `id` from the server cannot be told apart in that case).
    pub(super) fn resume_from(&mut self, id: EventId) {
        let limits = self.decoder.limits();
        self.decoder.feed(b"id: ");
        self.decoder.feed(id.as_bytes());
        self.decoder.feed(b"\n\n");
        let accepted = core::iter::from_fn(|| self.decoder.next_item()).all(|item| item.is_ok());
        if accepted {
            self.seen = id.clone();
        } else {
            self.decoder = Decoder::with_limits(limits);
            self.seen = EventId::empty();
        }
        self.last_event_id = id;
    }

    /// Prepares for a new connection's stream: whatever the previous one left
    /// unfinished (a cut line, an event without its blank line, and any `id` in it)
    /// is dropped, as at the end of a stream; the last event ID is kept.
    pub(super) fn restart(&mut self) {
        self.decoder.restart();
    }

    /// Decodes `bytes`, handing every complete item to `sink` in order. Stops at the
    /// first error; items before it have been handed over.
    pub(super) fn read(
        &mut self,
        bytes: &[u8],
        sink: impl FnMut(Decoded),
    ) -> Result<(), DecodeError> {
        self.decoder.feed(bytes);
        self.drain(sink)
    }

    fn drain(&mut self, mut sink: impl FnMut(Decoded)) -> Result<(), DecodeError> {
        let result = loop {
            match self.decoder.next_item() {
                Some(Ok(item)) => sink(item),
                Some(Err(error)) => break Err(error),
                None => break Ok(()),
            }
        };
        self.sync_last_event_id();
        result
    }

    fn sync_last_event_id(&mut self) {
        let current = self.decoder.last_event_id();
        if *current != self.seen {
            self.seen = current.clone();
            self.last_event_id = current.clone();
        }
    }
}
