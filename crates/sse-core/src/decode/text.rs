//! UTF-8 decoding: once per fed region on the fast path, piece by piece for a line
//! cut by the ends of feeds.
//!
//! The stream is decoded with U+FFFD for every invalid sequence (the "maximal
//! subpart" rule that browsers and `String::from_utf8_lossy` both follow). Decoding
//! the stream in parts gives the same text as decoding it whole as long as each cut
//! falls right before a byte that is not a continuation byte (`0b10xx_xxxx`): the
//! decoder restarts at every such byte. Line endings, colons and spaces are ASCII, so
//! lines and field values can be decoded one by one; [`Utf8Pieces`] holds back a
//! character cut between two feeds so its pieces are decoded together.

use alloc::borrow::Cow;
use alloc::string::String;
use core::borrow::Borrow;
use core::{fmt, ops, str};

use bytes::Bytes;
use bytestring::ByteString;

/// `bytes` as text, invalid sequences replaced by U+FFFD; borrowed when valid.
pub(super) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// An event's data: UTF-8 text held in shared [`Bytes`].
///
/// A `data` line that arrived whole in one read given to
/// [`Decoder::feed_bytes`](super::Decoder::feed_bytes) is a slice of that read, not a
/// copy; other data is copied once. Cloning is cheap (a reference count), and the text
/// is checked once, when it is made, so [`as_str`](Self::as_str) costs nothing.
///
/// A slice keeps the whole read it came from alive: to keep a small event for long
/// while dropping its read, take [`into_string`](Self::into_string).
///
/// ```
/// use sse_core::decode::Text;
///
/// let text = Text::from("hello");
/// assert_eq!((text.as_str(), text.len()), ("hello", 5));
/// assert_eq!(String::from(text.clone()), "hello");
/// assert_eq!(text, "hello");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(ByteString);

impl Text {
    /// The empty text.
    pub const fn new() -> Text {
        Text(ByteString::new())
    }

    /// The text as a `&str`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The UTF-8 bytes, shared.
    pub fn as_bytes(&self) -> &Bytes {
        self.0.as_bytes()
    }

    /// The UTF-8 bytes, shared (no copy).
    pub fn into_bytes(self) -> Bytes {
        self.0.into_bytes()
    }

    /// The text as an owned `String`: no copy when this is the only reference to
    /// bytes the decoder allocated for it, a copy otherwise (a slice of a read).
    pub fn into_string(self) -> String {
        String::from(self.0)
    }

    /// Checks that `bytes` are UTF-8 and keeps them as they are (no copy).
    ///
    /// # Errors
    /// The bytes are not UTF-8.
    pub fn from_utf8(bytes: Bytes) -> Result<Text, str::Utf8Error> {
        ByteString::try_from(bytes).map(Text)
    }

    /// The part of this text that `part` (a sub-slice of [`as_str`](Self::as_str))
    /// covers, sharing the same bytes; `None` when `part` is not inside this text.
    pub(crate) fn slice_ref(&self, part: &str) -> Option<Text> {
        let start = (part.as_ptr() as usize).checked_sub(self.0.as_ptr() as usize)?;
        let end = start.checked_add(part.len())?;
        (end <= self.0.len()).then(|| Text(self.0.slice_ref(part)))
    }
}

impl ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text(ByteString::from(text))
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text(ByteString::from(text))
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.into_string()
    }
}

impl From<Text> for Bytes {
    fn from(text: Text) -> Bytes {
        text.into_bytes()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

/// Appends `piece`, the next bytes of a line, to `out` if they continue valid
/// UTF-8, checking them with SIMD; a character cut at the end of `piece` is held in
/// `held` until the next piece. Returns `false` when the bytes are not valid UTF-8:
/// `out` may then hold part of `piece`, and `held` is left in any state.
pub(super) fn push_valid(held: &mut Utf8Pieces, piece: &[u8], out: &mut String) -> bool {
    let Some(piece) = held.complete_held_strict(piece, out) else {
        return false;
    };
    if held.held_len > 0 {
        return true;
    }
    let (body, cut) = split_cut_character(piece);
    let Ok(body) = simdutf8::basic::from_utf8(body) else {
        return false;
    };
    out.push_str(body);
    held.hold(cut);
    true
}

/// Decodes a line that arrives in pieces, appending to a `String`, with the same
/// result as decoding the whole line at once.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Utf8Pieces {
    /// The start of a character cut by the end of the last piece.
    held: [u8; 4],
    held_len: usize,
}

impl Utf8Pieces {
    /// Decodes `piece` onto `out`, holding back a character it cuts at its end.
    pub(super) fn push(&mut self, piece: &[u8], out: &mut String) {
        let piece = self.complete_held(piece, out);
        if self.held_len > 0 {
            return;
        }
        let (body, cut) = split_cut_character(piece);
        out.push_str(&decode(body));
        self.hold(cut);
    }

    /// The line ended: decodes whatever is held (an incomplete character: U+FFFD).
    pub(super) fn finish(&mut self, out: &mut String) {
        if self.held_len > 0 {
            out.push_str(&decode(self.held()));
            self.held_len = 0;
        }
    }

    /// Forgets what is held.
    #[cfg(test)]
    pub(super) fn clear(&mut self) {
        self.held_len = 0;
    }

    /// Bytes held back.
    #[cfg(test)]
    pub(super) fn held_len(&self) -> usize {
        self.held_len
    }

    /// The bytes held back: the start of a character cut by the end of the last
    /// piece.
    pub(super) fn held(&self) -> &[u8] {
        self.held.get(..self.held_len).unwrap_or_default()
    }

    fn hold(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if let Some(slot) = self.held.get_mut(self.held_len) {
                *slot = byte;
                self.held_len += 1;
            }
        }
    }

    /// [`complete_held`](Self::complete_held) for valid text only: `None` when the
    /// held character turns out invalid.
    fn complete_held_strict<'a>(&mut self, piece: &'a [u8], out: &mut String) -> Option<&'a [u8]> {
        let Some(&lead) = self.held.first().filter(|_| self.held_len > 0) else {
            return Some(piece);
        };
        let wanted = sequence_width(lead).saturating_sub(self.held_len);
        let taken = wanted.min(piece.len());
        let (more, rest) = piece.split_at_checked(taken)?;
        self.hold(more);
        if taken == wanted {
            out.push_str(simdutf8::basic::from_utf8(self.held()).ok()?);
            self.held_len = 0;
        }
        Some(rest)
    }

    /// Adds the continuation bytes that start `piece` to the held character; decodes
    /// it once it is complete or cannot continue. Returns the rest of `piece`.
    fn complete_held<'a>(&mut self, piece: &'a [u8], out: &mut String) -> &'a [u8] {
        let Some(&lead) = self.held.first().filter(|_| self.held_len > 0) else {
            return piece;
        };
        let wanted = sequence_width(lead).saturating_sub(self.held_len);
        let taken = piece
            .iter()
            .take(wanted)
            .take_while(|&&byte| is_continuation(byte))
            .count();
        let (more, rest) = piece.split_at_checked(taken).unwrap_or((piece, &[]));
        self.hold(more);
        if taken == wanted || !rest.is_empty() {
            // Complete, or ended by a byte that starts something else.
            out.push_str(&decode(self.held()));
            self.held_len = 0;
        }
        rest
    }
}

/// Splits off the end of `piece` when it is the start of a character whose other
/// bytes have not arrived.
fn split_cut_character(piece: &[u8]) -> (&[u8], &[u8]) {
    let from = piece.len().saturating_sub(3);
    let tail = piece.get(from..).unwrap_or_default();
    let Some(lead_at) = tail.iter().rposition(|&byte| !is_continuation(byte)) else {
        return (piece, &[]);
    };
    let lead_at = from + lead_at;
    let available = piece.len() - lead_at;
    match piece.get(lead_at) {
        Some(&lead) if available < sequence_width(lead) => {
            piece.split_at_checked(lead_at).unwrap_or((piece, &[]))
        }
        _ => (piece, &[]),
    }
}

/// How many bytes a sequence starting with `lead` has when valid (1 for ASCII and for
/// bytes that cannot start a sequence).
fn sequence_width(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::*;

    fn pieces(parts: &[&[u8]]) -> String {
        let mut out = String::new();
        let mut decoder = Utf8Pieces::default();
        for part in parts {
            decoder.push(part, &mut out);
        }
        decoder.finish(&mut out);
        out
    }

    /// Every way of cutting `bytes` in two and in three gives the lossy decoding of
    /// the whole.
    fn check_all_cuts(bytes: &[u8]) {
        let whole = String::from_utf8_lossy(bytes).into_owned();
        for a in 0..=bytes.len() {
            for b in a..=bytes.len() {
                let parts = [&bytes[..a], &bytes[a..b], &bytes[b..]];
                assert_eq!(pieces(&parts), whole, "{bytes:x?} cut at {a} and {b}");
            }
        }
    }

    #[test]
    fn valid_text_cut_anywhere_is_exact() {
        check_all_cuts("aé€😀b".as_bytes());
        check_all_cuts("😀😀".as_bytes());
    }

    #[test]
    fn invalid_sequences_cut_anywhere_match_whole_decoding() {
        for bytes in [
            &b"\xE2\x82x"[..],
            b"\xF0\x9F\x98",
            b"\xE0\x80\x80\xE2",
            b"\xED\xA0\x80z",
            b"\xF4\x90\x80\x80",
            b"\x80\x80\x80\x80\x80",
            b"\xC0\xAF\xFF\xFEa",
            b"\xF0\x9F\x98\xF0\x9F\x98\x80",
            b"\xE2\xE2\x82\xAC",
        ] {
            check_all_cuts(bytes);
        }
    }

    #[test]
    fn all_short_byte_strings_cut_anywhere_match() {
        // Every 3-byte string over a set of interesting bytes.
        let alphabet = [
            b'a', 0x80, 0x9F, 0xA0, 0xBF, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xFF,
        ];
        let mut bytes = Vec::new();
        for &x in &alphabet {
            for &y in &alphabet {
                for &z in &alphabet {
                    bytes.clear();
                    bytes.extend([x, y, z, 0x80, 0xBF]);
                    check_all_cuts(&bytes);
                }
            }
        }
    }

    #[test]
    fn a_cut_character_is_held_not_replaced() {
        let mut out = String::new();
        let mut decoder = Utf8Pieces::default();
        decoder.push(b"x\xF0\x9F", &mut out);
        assert_eq!((out.as_str(), decoder.held_len()), ("x", 2));
        decoder.push(b"\x98", &mut out);
        decoder.push(b"\x80y", &mut out);
        assert_eq!(out, "x😀y");
        decoder.push(b"\xE2", &mut out);
        decoder.clear();
        decoder.finish(&mut out);
        assert_eq!(out, "x😀y");
    }
}
