//! The storage of [`EventId`](super::EventId) and [`EventType`](super::EventType)
//! values: short text inline, long text shared.
//!
//! Ids and types are almost always short (a counter, a timestamp, a UUID without
//! dashes, a word). Up to [`INLINE_CAP`] bytes are kept in the value itself, so
//! making, cloning and dropping one touches no allocator and no reference count;
//! longer text goes behind an `Arc<str>`, so a clone stays cheap at any length.
//! Either way the whole value is 24 bytes, and `Option` of it too.
//!
//! Short text always goes inline, but nothing depends on that: equality, ordering
//! and hashing are those of the text, whatever the representation.

use alloc::sync::Arc;
use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};

/// The longest text kept inline, in bytes.
pub(crate) const INLINE_CAP: usize = 23;

/// The length of inline text. An enum rather than a `u8` so the values above
/// [`INLINE_CAP`] are spare: they tell the shared representation apart, and the
/// next ones are left for `Option`, which keeps both 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[rustfmt::skip]
enum InlineLen {
    L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11,
    L12, L13, L14, L15, L16, L17, L18, L19, L20, L21, L22, L23,
}

/// Every [`InlineLen`], indexed by its value.
#[rustfmt::skip]
const LENS: [InlineLen; INLINE_CAP + 1] = {
    use InlineLen::*;
    [
        L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11,
        L12, L13, L14, L15, L16, L17, L18, L19, L20, L21, L22, L23,
    ]
};

/// Text of at most [`INLINE_CAP`] bytes, stored in place.
///
/// Invariant: `bytes[..len]` is valid UTF-8 (it is copied from a `&str` and never
/// changed) and the rest is zero.
///
/// The bytes start on a word boundary and the length takes the last byte, and
/// [`new`](Self::new) assembles the text in three words rather than copying it byte
/// by byte into place. Both are for copies: a value that was written in pieces of
/// odd sizes and is read back at once by whole words stalls the CPU (store
/// forwarding fails). Measured on 10 000 small events with a new id each: with the
/// length first and a plain copy, decoding was no faster than with `Arc<str>` ids;
/// with this layout and construction, about 10% faster.
#[derive(Clone, Copy)]
#[repr(C, align(8))]
struct Inline {
    bytes: [u8; INLINE_CAP],
    len: InlineLen,
}

impl Inline {
    /// `text` stored inline, if it fits.
    #[inline]
    fn new(text: &str) -> Option<Inline> {
        let src = text.as_bytes();
        let len = *LENS.get(src.len())?;
        let words = [
            le_word(src),
            le_word(src.get(8..).unwrap_or_default()),
            le_word(src.get(16..).unwrap_or_default()),
        ];
        let mut bytes = [0; INLINE_CAP];
        for (chunk, word) in bytes.chunks_mut(8).zip(words) {
            let word = word.to_le_bytes();
            chunk.copy_from_slice(word.get(..chunk.len()).unwrap_or_default());
        }
        Some(Inline { bytes, len })
    }

    #[inline]
    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len as usize).unwrap_or_default()
    }
}

/// The first 8 bytes of `bytes` (or all of them, zero-extended) as a
/// little-endian word, read with at most two loads: no byte loop, no copy through
/// memory.
#[inline]
fn le_word(bytes: &[u8]) -> u64 {
    if let Some(word) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*word);
    }
    let n = bytes.len();
    if let (Some(lo), Some(hi)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let (lo, hi) = (u32::from_le_bytes(*lo), u32::from_le_bytes(*hi));
        return u64::from(lo) | (u64::from(hi) << (8 * (n - 4)));
    }
    match *bytes {
        [a] => u64::from(a),
        [a, b] => u64::from(a) | (u64::from(b) << 8),
        [a, b, c] => u64::from(a) | (u64::from(b) << 8) | (u64::from(c) << 16),
        _ => 0,
    }
}

/// The text of a field value, inline when short, shared when long.
#[derive(Clone)]
pub(crate) struct FieldText(Repr);

#[derive(Clone)]
enum Repr {
    Inline(Inline),
    Shared(Arc<str>),
}

impl FieldText {
    /// The empty text (no allocation).
    pub(crate) const EMPTY: FieldText = FieldText(Repr::Inline(Inline {
        bytes: [0; INLINE_CAP],
        len: InlineLen::L0,
    }));

    /// Stores `text`: inline when it fits, else in a new shared allocation.
    #[inline]
    pub(crate) fn new(text: &str) -> FieldText {
        match Inline::new(text) {
            Some(inline) => FieldText(Repr::Inline(inline)),
            None => FieldText(Repr::Shared(Arc::from(text))),
        }
    }

    /// `text` in a shared allocation whatever its length (tests compare the two
    /// representations of the same text).
    #[cfg(test)]
    pub(crate) fn shared(text: &str) -> FieldText {
        FieldText(Repr::Shared(Arc::from(text)))
    }

    /// Whether the text is stored inline.
    #[cfg(test)]
    pub(crate) fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline(_))
    }

    /// The text.
    ///
    /// Inline text is checked again here: there is no conversion from bytes to
    /// `str` without a check in safe code, and on at most [`INLINE_CAP`] bytes it is
    /// a short loop. The check cannot fail (see [`Inline`]); if it somehow did, the
    /// text would read as empty rather than panic.
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline(inline) => core::str::from_utf8(inline.as_bytes()).unwrap_or_default(),
            Repr::Shared(text) => text,
        }
    }

    /// The text's bytes, without the check [`as_str`](Self::as_str) makes.
    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline(inline) => inline.as_bytes(),
            Repr::Shared(text) => text.as_bytes(),
        }
    }

    /// Whether the text is empty.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }
}

impl fmt::Debug for FieldText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

// Comparing bytes is comparing text: UTF-8 preserves the order of code points,
// and `str` compares its bytes too.
impl PartialEq for FieldText {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for FieldText {}

impl PartialOrd for FieldText {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FieldText {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for FieldText {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Exactly as the `str` hashes (a hasher may treat strings specially).
        self.as_str().hash(state);
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::String;
    use alloc::vec::Vec;

    use super::*;

    /// Text of `len` bytes: ASCII, except that it ends with `tail` when given.
    fn text(len: usize, tail: &str) -> String {
        let mut text: String = (0..len - tail.len())
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        text.push_str(tail);
        assert_eq!(text.len(), len);
        text
    }

    /// Keeps every byte written to it: two values hash alike under every hasher
    /// when they write the same bytes.
    #[derive(Default)]
    struct Recorder(Vec<u8>);

    impl Hasher for Recorder {
        fn finish(&self) -> u64 {
            0
        }
        fn write(&mut self, bytes: &[u8]) {
            self.0.extend_from_slice(bytes);
        }
    }

    fn hash_of(value: &(impl Hash + ?Sized)) -> Vec<u8> {
        let mut recorder = Recorder::default();
        value.hash(&mut recorder);
        recorder.0
    }

    #[test]
    fn stays_24_bytes_even_in_an_option() {
        assert_eq!(core::mem::size_of::<FieldText>(), 24);
        assert_eq!(core::mem::size_of::<Option<FieldText>>(), 24);
    }

    #[test]
    fn short_text_is_inline_and_long_text_is_shared() {
        assert!(FieldText::new("").is_inline());
        assert!(FieldText::new(&text(INLINE_CAP, "")).is_inline());
        assert!(!FieldText::new(&text(INLINE_CAP + 1, "")).is_inline());
        // A character ending exactly at the boundary, or one byte past it.
        assert!(FieldText::new(&text(INLINE_CAP, "é")).is_inline());
        assert!(FieldText::new(&text(INLINE_CAP, "😀")).is_inline());
        assert!(!FieldText::new(&text(INLINE_CAP + 1, "é")).is_inline());
        assert!(!FieldText::new(&text(INLINE_CAP + 2, "€")).is_inline());
        assert!(FieldText::EMPTY.is_inline() && FieldText::EMPTY.is_empty());
    }

    #[test]
    fn the_text_comes_back_exactly_at_every_length() {
        for tail in ["", "é", "€", "😀"] {
            for len in tail.len().max(1)..=INLINE_CAP + 5 {
                let text = text(len, tail);
                let stored = FieldText::new(&text);
                assert_eq!(stored.as_str(), text, "{len} {tail}");
                assert_eq!(stored.as_bytes(), text.as_bytes());
                assert_eq!(stored.clone().as_str(), text);
                assert!(!stored.is_empty());
            }
        }
    }

    #[test]
    fn both_representations_of_the_same_text_are_equal_and_hash_alike() {
        for text in ["", "7", "é", &text(INLINE_CAP, "😀"), &text(INLINE_CAP, "")] {
            let (inline, shared) = (FieldText::new(text), FieldText::shared(text));
            assert!(inline.is_inline() && !shared.is_inline());
            assert_eq!(inline, shared);
            assert_eq!(shared, inline);
            assert_eq!(inline.cmp(&shared), Ordering::Equal);
            assert_eq!(hash_of(&inline), hash_of(&shared));
            assert_eq!(hash_of(&inline), hash_of(text));
        }
    }

    #[test]
    fn order_is_the_order_of_the_text_across_representations() {
        let mut texts: Vec<String> = ["", "a", "ab", "b", "é", "z", "😀", "ü"]
            .into_iter()
            .map(String::from)
            .chain([
                text(INLINE_CAP, ""),
                text(INLINE_CAP + 1, ""),
                text(40, "é"),
            ])
            .collect();
        texts.sort();
        for (i, a) in texts.iter().enumerate() {
            for (j, b) in texts.iter().enumerate() {
                let want = i.cmp(&j);
                for (x, y) in [
                    (FieldText::new(a), FieldText::new(b)),
                    (FieldText::shared(a), FieldText::new(b)),
                    (FieldText::new(a), FieldText::shared(b)),
                ] {
                    assert_eq!(x.cmp(&y), want, "{a:?} vs {b:?}");
                    assert_eq!(x.partial_cmp(&y), Some(want));
                    assert_eq!(x == y, i == j);
                }
            }
        }
    }
}
