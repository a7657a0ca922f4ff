//! The data of a benchmark event: its publish time, then padding to the wanted size.
//!
//! ```
//! use sse_fanout::payload::{event_data, parse_timestamp};
//!
//! let data = event_data(40, 1_700_000_000_123_456);
//! assert_eq!(data.len(), 40);
//! let frame = [&b"id: 7\ndata: "[..], &data, b"\n\n"].concat();
//! assert_eq!(parse_timestamp(&frame), Some(1_700_000_000_123_456));
//! ```

use std::time::{SystemTime, UNIX_EPOCH};

use memchr::memmem;

/// Digits of the timestamp at the start of every event's data.
pub const TIMESTAMP_DIGITS: usize = 16;

/// Bytes of a frame's start that hold its timestamp, whatever fields come before
/// `data:` (an `id:` line of a few dozen bytes at most).
pub const TIMESTAMP_WINDOW: usize = 128;

/// Microseconds since the Unix epoch (0 for a clock set before 1970).
pub fn unix_micros(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Event data of `size` bytes (at least [`TIMESTAMP_DIGITS`] + 1): the timestamp as 16
/// zero-padded digits, a space, then `x` up to `size`. ASCII, no line breaks.
pub fn event_data(size: usize, micros: u64) -> Vec<u8> {
    let mut data = format!("{micros:016} ").into_bytes();
    data.resize(size.max(data.len()), b'x');
    data
}

/// The timestamp of the frame starting at `frame`: the digits right after the first
/// `data:` (and its optional space). `None` if there is no such field or no digit.
pub fn parse_timestamp(frame: &[u8]) -> Option<u64> {
    let start = memmem::find(frame, b"data:")? + b"data:".len();
    let rest = frame.get(start..)?;
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    let digits = rest
        .iter()
        .take(TIMESTAMP_DIGITS)
        .take_while(|b| b.is_ascii_digit());
    let mut value: u64 = 0;
    let mut any = false;
    for digit in digits {
        value = value.checked_mul(10)? + u64::from(digit - b'0');
        any = true;
    }
    any.then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_has_the_size_and_starts_with_the_time() {
        let data = event_data(200, 42);
        assert_eq!(data.len(), 200);
        assert!(data.starts_with(b"0000000000000042 xxx"));
        assert!(data.iter().all(|b| b.is_ascii() && *b != b'\n'));
        // Never shorter than the timestamp and its space.
        assert_eq!(event_data(3, 42).len(), TIMESTAMP_DIGITS + 1);
    }

    #[test]
    fn timestamp_is_found_after_any_fields() {
        let with_space = b"id: 1-2\nevent: x\ndata: 0000000000000099 xx\n\n";
        assert_eq!(parse_timestamp(with_space), Some(99));
        let without_space = b"data:0000000000001234 xx\n\n";
        assert_eq!(parse_timestamp(without_space), Some(1234));
        assert_eq!(parse_timestamp(b": keep-alive\n\n"), None);
        assert_eq!(parse_timestamp(b"data: hello\n\n"), None);
    }

    #[test]
    fn clock_before_epoch_reads_zero() {
        assert_eq!(unix_micros(UNIX_EPOCH), 0);
        let later = UNIX_EPOCH + std::time::Duration::from_micros(5);
        assert_eq!(unix_micros(later), 5);
    }
}
