//! How `listen` and `decode` print what they receive.
//!
//! Two formats:
//! - **readable** (default): a header line per event, `[type] id=ID` (the id part only
//!   when the last event ID is not empty), then the data, then a blank line. Control
//!   characters in the text (other than line feed and tab) are shown escaped (`\u{1b}`),
//!   so a stream cannot drive the terminal; use `--json` for the exact text. Colour is
//!   used when standard output is a terminal and `NO_COLOR` is unset or empty.
//! - **JSON** (`--json`): one object per line, exactly
//!   `{"type":"…","data":"…","lastEventId":"…"}` per dispatched event, and
//!   `{"retry":N}` (milliseconds) where the decoder reads a valid `retry` field.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use serde::Serialize;

/// One dispatched event, as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EventView<'a> {
    /// The event type (`message` when the stream set none).
    #[serde(rename = "type")]
    pub event_type: &'a str,
    /// The data, lines joined with `\n`.
    pub data: &'a str,
    /// The last event ID when the event was dispatched.
    #[serde(rename = "lastEventId")]
    pub last_event_id: &'a str,
}

impl<'a> From<&'a sse_core::MessageEvent> for EventView<'a> {
    fn from(event: &'a sse_core::MessageEvent) -> Self {
        EventView {
            event_type: event.event_type(),
            data: event.data(),
            last_event_id: event.last_event_id().as_str(),
        }
    }
}

/// The JSON data of a gap event (see `sse_core::hub`'s gap docs).
#[derive(serde::Deserialize)]
struct GapView {
    reason: String,
    last_event_id: String,
    resumed_from: Option<String>,
}

/// A one-line warning for a gap event with `data`: which events were missed.
///
/// ```
/// use sse_cli::output::gap_warning;
///
/// let data = r#"{"reason":"expired","last_event_id":"a-1","resumed_from":"a-9"}"#;
/// assert_eq!(
///     gap_warning(data),
///     "events were missed: the server no longer has the events after `a-1`; \
///      resumed from `a-9`, so the events between were lost"
/// );
/// ```
pub fn gap_warning(data: &str) -> String {
    let Ok(gap) = serde_json::from_str::<GapView>(data) else {
        return format!(
            "events may have been missed (gap event: {})",
            escape_controls(&data.replace('\n', " "))
        );
    };
    let last = escape_controls(&gap.last_event_id);
    let cause = match gap.reason.as_str() {
        "expired" => format!("the server no longer has the events after `{last}`"),
        "unknown" => format!("the server does not know the last event id `{last}`"),
        other => format!("`{}` for last event id `{last}`", escape_controls(other)),
    };
    let resumed = match &gap.resumed_from {
        Some(id) => format!(
            "resumed from `{}`, so the events between were lost",
            escape_controls(id)
        ),
        None => "resumed with the next new event".to_owned(),
    };
    format!("events were missed: {cause}; {resumed}")
}

#[derive(Serialize)]
struct RetryView {
    retry: u128,
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people; `colour` adds ANSI styles.
    Readable {
        /// Whether to use ANSI colours.
        colour: bool,
    },
    /// One JSON object per line.
    Json,
}

impl Format {
    /// `--json` gives [`Format::Json`]; otherwise readable, with colour when standard
    /// output is a terminal and `NO_COLOR` is unset or empty.
    pub fn for_stdout(json: bool) -> Format {
        if json {
            return Format::Json;
        }
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Format::Readable {
            colour: !no_colour && io::stdout().is_terminal(),
        }
    }
}

const BOLD_CYAN: &str = "\x1b[1;36m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Writes events and retry changes in a [`Format`].
#[derive(Debug)]
pub struct EventPrinter<W> {
    out: W,
    format: Format,
    flush_each: bool,
}

impl<W: Write> EventPrinter<W> {
    /// A printer writing to `out`.
    pub fn new(out: W, format: Format) -> Self {
        EventPrinter {
            out,
            format,
            flush_each: false,
        }
    }

    /// Flushes after every item (for live streams: each event shows at once).
    pub fn flush_each(mut self) -> Self {
        self.flush_each = true;
        self
    }

    /// Prints a dispatched event.
    pub fn event(&mut self, event: EventView<'_>) -> io::Result<()> {
        match self.format {
            Format::Json => {
                serde_json::to_writer(&mut self.out, &event)?;
                self.out.write_all(b"\n")?;
            }
            Format::Readable { colour } => {
                let text = readable_event(event, colour);
                self.out.write_all(text.as_bytes())?;
            }
        }
        self.end_item()
    }

    /// Prints a `retry` change (the reconnection time the stream asked for).
    pub fn retry(&mut self, retry: Duration) -> io::Result<()> {
        match self.format {
            Format::Json => {
                let view = RetryView {
                    retry: retry.as_millis(),
                };
                serde_json::to_writer(&mut self.out, &view)?;
                self.out.write_all(b"\n")?;
            }
            Format::Readable { colour } => {
                let (dim, reset) = if colour { (DIM, RESET) } else { ("", "") };
                let ms = retry.as_millis();
                writeln!(self.out, "{dim}(retry {ms} ms){reset}")?;
            }
        }
        self.end_item()
    }

    /// Flushes the output.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn end_item(&mut self) -> io::Result<()> {
        if self.flush_each {
            self.out.flush()?;
        }
        Ok(())
    }
}

fn readable_event(event: EventView<'_>, colour: bool) -> String {
    let (head, dim, reset) = if colour {
        (BOLD_CYAN, DIM, RESET)
    } else {
        ("", "", "")
    };
    let mut text = String::with_capacity(event.data.len() + 32);
    let _ = write!(text, "{head}[{}]{reset}", escape_controls(event.event_type));
    if !event.last_event_id.is_empty() {
        let _ = write!(
            text,
            " {dim}id={}{reset}",
            escape_controls(event.last_event_id)
        );
    }
    text.push('\n');
    if !event.data.is_empty() {
        text.push_str(&escape_controls(event.data));
        text.push('\n');
    }
    text.push('\n');
    text
}

/// Escapes control characters other than line feed and tab (as `\u{1b}`).
fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_escaped) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_escaped(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out.into()
}

fn is_escaped(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(format: Format, f: impl FnOnce(&mut EventPrinter<Vec<u8>>)) -> String {
        let mut printer = EventPrinter::new(Vec::new(), format);
        f(&mut printer);
        String::from_utf8(printer.into_inner()).unwrap()
    }

    const EVENT: EventView<'static> = EventView {
        event_type: "update",
        data: "a \"quoted\"\nline",
        last_event_id: "7",
    };

    #[test]
    fn json_has_exactly_the_three_keys_in_order() {
        let out = print(Format::Json, |p| {
            p.event(EVENT).unwrap();
            p.retry(Duration::from_millis(1500)).unwrap();
            p.retry(Duration::from_millis(u64::MAX)).unwrap();
        });
        assert_eq!(
            out,
            "{\"type\":\"update\",\"data\":\"a \\\"quoted\\\"\\nline\",\"lastEventId\":\"7\"}\n\
             {\"retry\":1500}\n{\"retry\":18446744073709551615}\n"
        );
    }

    #[test]
    fn readable_plain_and_coloured() {
        let plain = print(Format::Readable { colour: false }, |p| {
            p.event(EVENT).unwrap();
            p.event(EventView {
                event_type: "message",
                data: "",
                last_event_id: "",
            })
            .unwrap();
        });
        assert_eq!(plain, "[update] id=7\na \"quoted\"\nline\n\n[message]\n\n");
        let coloured = print(Format::Readable { colour: true }, |p| {
            p.event(EVENT).unwrap()
        });
        assert!(coloured.starts_with("\x1b[1;36m[update]\x1b[0m \x1b[2mid=7\x1b[0m\n"));
    }

    #[test]
    fn readable_escapes_terminal_controls_but_json_keeps_them() {
        let hostile = EventView {
            event_type: "x\x1b[2J",
            data: "bell\x07\tok",
            last_event_id: "",
        };
        let plain = print(Format::Readable { colour: false }, |p| {
            p.event(hostile).unwrap()
        });
        assert_eq!(plain, "[x\\u{1b}[2J]\nbell\\u{7}\tok\n\n");
        let json = print(Format::Json, |p| p.event(hostile).unwrap());
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["type"], "x\x1b[2J");
    }
}
