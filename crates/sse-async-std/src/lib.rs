//! futures-io binding of the SSE toolkit: runs on async-std and smol.
//!
//! Work in progress: see the project issues.
#![forbid(unsafe_code)]
