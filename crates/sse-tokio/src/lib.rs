//! tokio, hyper and http-body binding of the SSE toolkit: response bodies for hyper, axum and tonic, the EventSource client, codecs.
//!
//! Work in progress: see the project issues.
#![forbid(unsafe_code)]
