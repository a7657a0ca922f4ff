//! `sse decode [FILE]`: a captured `text/event-stream` through the core decoder.
//!
//! The input (a file, or standard input when no file or `-` is given) is read in
//! chunks of [`CHUNK_SIZE`] bytes and fed to [`sse_core::Decoder`]; every dispatched
//! event is printed as soon as it is decoded, and in `--json` mode every valid `retry`
//! field too (`{"retry":N}`), at the point it is parsed. Memory stays bounded by the
//! chunk size and the decoder's limits whatever the input: a line over `--max-line` or an
//! event over `--max-event` ends the command with a one-line error and exit code 1.

use std::io::{self, Read, Write};

use bytes::BytesMut;
use sse_core::{DecodeError, Decoded, Decoder, Limits};

use crate::exit::Failure;
use crate::output::{EventPrinter, EventView};

/// How many bytes are read and fed to the decoder at a time.
pub const CHUNK_SIZE: usize = 64 * 1024;

/// Decodes everything `input` yields and prints the items with `printer`.
///
/// Stops at the first limit error. A closed output (a pipe whose reader went away, as
/// with `sse decode capture | head`) ends decoding quietly and successfully.
pub fn decode_stream<R: Read, W: Write>(
    input: R,
    limits: Limits,
    printer: &mut EventPrinter<W>,
) -> Result<(), Failure> {
    match decode_all(input, limits, printer) {
        Ok(()) | Err(Stop::OutputClosed) => Ok(()),
        Err(Stop::Failed(failure)) => Err(failure),
    }
}

/// Why decoding stopped early.
enum Stop {
    /// The reader of the output went away: nothing more to do.
    OutputClosed,
    /// A real failure, reported to the user.
    Failed(Failure),
}

impl From<io::Error> for Stop {
    fn from(error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Stop::OutputClosed
        } else {
            Stop::Failed(Failure::runtime(format!(
                "sse decode: writing the output: {error}"
            )))
        }
    }
}

fn decode_all<R: Read, W: Write>(
    mut input: R,
    limits: Limits,
    printer: &mut EventPrinter<W>,
) -> Result<(), Stop> {
    let mut decoder = Decoder::with_limits(limits);
    // Each read is handed over as shared bytes (`feed_bytes`): events whole in it are
    // printed from it without a copy, and its memory is reused once they are printed.
    let mut buffer = BytesMut::new();
    let mut offset: u64 = 0;
    loop {
        buffer.clear();
        buffer.resize(CHUNK_SIZE, 0);
        let read = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let message = format!("sse decode: reading the input: {e}");
                return Err(Stop::Failed(Failure::runtime(message)));
            }
        };
        buffer.truncate(read);
        decoder.feed_bytes(buffer.split().freeze());
        let end = offset + read as u64;
        drain(&mut decoder, printer, offset, end)?;
        offset = end;
    }
    decoder.finish();
    drain(&mut decoder, printer, offset, offset)?;
    Ok(printer.flush()?)
}

/// Prints every item the decoder has ready; `start..end` is the span of the input fed
/// last, for the error message.
fn drain<W: Write>(
    decoder: &mut Decoder,
    printer: &mut EventPrinter<W>,
    start: u64,
    end: u64,
) -> Result<(), Stop> {
    while let Some(item) = decoder.next_item() {
        match item {
            Ok(Decoded::Event(event)) => printer.event(EventView::from(&event))?,
            Ok(Decoded::Retry(retry)) => printer.retry(retry)?,
            Ok(_) => {}
            Err(error) => {
                printer.flush()?;
                return Err(Stop::Failed(limit_failure(error, start, end)));
            }
        }
    }
    Ok(())
}

fn limit_failure(error: DecodeError, start: u64, end: u64) -> Failure {
    let what = match error {
        DecodeError::LineTooLong { limit } => {
            format!("a line is longer than --max-line ({limit} bytes)")
        }
        DecodeError::EventTooLarge { limit } => {
            format!("an event is larger than --max-event ({limit} bytes)")
        }
        other => other.to_string(),
    };
    let place = if start == end {
        format!("at the end of the input ({end} bytes)")
    } else {
        format!("within input bytes {start}..{end}")
    };
    Failure::runtime(format!("sse decode: {what}, {place}"))
}

/// Runs `sse decode` with its arguments: the file (or stdin) to standard output.
pub fn run(args: &crate::cli::DecodeArgs) -> Result<(), Failure> {
    let limits = Limits::default()
        .max_line(args.max_line)
        .max_event(args.max_event);
    let stdout = io::stdout().lock();
    let format = crate::output::Format::for_stdout(args.json);
    let mut printer = EventPrinter::new(io::BufWriter::new(stdout), format);
    match args.file.as_deref() {
        None => decode_stream(io::stdin().lock(), limits, &mut printer),
        Some(path) if path.as_os_str() == "-" => {
            decode_stream(io::stdin().lock(), limits, &mut printer)
        }
        Some(path) => {
            let file = std::fs::File::open(path).map_err(|e| {
                Failure::runtime(format!("sse decode: cannot open {}: {e}", path.display()))
            })?;
            decode_stream(file, limits, &mut printer)
        }
    }
}
