//! The event model: what a server sends, validated so that it always encodes to a
//! well-formed frame.
//!
//! An [`Event`] has optional [`EventId`], [`EventType`], data, `retry` hint and
//! comments. The two newtypes are validated at construction, so an `Event` can never
//! hold a value that would break the framing (a line break in an id, say). Data and
//! comments may hold anything: the encoder splits them into one line per line.
//!
//! ```
//! use core::time::Duration;
//! use sse_core::Event;
//!
//! # fn main() -> Result<(), sse_core::FieldError> {
//! // The builder reads like axum's `Event`, but reports bad input instead of panicking.
//! let event = Event::builder()
//!     .event("update")
//!     .id("42")
//!     .data("first line\nsecond line")
//!     .retry(Duration::from_secs(5))
//!     .build()?;
//! assert_eq!(event.id().map(|id| id.as_str()), Some("42"));
//!
//! // A bad id is a typed error, never a broken frame.
//! let err = Event::builder().id("a\nb").build().unwrap_err();
//! assert_eq!(err.to_string(), "event id contains a line feed (LF) at byte 1");
//! # Ok(())
//! # }
//! ```

mod field_text;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use bytes::Bytes;

use self::field_text::FieldText;

/// Which field a [`FieldError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The `id` field.
    Id,
    /// The `event` field (the event type).
    Event,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Id => "event id",
            Field::Event => "event type",
        })
    }
}

/// A character that a field value may not contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ForbiddenChar {
    /// `\r`: would end the line.
    CarriageReturn,
    /// `\n`: would end the line.
    LineFeed,
    /// `\0`: the spec makes parsers ignore an `id` that contains it.
    Null,
}

impl fmt::Display for ForbiddenChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ForbiddenChar::CarriageReturn => "a carriage return (CR)",
            ForbiddenChar::LineFeed => "a line feed (LF)",
            ForbiddenChar::Null => "a NUL character",
        })
    }
}

/// A field value that cannot be sent: it contains a character that would break the
/// frame or that parsers would reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldError {
    field: Field,
    found: ForbiddenChar,
    at: usize,
}

impl FieldError {
    /// The field the value was meant for.
    pub fn field(&self) -> Field {
        self.field
    }

    /// The character that is not allowed.
    pub fn found(&self) -> ForbiddenChar {
        self.found
    }

    /// Byte offset of that character in the value.
    pub fn position(&self) -> usize {
        self.at
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} contains {} at byte {}",
            self.field, self.found, self.at
        )
    }
}

impl core::error::Error for FieldError {}

/// Finds the first byte of `value` that `field` may not contain.
fn check(field: Field, value: &str) -> Result<(), FieldError> {
    let forbidden_nul = field == Field::Id;
    for (at, byte) in value.bytes().enumerate() {
        let found = match byte {
            b'\r' => ForbiddenChar::CarriageReturn,
            b'\n' => ForbiddenChar::LineFeed,
            0 if forbidden_nul => ForbiddenChar::Null,
            _ => continue,
        };
        return Err(FieldError { field, found, at });
    }
    Ok(())
}

/// An event id: any text without CR, LF or NUL (a parser drops an id with NUL).
///
/// The empty id is valid: sending it resets the client's last event ID, so the next
/// reconnection carries no `Last-Event-ID`.
///
/// Ids of up to 23 bytes are stored in the value itself (no allocation); longer ones
/// are shared behind a reference count. Either way cloning is cheap, and ids compare,
/// order and hash exactly as their text.
///
/// ```
/// use sse_core::EventId;
/// assert!(EventId::new("head-17").is_ok());
/// assert!(EventId::new("bad\0id").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(FieldText);

impl EventId {
    /// Validates `value` as an event id.
    pub fn new(value: impl AsRef<str>) -> Result<Self, FieldError> {
        let value = value.as_ref();
        check(Field::Id, value)?;
        Ok(EventId(FieldText::new(value)))
    }

    /// The empty id (resets the client's last event ID).
    pub fn empty() -> Self {
        EventId(FieldText::EMPTY)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether this is the empty id.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Default for EventId {
    fn default() -> Self {
        EventId::empty()
    }
}

/// An event type (the `event` field): any text without CR or LF.
///
/// Clients dispatch an event whose type is empty or unset as `message`.
///
/// Stored like [`EventId`]: up to 23 bytes inline, longer types shared.
///
/// ```
/// use sse_core::EventType;
/// assert_eq!(EventType::new("chain_reorg").unwrap().as_str(), "chain_reorg");
/// assert!(EventType::new("two\rlines").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventType(FieldText);

impl EventType {
    /// Validates `value` as an event type.
    pub fn new(value: impl AsRef<str>) -> Result<Self, FieldError> {
        let value = value.as_ref();
        check(Field::Event, value)?;
        Ok(EventType(FieldText::new(value)))
    }

    /// The type as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

macro_rules! text_newtype_impls {
    ($ty:ident) => {
        impl $ty {
            /// The value's bytes, without the UTF-8 check of `as_str` (for the
            /// encoder and for comparisons).
            #[inline]
            pub(crate) fn value_bytes(&self) -> &[u8] {
                self.0.as_bytes()
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl core::ops::Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.value_bytes() == other.as_bytes()
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.value_bytes() == other.as_bytes()
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = FieldError;
            fn try_from(value: &str) -> Result<Self, FieldError> {
                $ty::new(value)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = FieldError;
            fn try_from(value: String) -> Result<Self, FieldError> {
                $ty::new(value)
            }
        }

        impl core::str::FromStr for $ty {
            type Err = FieldError;
            fn from_str(value: &str) -> Result<Self, FieldError> {
                $ty::new(value)
            }
        }
    };
}

text_newtype_impls!(EventId);
text_newtype_impls!(EventType);

/// An event to send.
///
/// Every field is optional. An event with data is dispatched by clients; one without
/// (say, only an `id` or a `retry`) updates the client's state silently; one with only
/// comments is ignored by clients (keep-alives are made of those).
///
/// Data is bytes: text in any encoding-agnostic form, with any line endings (`\n`,
/// `\r\n`, lone `\r`). Clients decode it as UTF-8, replacing invalid sequences, and
/// see every line break as `\n`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    id: Option<EventId>,
    event: Option<EventType>,
    data: Option<Bytes>,
    retry: Option<Duration>,
    comments: Vec<Bytes>,
}

impl Event {
    /// A `message` event with `data` and nothing else.
    ///
    /// ```
    /// let event = sse_core::Event::new("hello");
    /// assert_eq!(event.data(), Some(&b"hello"[..]));
    /// ```
    pub fn new(data: impl Into<Bytes>) -> Self {
        Event {
            data: Some(data.into()),
            ..Event::default()
        }
    }

    /// Starts a builder that takes plain strings and validates them in
    /// [`EventBuilder::build`].
    pub fn builder() -> EventBuilder {
        EventBuilder::default()
    }

    /// An event whose data is `value` serialized as JSON.
    ///
    /// ```
    /// # #[cfg(feature = "json")] {
    /// let event = sse_core::Event::json(&[1, 2, 3]).unwrap();
    /// assert_eq!(event.data(), Some(&b"[1,2,3]"[..]));
    /// # }
    /// ```
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::to_vec(value).map(Event::new)
    }

    /// Sets the data (replacing any).
    pub fn with_data(mut self, data: impl Into<Bytes>) -> Self {
        self.data = Some(data.into());
        self
    }

    /// Sets the id.
    pub fn with_id(mut self, id: EventId) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the event type.
    pub fn with_type(mut self, event: EventType) -> Self {
        self.event = Some(event);
        self
    }

    /// Sets the `retry` hint: how long clients wait before reconnecting. It is sent in
    /// whole milliseconds (sub-millisecond parts are dropped).
    pub fn with_retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Adds a comment. Clients ignore comments; a comment with line breaks is sent as
    /// several comment lines.
    pub fn with_comment(mut self, comment: impl Into<Bytes>) -> Self {
        self.comments.push(comment.into());
        self
    }

    /// The id, if set.
    pub fn id(&self) -> Option<&EventId> {
        self.id.as_ref()
    }

    /// The event type, if set.
    pub fn event_type(&self) -> Option<&EventType> {
        self.event.as_ref()
    }

    /// The data, if set.
    pub fn data(&self) -> Option<&[u8]> {
        self.data.as_deref()
    }

    /// The `retry` hint, if set.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// The comments, in order.
    pub fn comments(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        self.comments.iter().map(|c| &c[..])
    }

    /// Removes and returns the data, leaving the rest of the event (used to stream a
    /// payload after the head fields, see [`crate::DataEncoder`]).
    pub fn take_data(&mut self) -> Option<Bytes> {
        self.data.take()
    }

    /// Replaces the id (the hub uses this to stamp the ids it assigns).
    pub fn set_id(&mut self, id: Option<EventId>) {
        self.id = id;
    }
}

impl From<&str> for Event {
    fn from(data: &str) -> Self {
        Event::new(Bytes::copy_from_slice(data.as_bytes()))
    }
}

impl From<String> for Event {
    fn from(data: String) -> Self {
        Event::new(data)
    }
}

/// Builds an [`Event`] from plain strings; the first invalid value is reported by
/// [`build`](EventBuilder::build).
#[derive(Debug, Clone, Default)]
#[must_use = "call build() to get the event"]
pub struct EventBuilder {
    event: Event,
    error: Option<FieldError>,
}

impl EventBuilder {
    /// Sets the data.
    pub fn data(mut self, data: impl Into<Bytes>) -> Self {
        self.event.data = Some(data.into());
        self
    }

    /// Sets the data to `value` serialized as JSON.
    #[cfg(feature = "json")]
    pub fn json_data<T: serde::Serialize + ?Sized>(
        self,
        value: &T,
    ) -> Result<Self, serde_json::Error> {
        Ok(self.data(serde_json::to_vec(value)?))
    }

    /// Sets the event type; it must not contain CR or LF.
    pub fn event(mut self, event: impl AsRef<str>) -> Self {
        match EventType::new(event) {
            Ok(event) => self.event.event = Some(event),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Sets the id; it must not contain CR, LF or NUL.
    pub fn id(mut self, id: impl AsRef<str>) -> Self {
        match EventId::new(id) {
            Ok(id) => self.event.id = Some(id),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Sets the `retry` hint.
    pub fn retry(mut self, retry: Duration) -> Self {
        self.event.retry = Some(retry);
        self
    }

    /// Adds a comment (any text; line breaks become several comment lines).
    pub fn comment(mut self, comment: impl Into<Bytes>) -> Self {
        self.event.comments.push(comment.into());
        self
    }

    /// The event, or the first invalid value that was given.
    pub fn build(self) -> Result<Event, FieldError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.event),
        }
    }

    fn fail(&mut self, error: FieldError) {
        self.error.get_or_insert(error);
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn id_rejects_line_breaks_and_nul_with_position() {
        let e = EventId::new("ab\rc").unwrap_err();
        assert_eq!(
            (e.field(), e.found(), e.position()),
            (Field::Id, ForbiddenChar::CarriageReturn, 2)
        );
        assert_eq!(
            EventId::new("\n").unwrap_err().found(),
            ForbiddenChar::LineFeed
        );
        assert_eq!(
            EventId::new("x\0").unwrap_err().found(),
            ForbiddenChar::Null
        );
        assert_eq!(EventId::new("ünï").unwrap().as_str(), "ünï");
    }

    #[test]
    fn event_type_allows_nul_but_not_line_breaks() {
        assert!(EventType::new("a\0b").is_ok());
        let e = EventType::new("a\nb").unwrap_err();
        assert_eq!(e.field(), Field::Event);
        assert_eq!(
            e.to_string(),
            "event type contains a line feed (LF) at byte 1"
        );
    }

    #[test]
    fn builder_reports_first_error_and_keeps_valid_fields() {
        let err = Event::builder()
            .event("bad\r")
            .id("bad\n")
            .build()
            .unwrap_err();
        assert_eq!(err.field(), Field::Event);

        let ev = Event::builder()
            .event("t")
            .id("7")
            .data("d")
            .comment("c")
            .retry(Duration::from_millis(10))
            .build()
            .unwrap();
        assert_eq!(ev.event_type().unwrap(), "t");
        assert_eq!(ev.id().unwrap(), "7");
        assert_eq!(ev.data(), Some(&b"d"[..]));
        assert_eq!(ev.retry(), Some(Duration::from_millis(10)));
        assert_eq!(ev.comments().collect::<Vec<_>>(), [&b"c"[..]]);
    }

    #[test]
    fn ids_and_types_behave_as_their_text_at_every_length() {
        use alloc::format;
        // Lengths around the 23 bytes kept inline, ending in ASCII or in a character
        // of two, three or four bytes.
        for tail in ["x", "é", "€", "😀"] {
            for len in 20..=28 {
                let text = "a".repeat(len - tail.len()) + tail;
                let id = EventId::new(&text).unwrap();
                let ty: EventType = text.parse().unwrap();
                assert_eq!((id.as_str(), &*id, id.as_ref()), (&*text, &*text, &*text));
                assert!(id == *text && id == text.as_str() && ty == text.as_str());
                assert_eq!(ty.as_str(), text);
                assert_eq!(format!("{id}|{id:?}"), format!("{text}|{text:?}"));
                assert_eq!(EventId::try_from(text.clone()).unwrap(), id);
                assert_eq!(EventType::try_from(text.as_str()).unwrap(), ty);
                let shorter = EventId::new(&text[..len - tail.len()]).unwrap();
                assert_eq!(shorter.cmp(&id), core::cmp::Ordering::Less);
                assert_ne!(shorter, id);
            }
        }
    }

    #[test]
    fn empty_id_is_valid_and_distinct_from_none() {
        let ev = Event::new("x").with_id(EventId::empty());
        assert!(ev.id().unwrap().is_empty());
        assert!(Event::new("x").id().is_none());
    }
}
