//! Redis Streams replay store for the SSE toolkit hub, for several server processes.
//!
//! Work in progress: see the project issues.
#![forbid(unsafe_code)]
