//! The meaning of one line: blank, ignored, or a known field with its value.
//!
//! Field names compare as exact bytes, so `data ` or `\u{FEFF}data` are unknown names.
//! Working on bytes is the same as working on the decoded text: every byte the
//! syntax looks at (`:`, space, CR, LF, the ASCII letters of the names) is ASCII, and
//! UTF-8 decoding with replacement never merges an ASCII byte into a neighbour.

use core::time::Duration;

/// The four fields the spec gives a meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Data,
    Event,
    Id,
    Retry,
}

/// What a complete line does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Line<'a> {
    /// The empty line: dispatch.
    Blank,
    /// A comment or a field with an unknown name.
    Ignored,
    /// A known field and its value (one leading space already removed).
    Field(Field, &'a str),
}

/// Splits a complete line (without its line ending) into its meaning.
#[inline(always)]
pub(super) fn parse(line: &str) -> Line<'_> {
    let bytes = line.as_bytes();
    if bytes.is_empty() {
        return Line::Blank;
    }
    // Comments (a leading `:` is an empty name) are not a known name.
    let Some((field, name_len)) = known_name(bytes) else {
        return Line::Ignored;
    };
    let value_at = match bytes.get(name_len..) {
        Some([]) => return Line::Field(field, ""),
        Some([b':', b' ', ..]) => name_len + 2,
        Some([b':', ..]) => name_len + 1,
        // The name goes on past a known one (`datax`, `data `): unknown.
        _ => return Line::Ignored,
    };
    // The offset follows ASCII bytes, so it is a character boundary.
    line.get(value_at..)
        .map_or(Line::Ignored, |value| Line::Field(field, value))
}

/// Where the value of a `data` line starts (after the colon and the one optional
/// space), or `None` when `line` is not a `data` line. The same as [`parse`] gives
/// for `data` lines, on bytes.
#[inline(always)]
pub(super) fn data_value_at(line: &[u8]) -> Option<usize> {
    match line {
        [b'd', b'a', b't', b'a', b':', b' ', ..] => Some(6),
        [b'd', b'a', b't', b'a', b':', ..] => Some(5),
        [b'd', b'a', b't', b'a'] => Some(4),
        _ => None,
    }
}

/// The known field name `line` starts with, and its length.
#[inline(always)]
fn known_name(line: &[u8]) -> Option<(Field, usize)> {
    match line {
        [b'd', b'a', b't', b'a', ..] => Some((Field::Data, 4)),
        [b'e', b'v', b'e', b'n', b't', ..] => Some((Field::Event, 5)),
        [b'i', b'd', ..] => Some((Field::Id, 2)),
        [b'r', b'e', b't', b'r', b'y', ..] => Some((Field::Retry, 5)),
        _ => None,
    }
}

/// What is known about a line from its first bytes, before it is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Head {
    /// Could still become any kind of line: keep the bytes.
    Undecided,
    /// A `data` line; its value starts at this offset (just after the colon, with
    /// the optional leading space still in place).
    Data { value_at: usize },
    /// An `event`, `id` or `retry` line: keep the bytes until the line ends.
    OtherField,
    /// A comment or an unknown field: nothing of it matters.
    Ignored,
}

/// Classifies an unfinished line from the bytes seen so far.
pub(super) fn classify(head: &[u8]) -> Head {
    if head.is_empty() {
        return Head::Undecided;
    }
    let Some((field, name_len)) = known_name(head) else {
        return if is_name_prefix(head) {
            Head::Undecided
        } else {
            Head::Ignored
        };
    };
    match (field, head.get(name_len)) {
        (Field::Data, Some(b':')) => Head::Data {
            value_at: name_len + 1,
        },
        (_, Some(b':')) => Head::OtherField,
        // Exactly a known name so far: the next byte decides.
        (_, None) => Head::Undecided,
        (_, Some(_)) => Head::Ignored,
    }
}

/// Whether `head` is a proper prefix of a known field name.
fn is_name_prefix(head: &[u8]) -> bool {
    [&b"data"[..], b"event", b"id", b"retry"]
        .iter()
        .any(|name| name.starts_with(head))
}

/// The reconnection time of a `retry` value: only ASCII digits, at least one.
///
/// Values beyond `u64::MAX` milliseconds saturate to `u64::MAX` milliseconds (about
/// 585 million years), which is "never" for any practical purpose.
pub(super) fn parse_retry(value: &str) -> Option<Duration> {
    let value = value.as_bytes();
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let millis = value.iter().fold(0u64, |acc, digit| {
        acc.saturating_mul(10)
            .saturating_add(u64::from(digit.wrapping_sub(b'0')))
    });
    Some(Duration::from_millis(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_splits_at_first_colon_and_strips_one_space() {
        assert_eq!(parse("data: a:b"), Line::Field(Field::Data, "a:b"));
        assert_eq!(parse("data:  x"), Line::Field(Field::Data, " x"));
        assert_eq!(parse("data:x"), Line::Field(Field::Data, "x"));
        assert_eq!(parse("data: é"), Line::Field(Field::Data, "é"));
        assert_eq!(parse("data"), Line::Field(Field::Data, ""));
        assert_eq!(parse("id"), Line::Field(Field::Id, ""));
        assert_eq!(parse("retry:1"), Line::Field(Field::Retry, "1"));
        assert_eq!(parse("event:\tt"), Line::Field(Field::Event, "\tt"));
    }

    #[test]
    fn data_value_at_agrees_with_parse() {
        for line in [
            "data: a:b",
            "data:  x",
            "data:x",
            "data: é",
            "data",
            "data:",
            "data: ",
            "datax",
            "data x",
            "dat",
            "",
            ":data",
            "id: 1",
            "event: data",
        ] {
            let by_parse = match parse(line) {
                Line::Field(Field::Data, value) => Some(line.len() - value.len()),
                _ => None,
            };
            assert_eq!(data_value_at(line.as_bytes()), by_parse, "{line:?}");
        }
    }

    #[test]
    fn parse_ignores_comments_unknown_and_near_names() {
        for line in [
            ":data: x",
            "data : x",
            "datax",
            "Data: x",
            "\u{FEFF}data: x",
            "ids: 1",
            "foo",
        ] {
            assert_eq!(parse(line), Line::Ignored, "{line:?}");
        }
        assert_eq!(parse(""), Line::Blank);
    }

    #[test]
    fn classify_decides_as_soon_as_the_name_is_known() {
        assert_eq!(classify(b""), Head::Undecided);
        assert_eq!(classify(b"da"), Head::Undecided);
        assert_eq!(classify(b"data"), Head::Undecided);
        assert_eq!(classify(b"data:"), Head::Data { value_at: 5 });
        assert_eq!(classify(b"data: xyz"), Head::Data { value_at: 5 });
        assert_eq!(classify(b"id:"), Head::OtherField);
        assert_eq!(classify(b"retry: 1"), Head::OtherField);
        assert_eq!(classify(b"datas"), Head::Ignored);
        assert_eq!(classify(b":"), Head::Ignored);
        assert_eq!(classify(b"x"), Head::Ignored);
        assert_eq!(classify(b"i"), Head::Undecided);
    }

    #[test]
    fn retry_takes_only_ascii_digits_and_saturates() {
        assert_eq!(parse_retry("0"), Some(Duration::ZERO));
        assert_eq!(parse_retry("000750"), Some(Duration::from_millis(750)));
        let max = Some(Duration::from_millis(u64::MAX));
        assert_eq!(
            parse_retry("18446744073709551614"),
            Some(Duration::from_millis(u64::MAX - 1))
        );
        assert_eq!(parse_retry("18446744073709551615"), max);
        assert_eq!(parse_retry("18446744073709551616"), max);
        assert_eq!(parse_retry("99999999999999999999999999999999"), max);
        for bad in [
            "", " 1", "1 ", "1e3", "0x1", "-1", "+1", "\u{661}", "\u{FF11}",
        ] {
            assert_eq!(parse_retry(bad), None, "{bad:?}");
        }
    }
}
