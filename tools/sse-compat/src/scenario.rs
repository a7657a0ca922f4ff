//! The server side of the scenario, shared by every adapter: a [`Hub`] and what each
//! `/events` request streams from it.
//!
//! - A request without `Last-Event-ID` subscribes; once the subscription is idle the
//!   [`FIRST`](crate::script::FIRST) events are published (so they arrive live); after
//!   those the body ends cleanly: a server-side disconnect.
//! - When that body ends, the [`AWAY`](crate::script::AWAY) events are published: the
//!   client is away, so it can only get them from the hub's replay.
//! - A request with `Last-Event-ID` subscribes from that id (the replay); once it has
//!   caught up, the `resumed` event (reporting the header the server saw) and `done`
//!   are published live. The body then stays open until the client leaves.
//!
//! The hub's ids are `compat-0`, `compat-1`, … (a fixed epoch), so the expected record
//! can name them.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use sse_adapters::{BoxSource, Refusal, Route};
use sse_core::hub::{Epoch, PublishError, SubscribeError, Subscription, Topic, TopicFilter};
use sse_core::response::SseResponse;
use sse_core::stream::{Chunk, FrameSource, StreamOptions};
use sse_core::subscribe::last_event_id;
use sse_core::{Event, EventId, FieldError, Frame, Hub};

use crate::script;

/// The hub's epoch: `compat` in base 36, so ids read `compat-N`.
const EPOCH: u64 = 766_964_117;

/// The topic everything is published on.
const TOPIC: &str = "compat";

/// The scenario's state: the hub. Cheap to clone, one per server process.
#[derive(Clone, Debug)]
pub struct Scenario {
    hub: Hub,
    topic: Topic,
}

/// Why a request could not be served.
#[derive(Debug)]
pub enum ScenarioError {
    /// A scripted event is malformed (a bug in the script).
    Script(FieldError),
    /// The hub refused the subscription.
    Subscribe(SubscribeError),
    /// The hub refused an event.
    Publish(PublishError),
}

impl Scenario {
    /// A scenario with a fresh hub, which tells streams to reconnect after
    /// [`script::RETRY`].
    pub fn new() -> Result<Scenario, String> {
        let hub = Hub::builder()
            .epoch(Epoch::new(EPOCH))
            .stream_options(StreamOptions::default().retry(script::RETRY))
            .build();
        let topic = Topic::new(TOPIC).map_err(|e| e.to_string())?;
        Ok(Scenario { hub, topic })
    }

    /// The hub, for adapters that take its stream options.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// What to stream for an `/events` request with this `Last-Event-ID`.
    pub fn connect(&self, last_event_id: Option<EventId>) -> Result<Connection, ScenarioError> {
        let subscription = self
            .hub
            .subscribe_from(TopicFilter::all(), last_event_id.as_ref())
            .map_err(ScenarioError::Subscribe)?;
        let (plan, when_idle) = match &last_event_id {
            None => {
                let plan = Plan::First {
                    left: script::FIRST.len(),
                    away: built(&script::AWAY)?,
                };
                (plan, built(&script::FIRST)?)
            }
            Some(id) => {
                let resumed = script::resumed(Some(id.as_str())).map_err(ScenarioError::Script)?;
                let done = script::DONE.to_event().map_err(ScenarioError::Script)?;
                (Plan::Resumed, vec![resumed, done])
            }
        };
        Ok(Connection {
            scenario: self.clone(),
            subscription: Some(subscription),
            plan,
            when_idle,
        })
    }

    /// The `/events` route of every adapter: each request's `Last-Event-ID` (header,
    /// then `?lastEventId=`) picks its [`Connection`], streamed with the hub's
    /// options; `400` for an invalid id, `500` when the scenario cannot run.
    pub fn route(&self) -> Route {
        let scenario = self.clone();
        Route::new(move |query, header| {
            let last = last_event_id(header, query)?;
            let connection = scenario.connect(last).map_err(|e| Refusal {
                status: 500,
                message: e.to_string(),
            })?;
            let options = scenario.hub.stream_options().clone();
            Ok(SseResponse::new(BoxSource::new(connection)).with_options(options))
        })
    }

    fn publish(&self, events: Vec<Event>) -> Result<(), PublishError> {
        for event in events {
            self.hub.publish(&self.topic, event)?;
        }
        Ok(())
    }
}

fn built(scripted: &[script::Scripted]) -> Result<Vec<Event>, ScenarioError> {
    scripted
        .iter()
        .map(|s| s.to_event().map_err(ScenarioError::Script))
        .collect()
}

/// What a connection does besides relaying its subscription.
#[derive(Debug)]
enum Plan {
    /// The first connection: ends after `left` more frames, then publishes `away`.
    First { left: usize, away: Vec<Event> },
    /// The reconnection: stays open.
    Resumed,
}

/// The frames of one `/events` response: a [`FrameSource`], and a `Stream` of
/// `Result<Frame, PublishError>`, so every adapter can take it through its public API
/// (as a source for a hub-style body, or as a stream of frames).
#[derive(Debug)]
pub struct Connection {
    scenario: Scenario,
    /// `None` once the body has ended.
    subscription: Option<Subscription>,
    plan: Plan,
    /// Published the first time the subscription has nothing ready.
    when_idle: Vec<Event>,
}

impl Connection {
    fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame, PublishError>>> {
        if let Plan::First { left: 0, .. } = self.plan {
            return Poll::Ready(self.end_first().err().map(Err));
        }
        let Some(subscription) = &mut self.subscription else {
            return Poll::Ready(None);
        };
        loop {
            match subscription.poll_frame(cx) {
                Poll::Ready(Some(frame)) => {
                    if let Plan::First { left, .. } = &mut self.plan {
                        *left = left.saturating_sub(1);
                    }
                    return Poll::Ready(Some(Ok(frame)));
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending if self.when_idle.is_empty() => return Poll::Pending,
                Poll::Pending => {
                    let events = std::mem::take(&mut self.when_idle);
                    if let Err(e) = self.scenario.publish(events) {
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
        }
    }

    /// Ends the first body and publishes what the client will miss while away.
    fn end_first(&mut self) -> Result<(), PublishError> {
        let away = match &mut self.plan {
            Plan::First { away, .. } => std::mem::take(away),
            Plan::Resumed => Vec::new(),
        };
        match self.subscription.take() {
            Some(_) => self.scenario.publish(away),
            None => Ok(()),
        }
    }
}

impl FrameSource for Connection {
    type Error = PublishError;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, PublishError>>> {
        self.poll_frame(cx)
            .map(|item| item.map(|r| r.map(Chunk::frame)))
    }
}

impl futures_core::Stream for Connection {
    type Item = Result<Frame, PublishError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_frame(cx)
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Script(e) => write!(f, "scripted event: {e}"),
            ScenarioError::Subscribe(e) => write!(f, "subscribe: {e}"),
            ScenarioError::Publish(e) => write!(f, "publish: {e}"),
        }
    }
}

impl std::error::Error for ScenarioError {}
