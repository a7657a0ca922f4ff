//! How an event is written into a stream entry, and read back out of Redis's replies.
//!
//! The layout is in the crate docs ("Stream entries").

use core::fmt;
use core::time::Duration;

use bytes::Bytes;
use redis::Value;
use sse_core::hub::Topic;
use sse_core::{Event, EventType};

use crate::id::StreamId;

const TOPIC: &str = "topic";
const TYPE: &str = "type";
const DATA: &str = "data";
const RETRY: &str = "retry";
const COMMENT: &str = "comment";

/// Appends the entry's field/value pairs for `event` on `topic` to an `XADD` command.
pub(crate) fn write_fields(cmd: &mut redis::Cmd, topic: &Topic, event: &Event) {
    cmd.arg(TOPIC).arg(topic.as_str());
    if let Some(kind) = event.event_type() {
        cmd.arg(TYPE).arg(kind.as_str());
    }
    if let Some(data) = event.data() {
        cmd.arg(DATA).arg(data);
    }
    if let Some(retry) = event.retry() {
        cmd.arg(RETRY)
            .arg(u64::try_from(retry.as_millis()).unwrap_or(u64::MAX));
    }
    for comment in event.comments() {
        cmd.arg(COMMENT).arg(comment);
    }
}

/// An entry's field/value pairs, in order.
type Fields = Vec<(Vec<u8>, Vec<u8>)>;

/// One entry as Redis returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawEntry {
    pub(crate) id: StreamId,
    fields: Fields,
}

/// An entry that is not an event this crate wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntryError(&'static str);

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl RawEntry {
    /// The topic and the event (without an id: the hub stamps the entry's id).
    pub(crate) fn decode(&self) -> Result<(Topic, Event), EntryError> {
        let mut topic = None;
        let mut event = Event::default();
        for (name, value) in &self.fields {
            match name.as_slice() {
                b"topic" => {
                    let text = text(value, "topic is not UTF-8")?;
                    topic = Some(Topic::new(text).map_err(|_| EntryError("invalid topic"))?);
                }
                b"type" => {
                    let text = text(value, "type is not UTF-8")?;
                    let kind = EventType::new(text).map_err(|_| EntryError("invalid type"))?;
                    event = event.with_type(kind);
                }
                b"data" => event = event.with_data(Bytes::copy_from_slice(value)),
                b"retry" => {
                    let ms = text(value, "retry is not a number")?
                        .parse()
                        .map_err(|_| EntryError("retry is not a number"))?;
                    event = event.with_retry(Duration::from_millis(ms));
                }
                b"comment" => event = event.with_comment(Bytes::copy_from_slice(value)),
                _ => {}
            }
        }
        let topic = topic.ok_or(EntryError("no topic"))?;
        Ok((topic, event))
    }
}

fn text<'a>(value: &'a [u8], error: &'static str) -> Result<&'a str, EntryError> {
    core::str::from_utf8(value).map_err(|_| EntryError(error))
}

/// Redis answered in a shape a stream command does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReplyError(pub(crate) &'static str);

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected reply from Redis: {}", self.0)
    }
}

impl std::error::Error for ReplyError {}

/// The entries of an `XRANGE`/`XREVRANGE` reply: `[[id, [field, value, …]], …]`.
pub(crate) fn parse_range(reply: Value) -> Result<Vec<RawEntry>, ReplyError> {
    match reply {
        Value::Nil => Ok(Vec::new()),
        Value::Array(items) => items.into_iter().map(parse_entry).collect(),
        _ => Err(ReplyError("a range is not an array")),
    }
}

/// The entries of an `XREAD` reply for one stream: nil when the block timed out, else
/// `[[key, entries]]` (RESP2) or `{key: entries}` (RESP3).
pub(crate) fn parse_read(reply: Value) -> Result<Vec<RawEntry>, ReplyError> {
    let entries = match reply {
        Value::Nil => return Ok(Vec::new()),
        Value::Array(streams) => streams
            .into_iter()
            .map(|stream| match stream {
                Value::Array(pair) => pair.into_iter().nth(1),
                _ => None,
            })
            .next()
            .flatten(),
        Value::Map(streams) => streams.into_iter().map(|(_, entries)| entries).next(),
        _ => return Err(ReplyError("a read is neither nil, an array nor a map")),
    };
    match entries {
        Some(entries) => parse_range(entries),
        None => Err(ReplyError("a read names no stream")),
    }
}

fn parse_entry(value: Value) -> Result<RawEntry, ReplyError> {
    let Value::Array(parts) = value else {
        return Err(ReplyError("an entry is not an array"));
    };
    let mut parts = parts.into_iter();
    let id = parts
        .next()
        .and_then(bytes_of)
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| StreamId::parse(&t))
        .ok_or(ReplyError("an entry has no valid id"))?;
    let fields = match parts.next() {
        Some(Value::Array(flat)) => pairs(flat)?,
        Some(Value::Map(map)) => map
            .into_iter()
            .map(|(k, v)| Some((bytes_of(k)?, bytes_of(v)?)))
            .collect::<Option<Vec<_>>>()
            .ok_or(ReplyError("an entry field is not a string"))?,
        Some(Value::Nil) | None => Vec::new(),
        Some(_) => return Err(ReplyError("an entry's fields are not an array")),
    };
    Ok(RawEntry { id, fields })
}

fn pairs(flat: Vec<Value>) -> Result<Fields, ReplyError> {
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut items = flat.into_iter();
    while let Some(name) = items.next() {
        let value = items
            .next()
            .ok_or(ReplyError("an entry field has no value"))?;
        match (bytes_of(name), bytes_of(value)) {
            (Some(name), Some(value)) => out.push((name, value)),
            _ => return Err(ReplyError("an entry field is not a string")),
        }
    }
    Ok(out)
}

/// The bytes of a string reply.
pub(crate) fn bytes_of(value: Value) -> Option<Vec<u8>> {
    match value {
        Value::BulkString(bytes) => Some(bytes),
        Value::SimpleString(text) => Some(text.into_bytes()),
        Value::VerbatimString { text, .. } => Some(text.into_bytes()),
        Value::Int(n) => Some(n.to_string().into_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    fn entry(id: &str, fields: &[&str]) -> Value {
        Value::Array(vec![
            bulk(id),
            Value::Array(fields.iter().map(|f| bulk(f)).collect()),
        ])
    }

    /// The fields `write_fields` puts into a command, as Redis would return them.
    fn written(topic: &str, event: &Event) -> RawEntry {
        let mut cmd = redis::Cmd::new();
        write_fields(&mut cmd, &Topic::new(topic).unwrap(), event);
        let args: Vec<Vec<u8>> = cmd
            .args_iter()
            .map(|arg| match arg {
                redis::Arg::Simple(bytes) => bytes.to_vec(),
                _ => panic!("write_fields adds plain arguments only"),
            })
            .collect();
        let flat = args.into_iter().map(Value::BulkString).collect();
        RawEntry {
            id: StreamId::new(1, 0),
            fields: pairs(flat).unwrap(),
        }
    }

    #[test]
    fn every_field_round_trips_but_the_id() {
        let event = Event::builder()
            .event("update")
            .data("line 1\nline 2\r\n")
            .id("ignored")
            .retry(Duration::from_millis(2500))
            .comment("first")
            .comment("")
            .build()
            .unwrap();
        let (topic, back) = written("pets/dogs", &event).decode().unwrap();
        assert_eq!(topic.as_str(), "pets/dogs");
        let mut expected = event.clone();
        expected.set_id(None);
        assert_eq!(back, expected);

        let bare = Event::default();
        assert_eq!(written("t", &bare).decode().unwrap().1, bare);
        let empty_data = Event::new("");
        assert_eq!(written("t", &empty_data).decode().unwrap().1, empty_data);
        let binary = Event::new(vec![0xff, 0, b'\n']);
        assert_eq!(written("t", &binary).decode().unwrap().1, binary);
    }

    #[test]
    fn foreign_entries_are_refused_with_a_reason() {
        let decode = |fields: &[&str]| {
            let reply = Value::Array(vec![entry("1-0", fields)]);
            parse_range(reply).unwrap()[0].decode()
        };
        assert_eq!(decode(&["data", "x"]), Err(EntryError("no topic")));
        assert_eq!(decode(&["topic", "a//b"]), Err(EntryError("invalid topic")));
        assert_eq!(
            decode(&["topic", "a", "type", "a\nb"]),
            Err(EntryError("invalid type"))
        );
        assert_eq!(
            decode(&["topic", "a", "retry", "-1"]),
            Err(EntryError("retry is not a number"))
        );
        let (topic, event) = decode(&["topic", "a", "extra", "ignored", "data", "x"]).unwrap();
        assert_eq!((topic.as_str(), event.data()), ("a", Some(&b"x"[..])));
    }

    #[test]
    fn read_replies_in_resp2_and_resp3() {
        let entries = Value::Array(vec![entry("5-0", &["topic", "a"]), entry("5-1", &[])]);
        let resp2 = Value::Array(vec![Value::Array(vec![bulk("key"), entries.clone()])]);
        let resp3 = Value::Map(vec![(bulk("key"), entries)]);
        for reply in [resp2, resp3] {
            let got = parse_read(reply).unwrap();
            let ids: Vec<String> = got.iter().map(|e| e.id.to_string()).collect();
            assert_eq!(ids, ["5-0", "5-1"]);
            assert_eq!(got[1].decode(), Err(EntryError("no topic")));
        }
        assert_eq!(parse_read(Value::Nil).unwrap(), Vec::new());
    }

    #[test]
    fn malformed_replies_are_errors_not_panics() {
        for reply in [
            Value::Int(3),
            Value::Array(vec![Value::Int(1)]),
            Value::Array(vec![Value::Array(vec![bulk("not-an-id"), Value::Nil])]),
            Value::Array(vec![Value::Array(vec![
                bulk("1-0"),
                Value::Array(vec![bulk("odd")]),
            ])]),
            Value::Array(vec![Value::Array(vec![
                bulk("1-0"),
                Value::Array(vec![bulk("f"), Value::Array(vec![])]),
            ])]),
        ] {
            assert!(parse_range(reply).is_err());
        }
        assert!(parse_read(Value::Array(vec![])).is_err());
        assert!(parse_read(Value::Okay).is_err());
    }
}
