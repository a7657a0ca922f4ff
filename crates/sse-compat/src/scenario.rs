//! The server side of the scenario, shared by every adapter: what each `/events`
//! request streams.
//!
//! - A request without `Last-Event-ID` gets the [`FIRST`](crate::script::FIRST)
//!   events, then the body ends cleanly (a server-side disconnect).
//! - When that body ends, the [`AWAY`](crate::script::AWAY) events are published: the
//!   client is away, so it gets them only from the replay.
//! - A request with `Last-Event-ID` resumes after that id, then gets the `resumed`
//!   event (which reports the header the server saw) and `done`; the body then stays
//!   open until the client leaves.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use sse_core::stream::{Chunk, FrameSource};
use sse_core::{EventId, FieldError, Frame};

use crate::script;

/// The scenario's state; cheap to clone, one per server.
#[derive(Clone, Debug, Default)]
pub struct Scenario {
    published: Arc<Mutex<Vec<(EventId, Frame)>>>,
}

impl Scenario {
    /// A scenario with nothing published yet.
    pub fn new() -> Scenario {
        Scenario::default()
    }

    /// What to stream for an `/events` request with this `Last-Event-ID`.
    pub fn connect(&self, last_event_id: Option<EventId>) -> Result<Connection, FieldError> {
        match last_event_id {
            None => {
                self.publish(script::FIRST.iter().map(|s| s.to_event()))?;
                Ok(Connection {
                    frames: self.after(None),
                    end: End::Close(Some(self.clone())),
                })
            }
            Some(id) => {
                self.publish([script::resumed(Some(id.as_str())), script::DONE.to_event()])?;
                Ok(Connection {
                    frames: self.after(Some(&id)),
                    end: End::StayOpen,
                })
            }
        }
    }

    fn publish(
        &self,
        events: impl IntoIterator<Item = Result<sse_core::Event, FieldError>>,
    ) -> Result<(), FieldError> {
        let mut published = self
            .published
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for event in events {
            let event = event?;
            let id = event.id().cloned().unwrap_or_else(EventId::empty);
            published.push((id, Frame::encode(&event)));
        }
        Ok(())
    }

    fn after(&self, id: Option<&EventId>) -> VecDeque<Frame> {
        let published = self
            .published
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let start = id
            .and_then(|id| published.iter().position(|(seen, _)| seen == id))
            .map_or(0, |at| at + 1);
        published
            .iter()
            .skip(start)
            .map(|(_, f)| f.clone())
            .collect()
    }

    fn first_connection_ended(&self) {
        // A script constant that does not build is caught by the unit tests.
        let _ = self.publish(script::AWAY.iter().map(|s| s.to_event()));
    }
}

/// What happens after a connection's frames.
#[derive(Debug)]
enum End {
    /// End the body; then publish the events of the client's absence.
    Close(Option<Scenario>),
    /// Keep the body open until the client leaves.
    StayOpen,
}

/// The frames of one `/events` response: a [`FrameSource`] and a `Stream` of
/// [`Frame`]s, so that every adapter can take it through its public API.
#[derive(Debug)]
pub struct Connection {
    frames: VecDeque<Frame>,
    end: End,
}

impl Connection {
    fn poll_frame(&mut self) -> Poll<Option<Frame>> {
        if let Some(frame) = self.frames.pop_front() {
            return Poll::Ready(Some(frame));
        }
        match &mut self.end {
            End::Close(scenario) => {
                if let Some(scenario) = scenario.take() {
                    scenario.first_connection_ended();
                }
                Poll::Ready(None)
            }
            End::StayOpen => Poll::Pending,
        }
    }
}

impl FrameSource for Connection {
    type Error = Infallible;

    fn poll_chunk(&mut self, _cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, Infallible>>> {
        self.poll_frame()
            .map(|frame| frame.map(|f| Ok(Chunk::frame(f))))
    }
}

impl futures_core::Stream for Connection {
    type Item = Frame;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Frame>> {
        self.get_mut().poll_frame()
    }
}
