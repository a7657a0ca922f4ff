//! Test support: a loopback server, clients (raw HTTP and sse-tokio's), hand-fed
//! event streams.
#![allow(dead_code)]

pub mod client;
pub mod feed;
pub mod limited;
pub mod raw;
pub mod server;
