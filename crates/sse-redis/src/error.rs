//! What connecting and publishing report.

use core::fmt;

use redis::RedisError;

/// Why a [`RedisHub`](crate::RedisHub) could not start or an event was not published.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The URL is not one the `redis` crate accepts (`redis://host:port/db`).
    Url(RedisError),
    /// Redis could not be reached at start-up (refused, timed out, authentication
    /// failed…).
    Connect {
        /// Where (host and port; never the password).
        address: String,
        /// What the `redis` crate reported.
        source: RedisError,
    },
    /// Redis was reached at start-up but the stream could not be read (the key holds
    /// something else than a stream, say).
    Stream {
        /// The stream key.
        key: String,
        /// What Redis answered.
        source: RedisError,
    },
    /// Redis did not acknowledge the event: it was not published. (If the connection
    /// broke after Redis received it, it may still have been appended, and then it
    /// reaches subscribers like any other: a retry could send it twice.)
    Publish(RedisError),
    /// Redis answered in a shape the command does not have (what was wrong).
    Reply(&'static str),
    /// The hub was closed.
    Closed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Url(e) => write!(f, "invalid Redis URL: {e}"),
            Error::Connect { address, source } => {
                write!(f, "cannot connect to Redis at {address}: {source}")
            }
            Error::Stream { key, source } => {
                write!(f, "cannot read the Redis stream `{key}`: {source}")
            }
            Error::Publish(e) => write!(f, "Redis did not acknowledge the event: {e}"),
            Error::Reply(what) => write!(f, "unexpected reply from Redis: {what}"),
            Error::Closed => f.write_str("the Redis hub is closed"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Url(e) | Error::Publish(e) => Some(e),
            Error::Connect { source, .. } | Error::Stream { source, .. } => Some(source),
            Error::Reply(_) | Error::Closed => None,
        }
    }
}
