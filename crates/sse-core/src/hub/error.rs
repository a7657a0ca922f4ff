//! What publishing and subscribing report when they cannot proceed.

use core::fmt;

use super::store::{Position, StoreError};

/// Why an event was not published.
#[derive(Debug)]
#[non_exhaustive]
pub enum PublishError {
    /// The hub is closed.
    Closed,
    /// The store could not stamp the event (see [`ReplayStore`](super::ReplayStore)).
    Store(StoreError),
    /// The event's position is not after the newest event's: replay needs ids in
    /// order. Only a store or [`Hub::ingest`](super::Hub::ingest) caller that breaks
    /// this rule sees it.
    OutOfOrder {
        /// The rejected position.
        position: Position,
        /// The newest position in the hub.
        newest: Position,
    },
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublishError::Closed => f.write_str("the hub is closed"),
            PublishError::Store(e) => write!(f, "cannot publish: {e}"),
            PublishError::OutOfOrder { position, newest } => write!(
                f,
                "event position {}-{} is not after the newest {}-{}",
                position.major(),
                position.minor(),
                newest.major(),
                newest.minor()
            ),
        }
    }
}

impl std::error::Error for PublishError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PublishError::Store(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StoreError> for PublishError {
    fn from(e: StoreError) -> Self {
        PublishError::Store(e)
    }
}

/// Why a subscription was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubscribeError {
    /// The hub is closed.
    Closed,
    /// The hub has its configured maximum of subscribers.
    Full {
        /// That maximum.
        max: usize,
    },
}

impl fmt::Display for SubscribeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubscribeError::Closed => f.write_str("the hub is closed"),
            SubscribeError::Full { max } => {
                write!(f, "the hub has its maximum of {max} subscribers")
            }
        }
    }
}

impl std::error::Error for SubscribeError {}
