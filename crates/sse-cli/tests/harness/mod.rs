//! Running `sse` as a real process and talking HTTP to it over loopback, for the
//! end-to-end tests. Every wait is bounded by [`TIMEOUT`].
#![allow(dead_code)]

pub mod browser;
pub mod fake;
pub mod http;
pub mod process;

use std::time::Duration;

/// The longest any single wait in a test may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);
