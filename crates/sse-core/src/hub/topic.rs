//! Topics (hierarchical names like `pets/dogs`) and topic filters (what a subscriber
//! listens to).
//!
//! A topic is a path of segments. A filter entry `pets` matches the topic `pets` and
//! every topic below it (`pets/dogs`, `pets/dogs/puppies`), but not `petstore`: matching
//! is by whole segments, never by string prefix.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::borrow::Borrow;
use core::fmt;
use core::hash::{Hash, Hasher};

/// Longest topic accepted, in bytes (after removing leading and trailing `/`).
pub const MAX_TOPIC_LEN: usize = 1024;

/// Most topics one [`TopicFilter`] may name (a `?topics=` list is client input).
pub const MAX_FILTER_TOPICS: usize = 256;

/// Why a text is not a valid [`Topic`] or topic list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TopicError {
    /// The topic has no segments (`""`, `"/"`).
    Empty,
    /// Two `/` in a row, at this byte offset of the input.
    EmptySegment {
        /// Byte offset of the second `/`.
        at: usize,
    },
    /// A control character (U+0000–U+001F or U+007F) at this byte offset.
    ControlChar {
        /// Byte offset of the character.
        at: usize,
    },
    /// A `,` at this byte offset: commas separate topics in a list, so a topic may not
    /// hold one.
    Comma {
        /// Byte offset of the comma.
        at: usize,
    },
    /// The topic is longer than [`MAX_TOPIC_LEN`] bytes.
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The list names more than [`MAX_FILTER_TOPICS`] topics.
    TooManyTopics {
        /// How many it names.
        count: usize,
    },
    /// Entry `index` (counting from 0) of a comma-separated list is invalid.
    InList {
        /// Which entry.
        index: usize,
        /// What is wrong with it.
        error: alloc::boxed::Box<TopicError>,
    },
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopicError::Empty => f.write_str("topic is empty"),
            TopicError::EmptySegment { at } => {
                write!(f, "topic has an empty segment (`//`) at byte {at}")
            }
            TopicError::ControlChar { at } => {
                write!(f, "topic contains a control character at byte {at}")
            }
            TopicError::Comma { at } => write!(f, "topic contains a comma at byte {at}"),
            TopicError::TooLong { len } => {
                write!(
                    f,
                    "topic is {len} bytes long, over the limit of {MAX_TOPIC_LEN}"
                )
            }
            TopicError::TooManyTopics { count } => write!(
                f,
                "topic list names {count} topics, over the limit of {MAX_FILTER_TOPICS}"
            ),
            TopicError::InList { index, error } => write!(f, "topic #{index} of the list: {error}"),
        }
    }
}

impl std::error::Error for TopicError {}

/// A validated topic: segments joined by `/`, stored without leading or trailing `/`.
///
/// Parsing accepts `/pets/dogs/`, `pets/dogs` and `/pets/dogs` alike (all become
/// `pets/dogs`); it rejects empty topics, empty segments (`a//b`), control characters
/// and commas. Cloning is cheap (a reference count).
///
/// ```
/// use sse_core::hub::{Topic, TopicError};
///
/// let topic = Topic::new("/pets/dogs/")?;
/// assert_eq!(topic.as_str(), "pets/dogs");
/// assert!(topic.is_within(&Topic::new("pets")?));
/// assert!(!Topic::new("petstore")?.is_within(&Topic::new("pets")?));
/// assert_eq!(Topic::new("a//b"), Err(TopicError::EmptySegment { at: 2 }));
/// # Ok::<(), TopicError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Topic(Arc<str>);

impl Topic {
    /// Validates and normalizes `text` as a topic.
    pub fn new(text: impl AsRef<str>) -> Result<Topic, TopicError> {
        let text = text.as_ref();
        let start = text.len() - text.trim_start_matches('/').len();
        let trimmed = text.trim_matches('/');
        if trimmed.is_empty() {
            return Err(TopicError::Empty);
        }
        if trimmed.len() > MAX_TOPIC_LEN {
            return Err(TopicError::TooLong { len: trimmed.len() });
        }
        check_chars(trimmed, start)?;
        Ok(Topic(Arc::from(trimmed)))
    }

    /// The topic as text, without leading or trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its segments, in order.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// Whether this topic is `ancestor` or lies below it (by whole segments).
    pub fn is_within(&self, ancestor: &Topic) -> bool {
        within(&self.0, &ancestor.0)
    }

    /// This topic and every ancestor, as text, shortest first: `a`, `a/b`, `a/b/c`.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        let text: &str = &self.0;
        text.match_indices('/')
            .map(move |(at, _)| text.get(..at).unwrap_or(text))
            .chain(core::iter::once(text))
    }
}

/// `topic` equals `ancestor` or continues it with `/`.
#[inline]
fn within(topic: &str, ancestor: &str) -> bool {
    match topic.strip_prefix(ancestor) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

/// Rejects control characters, commas and empty segments; `offset` is where `text`
/// starts in the caller's input, so errors point into that input.
fn check_chars(text: &str, offset: usize) -> Result<(), TopicError> {
    let mut previous_slash = false;
    for (i, byte) in text.bytes().enumerate() {
        let at = offset + i;
        match byte {
            b'/' if previous_slash => return Err(TopicError::EmptySegment { at }),
            b',' => return Err(TopicError::Comma { at }),
            0..=0x1f | 0x7f => return Err(TopicError::ControlChar { at }),
            _ => {}
        }
        previous_slash = byte == b'/';
    }
    Ok(())
}

impl fmt::Debug for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Hashes exactly like the `str` it holds, so maps keyed by `Topic` can be looked up
// with a `&str` (see the `Borrow` impl).
impl Hash for Topic {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl Borrow<str> for Topic {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Topic {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl core::str::FromStr for Topic {
    type Err = TopicError;
    fn from_str(text: &str) -> Result<Topic, TopicError> {
        Topic::new(text)
    }
}

impl TryFrom<&str> for Topic {
    type Error = TopicError;
    fn try_from(text: &str) -> Result<Topic, TopicError> {
        Topic::new(text)
    }
}

impl TryFrom<String> for Topic {
    type Error = TopicError;
    fn try_from(text: String) -> Result<Topic, TopicError> {
        Topic::new(text)
    }
}

/// What a subscriber listens to: every topic, or some topics and everything below
/// them.
///
/// A filter is kept minimal: duplicates and entries below another entry are dropped
/// (`pets,pets/dogs` is `pets`), and entries are sorted.
///
/// ```
/// use sse_core::hub::{Topic, TopicFilter};
///
/// let filter = TopicFilter::parse_list("head, block,block/full")?;
/// assert_eq!(filter.to_string(), "block,head");
/// assert!(filter.matches(&Topic::new("block/full")?));
/// assert!(!filter.matches(&Topic::new("attestation")?));
/// assert!(TopicFilter::all().matches(&Topic::new("anything")?));
/// # Ok::<(), sse_core::hub::TopicError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TopicFilter(Scope);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Scope {
    All,
    Topics(Arc<[Topic]>),
}

impl TopicFilter {
    /// Every topic.
    pub fn all() -> TopicFilter {
        TopicFilter(Scope::All)
    }

    /// The given topics and everything below them. No topics at all is an error: a
    /// subscriber that listens to nothing is a mistake (use [`all`](Self::all) for
    /// everything).
    pub fn from_topics(topics: impl IntoIterator<Item = Topic>) -> Result<Self, TopicError> {
        let mut topics: Vec<Topic> = topics.into_iter().collect();
        if topics.len() > MAX_FILTER_TOPICS {
            return Err(TopicError::TooManyTopics {
                count: topics.len(),
            });
        }
        topics.sort();
        // Sorted, an ancestor comes before its descendants, so one pass keeps exactly
        // the entries that no earlier entry covers (at most 256², done once).
        let mut minimal: Vec<Topic> = Vec::with_capacity(topics.len());
        for topic in topics {
            let covered = minimal.iter().any(|kept| topic.is_within(kept));
            if !covered {
                minimal.push(topic);
            }
        }
        if minimal.is_empty() {
            return Err(TopicError::Empty);
        }
        Ok(TopicFilter(Scope::Topics(minimal.into())))
    }

    /// Parses a comma-separated list like the value of `?topics=head,block`; spaces
    /// around entries are ignored. `*` alone means every topic.
    pub fn parse_list(list: &str) -> Result<Self, TopicError> {
        if list.trim() == "*" {
            return Ok(TopicFilter::all());
        }
        let count = list.split(',').count();
        if count > MAX_FILTER_TOPICS {
            return Err(TopicError::TooManyTopics { count });
        }
        let mut topics = Vec::with_capacity(count);
        let mut offset = 0;
        for (index, entry) in list.split(',').enumerate() {
            let lead = entry.len() - entry.trim_start().len();
            let topic = Topic::new(entry.trim()).map_err(|error| TopicError::InList {
                index,
                error: alloc::boxed::Box::new(shift(error, offset + lead)),
            })?;
            topics.push(topic);
            offset += entry.len() + 1;
        }
        TopicFilter::from_topics(topics)
    }

    /// Whether this filter takes every topic.
    pub fn is_all(&self) -> bool {
        matches!(self.0, Scope::All)
    }

    /// The topics named (empty for [`all`](Self::all)).
    pub fn topics(&self) -> &[Topic] {
        match &self.0 {
            Scope::All => &[],
            Scope::Topics(topics) => topics,
        }
    }

    /// Whether an event on `topic` reaches this filter.
    #[inline]
    pub fn matches(&self, topic: &Topic) -> bool {
        self.matches_path(topic.as_str())
    }

    #[inline]
    pub(crate) fn matches_path(&self, path: &str) -> bool {
        match &self.0 {
            Scope::All => true,
            Scope::Topics(topics) => topics.iter().any(|t| within(path, t.as_str())),
        }
    }

    /// How many entries the filter has (1 for `all`): each is one place where the
    /// subscriber is registered.
    pub(crate) fn entry_count(&self) -> usize {
        match &self.0 {
            Scope::All => 1,
            Scope::Topics(topics) => topics.len(),
        }
    }
}

/// Moves the byte offset of `error` by `by` (to point into a whole list).
fn shift(error: TopicError, by: usize) -> TopicError {
    match error {
        TopicError::EmptySegment { at } => TopicError::EmptySegment { at: at + by },
        TopicError::ControlChar { at } => TopicError::ControlChar { at: at + by },
        TopicError::Comma { at } => TopicError::Comma { at: at + by },
        other => other,
    }
}

impl From<Topic> for TopicFilter {
    fn from(topic: Topic) -> Self {
        TopicFilter(Scope::Topics(Arc::from([topic])))
    }
}

impl fmt::Debug for TopicFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TopicFilter({self})")
    }
}

impl fmt::Display for TopicFilter {
    /// `*` for every topic, else the comma-separated list.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Scope::All => f.write_str("*"),
            Scope::Topics(topics) => {
                for (i, topic) in topics.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(topic.as_str())?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;
    use alloc::vec;

    use super::*;

    fn t(text: &str) -> Topic {
        Topic::new(text).unwrap()
    }

    #[test]
    fn normalizes_slashes() {
        assert_eq!(t("/pets/dogs/").as_str(), "pets/dogs");
        assert_eq!(t("pets"), t("///pets"));
        assert_eq!(t("a b/c").as_str(), "a b/c");
    }

    #[test]
    fn rejects_bad_topics_with_position_in_the_input() {
        assert_eq!(Topic::new(""), Err(TopicError::Empty));
        assert_eq!(Topic::new("//"), Err(TopicError::Empty));
        assert_eq!(Topic::new("/a//b"), Err(TopicError::EmptySegment { at: 3 }));
        assert_eq!(Topic::new("a\tb"), Err(TopicError::ControlChar { at: 1 }));
        assert_eq!(Topic::new("ab\x7f"), Err(TopicError::ControlChar { at: 2 }));
        assert_eq!(Topic::new("a,b"), Err(TopicError::Comma { at: 1 }));
        let long = "x".repeat(MAX_TOPIC_LEN + 1);
        assert_eq!(
            Topic::new(&long),
            Err(TopicError::TooLong {
                len: MAX_TOPIC_LEN + 1
            })
        );
        assert_eq!(
            Topic::new("a//b").unwrap_err().to_string(),
            "topic has an empty segment (`//`) at byte 2"
        );
    }

    #[test]
    fn matching_is_by_segments_not_prefixes() {
        let pets = t("pets");
        assert!(t("pets").is_within(&pets));
        assert!(t("pets/dogs").is_within(&pets));
        assert!(t("pets/cats/young").is_within(&pets));
        assert!(!t("petstore").is_within(&pets));
        assert!(!t("pet").is_within(&pets));
        assert!(!pets.is_within(&t("pets/dogs")));
    }

    #[test]
    fn paths_lists_every_ancestor() {
        assert_eq!(
            t("a/bb/c").paths().collect::<Vec<_>>(),
            ["a", "a/bb", "a/bb/c"]
        );
        assert_eq!(t("solo").paths().collect::<Vec<_>>(), ["solo"]);
        assert_eq!(t("a/bb/c").segments().collect::<Vec<_>>(), ["a", "bb", "c"]);
    }

    #[test]
    fn filters_are_minimal_and_sorted() {
        let f = TopicFilter::parse_list("pets/dogs, b ,pets,pets-x,b").unwrap();
        assert_eq!(f.topics(), [t("b"), t("pets"), t("pets-x")]);
        assert!(f.matches(&t("pets/dogs/x")));
        assert!(f.matches(&t("pets-x")));
        assert!(!f.matches(&t("petstore")));
        assert_eq!(f.entry_count(), 3);
        assert_eq!(TopicFilter::from(t("a")).to_string(), "a");
        assert!(TopicFilter::parse_list(" * ").unwrap().is_all());
        assert_eq!(TopicFilter::all().to_string(), "*");
        assert_eq!(TopicFilter::all().entry_count(), 1);
    }

    #[test]
    fn list_errors_say_which_entry_and_where() {
        let err = TopicFilter::parse_list("head,,block").unwrap_err();
        assert_eq!(
            err,
            TopicError::InList {
                index: 1,
                error: alloc::boxed::Box::new(TopicError::Empty)
            }
        );
        let err = TopicFilter::parse_list("head, a//b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "topic #1 of the list: topic has an empty segment (`//`) at byte 8"
        );
        assert_eq!(TopicFilter::from_topics(vec![]), Err(TopicError::Empty));
        let many = vec!["t"; MAX_FILTER_TOPICS + 1].join(",");
        assert_eq!(
            TopicFilter::parse_list(&many),
            Err(TopicError::TooManyTopics {
                count: MAX_FILTER_TOPICS + 1
            })
        );
    }
}
