//! Test support: a loopback server, a raw HTTP client, a hand-fed event stream.
#![allow(dead_code)]

pub mod feed;
pub mod raw;
pub mod server;
