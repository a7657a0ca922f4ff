//! What every adapter must do on the wire, written once and run by each adapter's
//! tests against its own server: a test sets up the route a scenario names, then hands
//! the scenario the server's address (and the hub or feed behind the route).
//!
//! | module | checks |
//! |---|---|
//! | [`stream`] | a response over a `Stream` of events: headers, byte-exact frames, keep-alive, errors, disconnects, `Last-Event-ID` |
//! | `hub` (feature `client`) | hub-backed responses read by sse-tokio's client: topics, resumption, freed subscriptions, refusals |

#[cfg(feature = "client")]
pub mod hub;
pub mod stream;
