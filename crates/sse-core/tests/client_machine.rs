//! The client state machine, driven through every transition with fake instants (one
//! real base `Instant` plus offsets): no sockets, no sleeping.
// The hub and the client state machine need the `std` feature.
#![cfg(feature = "std")]

#[path = "client_machine/backoff.rs"]
mod backoff;
#[path = "client_machine/items.rs"]
mod items;
#[path = "client_machine/lifecycle.rs"]
mod lifecycle;
#[path = "client_machine/properties.rs"]
mod properties;
#[path = "client_machine/responses.rs"]
mod responses;
#[path = "client_machine/scripted.rs"]
mod scripted;
#[path = "client_machine/stream.rs"]
mod stream;
#[path = "client_machine/support.rs"]
mod support;
