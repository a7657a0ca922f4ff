//! Why a client could not be built.

use std::error::Error;
use std::fmt;

/// Why an [`EventSource`](super::EventSource) could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The URL does not parse, or is not `http:`/`https:`.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An extra request header has an invalid name or value.
    InvalidHeader {
        /// The header name as given.
        name: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidUrl { url, reason } => write!(f, "invalid URL {url:?}: {reason}"),
            BuildError::InvalidHeader { name } => write!(f, "invalid request header {name:?}"),
        }
    }
}

impl Error for BuildError {}
