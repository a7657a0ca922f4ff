//! warp binding of the SSE toolkit.
//!
//! Work in progress: see the project issues.
#![forbid(unsafe_code)]
