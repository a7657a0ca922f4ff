//! `sse listen URL`: the reconnecting client, printing events as they arrive.
//!
//! Events go to standard output ([`crate::output`] formats); the connection's story
//! (reconnections with their cause and delay, the reason for stopping) goes to standard
//! error, one line each. A gap event (type `sse-gap`: the server could not resume from
//! the last event id, so events were missed) is printed like any other event and also
//! warned about on standard error; it does not count toward `--count`. Exit codes: 0
//! after `--count` events, when the server answers `204 No Content`, or when the
//! stream ends under `--no-reconnect`; 1 with a one-line
//! reason when connecting fails for good, the response is invalid (status other than
//! 200, content type other than `text/event-stream`), retries run out or the stream
//! breaks the decoder's limits; 2 for invalid arguments.

use std::future::poll_fn;
use std::io::{self, Write};
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http::{Method, Request};
use sse_core::hub::GAP_EVENT_TYPE;
use sse_core::{ClientConfig, Disconnect, EventId, StopReason};
use sse_tokio::client::{EventSource, SourceEvent};

use crate::cli::ListenArgs;
use crate::exit::Failure;
use crate::output::{EventPrinter, EventView, Format, gap_warning};

/// Runs `sse listen` until it has what it came for or the stream fails for good.
pub async fn run(args: ListenArgs) -> Result<(), Failure> {
    let source = event_source(&args)?;
    let format = Format::for_stdout(args.json);
    let printer = EventPrinter::new(io::stdout(), format).flush_each();
    listen(source, printer, &args).await
}

/// The event source the arguments describe.
pub fn event_source(args: &ListenArgs) -> Result<EventSource, Failure> {
    let usage = |e: &dyn std::fmt::Display| Failure::usage(format!("sse listen: {e}"));
    let request = request(args)?;
    let config = ClientConfig::default()
        .max_retries(if args.no_reconnect {
            Some(0)
        } else {
            args.max_retries
        })
        .idle_timeout(args.idle_timeout)
        .connect_timeout(Some(args.connect_timeout).filter(|timeout| !timeout.is_zero()));
    let mut builder = EventSource::builder(request).config(config);
    if let Some(id) = &args.last_event_id {
        builder = builder.last_event_id(EventId::new(id).map_err(|e| usage(&e))?);
    }
    builder.build().map_err(|e| usage(&e))
}

/// The request of every connection attempt: method, URL, `-H` headers, `--data` body.
pub fn request(args: &ListenArgs) -> Result<Request<Bytes>, Failure> {
    let body = match args.data.as_deref() {
        None => Bytes::new(),
        Some(data) => read_data(data)?,
    };
    let method = match (&args.method, &args.data) {
        (Some(method), _) => method.clone(),
        (None, Some(_)) => Method::POST,
        (None, None) => Method::GET,
    };
    let mut request = Request::builder()
        .method(method)
        .uri(args.url.as_str())
        .body(body)
        .map_err(|e| Failure::usage(format!("sse listen: invalid URL `{}`: {e}", args.url)))?;
    for header in &args.headers {
        request
            .headers_mut()
            .append(header.name.clone(), header.value.clone());
    }
    Ok(request)
}

/// `--data` text, or the contents of the file after `@`.
fn read_data(data: &str) -> Result<Bytes, Failure> {
    match data.strip_prefix('@') {
        Some(path) => std::fs::read(path).map(Bytes::from).map_err(|e| {
            Failure::runtime(format!("sse listen: cannot read --data file {path}: {e}"))
        }),
        None => Ok(Bytes::copy_from_slice(data.as_bytes())),
    }
}

/// Prints what `source` yields until `--count` events, a stop, or a failure.
pub async fn listen<W: Write>(
    mut source: EventSource,
    mut printer: EventPrinter<W>,
    args: &ListenArgs,
) -> Result<(), Failure> {
    let mut received: u64 = 0;
    let mut opened = false;
    while let Some(item) = poll_fn(|cx| Pin::new(&mut source).poll_next(cx)).await {
        match item {
            Ok(SourceEvent::Message(event)) => {
                match printer.event(EventView::from(&event)) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
                    Err(e) => return Err(Failure::runtime(format!("sse listen: output: {e}"))),
                }
                if event.event_type() == GAP_EVENT_TYPE {
                    eprintln!("sse listen: warning: {}", gap_warning(event.data()));
                    continue;
                }
                received += 1;
                if args.count.is_some_and(|count| received >= count) {
                    return Ok(());
                }
            }
            Ok(SourceEvent::Open) => {
                if opened {
                    eprintln!("sse listen: reconnected");
                }
                opened = true;
            }
            Ok(SourceEvent::Reconnecting {
                delay,
                attempt,
                cause,
            }) => eprintln!(
                "sse listen: {cause}; reconnecting in {} (attempt {attempt})",
                seconds(delay)
            ),
            Ok(_) => {}
            Err(reason) => return stopped(reason, args),
        }
    }
    Ok(())
}

/// The exit for a stop: success for 204 and for the end of a `--no-reconnect` stream.
fn stopped(reason: StopReason, args: &ListenArgs) -> Result<(), Failure> {
    match reason {
        StopReason::NoContent => {
            eprintln!("sse listen: server answered 204 No Content; stopping");
            Ok(())
        }
        StopReason::RetriesExhausted {
            last: Disconnect::EndOfStream,
            ..
        } if args.no_reconnect => {
            eprintln!("sse listen: the server ended the stream");
            Ok(())
        }
        StopReason::RetriesExhausted { last, .. } if args.no_reconnect => {
            Err(Failure::runtime(format!("sse listen: {last}")))
        }
        other => Err(Failure::runtime(format!("sse listen: {other}"))),
    }
}

fn seconds(delay: Duration) -> String {
    format!("{:.1}s", delay.as_secs_f64())
}
