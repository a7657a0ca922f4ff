//! poem binding of the SSE toolkit. Everything protocol-level (encoding, the hub,
//! topics, resume, keep-alive scheduling, statuses) comes from [`sse_core`]; this crate
//! is poem's traits over it.
//!
//! A hub endpoint with topics (`?topics=`), resume (`Last-Event-ID` or
//! `?lastEventId=`), keep-alives, and `400`/`503` answers:
//!
//! ```
//! use poem::{Route, get};
//! let hub = sse_core::Hub::new();
//! let app = Route::new().at("/events", get(sse_poem::hub_endpoint(hub)));
//! ```
//!
//! (`examples/poem_hub.rs` runs it and publishes.) A handler of your own returns
//! [`Sse`], made from a hub subscription or any `Stream` of events:
//!
//! ```
//! use poem::handler;
//! use poem::web::Data;
//! use sse_core::hub::{Hub, Subscription, TopicFilter};
//! use sse_poem::{LastEventId, Sse, Topics};
//!
//! #[handler]
//! fn events(hub: Data<&Hub>, LastEventId(last): LastEventId, Topics(topics): Topics) -> poem::Result<Sse<Subscription>> {
//!     let filter = topics.unwrap_or_else(TopicFilter::all);
//!     let subscription = hub.subscribe_from(filter, last.as_ref()).map_err(|e| poem::Error::new(e, poem::http::StatusCode::SERVICE_UNAVAILABLE))?;
//!     Ok(Sse::from(subscription).retry(std::time::Duration::from_secs(2)))
//! }
//! ```
//!
//! | name | what it is |
//! |---|---|
//! | [`Sse`] | the response (`IntoResponse`): from a hub subscription or any event stream, with `.keep_alive(..)`, `.retry(..)`, `.comment(..)` |
//! | [`LastEventId`] | extractor: the resume point (header, then query); `400` for an invalid id |
//! | [`Topics`] | extractor: the `?topics=` list; `400` for a bad entry |
//! | [`hub_endpoint`] | a poem `Endpoint` subscribing each request to a hub |
//! | [`SseRejection`] | a refused request (`ResponseError`): `400` or `503` with the reason as text |
//!
//! # Features
//! `tracing` (off by default): the hub's spans and events (see sse-core). Otherwise
//! the crate needs only poem (no default features) and sse-tokio's body and timer.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod extract;
mod response;

pub use extract::{HubEndpoint, LastEventId, SseRejection, Topics, hub_endpoint};
pub use response::Sse;
pub use sse_core;
