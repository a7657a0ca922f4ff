//! Judging a response by its status and content type.

use std::string::String;

use super::outcome::{Disconnect, StopReason};
use crate::http::is_event_stream;

/// What a response means for the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    /// A valid event stream: open it.
    Open,
    /// Retry later, as after a failure.
    Retry(Disconnect),
    /// Stop for good.
    Stop(StopReason),
}

/// Judges a response: 200 with a `text/event-stream` content type opens the stream,
/// 204 stops it, any other 200 stops for its content type, other statuses stop
/// unless `retry_transient` and the status is 5xx or 429.
pub(super) fn judge_response(
    status: u16,
    content_type: Option<&[u8]>,
    retry_transient: bool,
) -> Verdict {
    match status {
        200 if content_type.is_some_and(is_event_stream) => Verdict::Open,
        200 => Verdict::Stop(StopReason::BadContentType {
            content_type: content_type.map(|value| String::from_utf8_lossy(value).into_owned()),
        }),
        204 => Verdict::Stop(StopReason::NoContent),
        _ if retry_transient && is_transient(status) => {
            Verdict::Retry(Disconnect::ServerError { status })
        }
        _ => Verdict::Stop(StopReason::BadStatus { status }),
    }
}

/// The standard reason phrase of an HTTP status code (RFC 9110 and its registry
/// extensions), for error messages.
pub(crate) fn reason_phrase(status: u16) -> Option<&'static str> {
    let phrase = match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        511 => "Network Authentication Required",
        _ => return None,
    };
    Some(phrase)
}

/// Whether a status is one a server may answer while it is overloaded or restarting
/// (5xx, and 429 Too Many Requests): worth retrying when the configuration asks for it.
fn is_transient(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_statuses() {
        assert!(is_transient(429) && is_transient(500) && is_transient(599));
        assert!(!is_transient(404) && !is_transient(600) && !is_transient(200));
    }
}
