//! The input bytes of a `data` line cut by the ends of reads, held as they came until
//! the line ends.
//!
//! Pieces of reads given as [`Bytes`] are kept as slices of them (no copy) when they
//! are large; small pieces, and the bytes of borrowed reads, are copied into one
//! buffer whose growth stops at the line limit. So the memory held is about the line's
//! input bytes, and the line is copied once, when its end is known, into a buffer of
//! its final size, checked as UTF-8 with SIMD on the way.

use alloc::string::String;
use alloc::vec::Vec;
use core::iter;

use bytes::Bytes;

use super::block::DataLine;
use super::text::{Text, join_valid};

/// Pieces at least this large are kept as slices of the caller's read; smaller ones
/// are copied (a small slice would keep its whole read alive).
const MIN_SHARED: usize = 4 << 10;

/// A `data` value arriving in pieces, as input bytes.
#[derive(Debug, Default)]
pub(super) struct RawLine {
    /// Slices of reads, in order, before `tail`.
    pieces: Vec<Bytes>,
    /// Copied bytes, after `pieces`.
    tail: Vec<u8>,
    /// Bytes held in all.
    len: usize,
}

impl RawLine {
    /// Adds `piece`; `read` is the read it is part of, when the caller gave it as
    /// [`Bytes`]. `limit` caps the growth of the copy buffer.
    pub(super) fn push(&mut self, piece: &[u8], read: Option<&Bytes>, limit: usize) {
        self.len = self.len.saturating_add(piece.len());
        match super::share(read.filter(|_| piece.len() >= MIN_SHARED), piece) {
            Some(shared) => {
                if !self.tail.is_empty() {
                    self.pieces
                        .push(Bytes::from(core::mem::take(&mut self.tail)));
                }
                self.pieces.push(shared);
            }
            None => {
                let needed = self.tail.len().saturating_add(piece.len());
                if needed > self.tail.capacity() {
                    // Doubling, but never past the limit: a line at the limit holds
                    // about its own size.
                    let capacity = needed.max(self.tail.capacity().saturating_mul(2).min(limit));
                    self.tail.reserve_exact(capacity - self.tail.len());
                }
                self.tail.extend_from_slice(piece);
            }
        }
    }

    /// Bytes held.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Forgets the line.
    pub(super) fn clear(&mut self) {
        *self = RawLine::default();
    }

    /// The line ended: its value, as text when it is valid UTF-8.
    pub(super) fn finish(&mut self) -> DataLine {
        let RawLine {
            mut pieces,
            tail,
            len,
        } = core::mem::take(self);
        if pieces.is_empty() {
            return match String::from_utf8(tail) {
                Ok(text) => DataLine::Text(Text::from(text)),
                Err(error) => DataLine::Raw(alloc::vec![Bytes::from(error.into_bytes())]),
            };
        }
        let slices = pieces
            .iter()
            .map(|piece| &piece[..])
            .chain(iter::once(&tail[..]));
        match join_valid(slices, len) {
            Some(text) => DataLine::Text(Text::from(text)),
            None => {
                if !tail.is_empty() {
                    pieces.push(Bytes::from(tail));
                }
                DataLine::Raw(pieces)
            }
        }
    }
}
