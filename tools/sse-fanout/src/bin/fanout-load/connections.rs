//! The client connections: connect, send the request, read the response head, then
//! count frames until the connection ends. All on one thread, sharing one read buffer.

use std::cell::{Cell, RefCell};
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Instant, SystemTime};

use sse_fanout::chunked::Progress;
use sse_fanout::head::{BodyFraming, parse_head};
use sse_fanout::payload::unix_micros;
use sse_fanout::scan::FrameScanner;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// The request every connection sends, for the event stream at `path`.
pub fn request(path: &str) -> Rc<[u8]> {
    format!(
        "GET {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         accept: text/event-stream\r\ncache-control: no-cache\r\n\r\n"
    )
    .into_bytes()
    .into()
}

/// Bytes read per `read` call (one buffer for every connection).
const READ_BUFFER: usize = 256 * 1024;

/// Errors kept for the report (the first few are enough to tell what went wrong).
const KEPT_ERRORS: usize = 5;

thread_local! {
    static READ_BUF: RefCell<Vec<u8>> = RefCell::new(vec![0; READ_BUFFER]);
}

/// What every connection adds to; read by the run loop.
#[derive(Debug)]
pub struct Tally {
    /// Connections whose response head arrived.
    pub open: Cell<usize>,
    /// Connections that failed before their response head.
    pub failed: Cell<usize>,
    /// Connections that ended after their head.
    pub ended: Cell<usize>,
    /// Frames counted over every connection.
    pub frames: Cell<u64>,
    /// When the latest frame arrived.
    pub last_frame: Cell<Option<Instant>>,
    /// Publish → receive latencies, µs (with timestamps only).
    pub latencies: RefCell<Vec<u64>>,
    /// The first few errors.
    pub errors: RefCell<Vec<String>>,
    timestamps: bool,
}

impl Tally {
    pub fn new(timestamps: bool) -> Tally {
        Tally {
            open: Cell::new(0),
            failed: Cell::new(0),
            ended: Cell::new(0),
            frames: Cell::new(0),
            last_frame: Cell::new(None),
            latencies: RefCell::new(Vec::new()),
            errors: RefCell::new(Vec::new()),
            timestamps,
        }
    }

    fn note_error(&self, error: impl ToString) {
        let mut errors = self.errors.borrow_mut();
        if errors.len() < KEPT_ERRORS {
            errors.push(error.to_string());
        }
    }

    fn bump(cell: &Cell<usize>) {
        cell.set(cell.get() + 1);
    }
}

/// Starts `clients` connections to `server`, each sending `request`, at most
/// `parallelism` connecting at once.
pub fn spawn(
    server: SocketAddr,
    request: &Rc<[u8]>,
    clients: usize,
    parallelism: usize,
    tally: &Rc<Tally>,
) {
    let permits = Rc::new(Semaphore::new(parallelism));
    for _ in 0..clients {
        let tally = tally.clone();
        let permits = permits.clone();
        let request = request.clone();
        tokio::task::spawn_local(async move {
            let stream = match open(server, &request, &permits).await {
                Ok(opened) => opened,
                Err(error) => {
                    Tally::bump(&tally.failed);
                    tally.note_error(format!("connect: {error}"));
                    return;
                }
            };
            if let Err(error) = count_frames(stream, &tally).await {
                tally.note_error(format!("read: {error}"));
            }
            Tally::bump(&tally.ended);
        });
    }
}

/// A connection whose response head has arrived, with the body bytes read with it.
struct Opened {
    stream: TcpStream,
    framing: BodyFraming,
    first_bytes: Vec<u8>,
}

async fn open(server: SocketAddr, request: &[u8], permits: &Semaphore) -> io::Result<Opened> {
    let mut stream = {
        let _permit = permits.acquire().await.map_err(io::Error::other)?;
        let mut stream = TcpStream::connect(server).await?;
        stream.set_nodelay(true)?;
        // Close with a reset: no TIME_WAIT left behind to eat ephemeral ports across
        // the benchmark's many runs.
        stream.set_zero_linger()?;
        stream.write_all(request).await?;
        stream
    };
    let mut received = Vec::with_capacity(1024);
    loop {
        let mut buf = [0; 2048];
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        received.extend_from_slice(buf.get(..n).unwrap_or_default());
        if let Some((head, len)) = parse_head(&received).map_err(io::Error::other)? {
            if head.status != 200 {
                return Err(io::Error::other(format!("status {}", head.status)));
            }
            return Ok(Opened {
                stream,
                framing: head.framing,
                first_bytes: received.split_off(len),
            });
        }
    }
}

async fn count_frames(opened: Opened, tally: &Tally) -> io::Result<()> {
    Tally::bump(&tally.open);
    let Opened {
        stream,
        framing,
        first_bytes,
    } = opened;
    let mut scanner = FrameScanner::new(framing, tally.timestamps);
    if feed(&mut scanner, &first_bytes, tally)? == Progress::Ended {
        return Ok(());
    }
    loop {
        stream.readable().await?;
        let read = READ_BUF.with_borrow_mut(|buf| match stream.try_read(buf) {
            Ok(0) => Ok(Some(Progress::Ended)),
            Ok(n) => feed(&mut scanner, buf.get(..n).unwrap_or_default(), tally).map(Some),
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(error) => Err(error),
        })?;
        if read == Some(Progress::Ended) {
            return Ok(());
        }
    }
}

/// Feeds bytes to the scanner and adds what it found to the tally.
fn feed(scanner: &mut FrameScanner, bytes: &[u8], tally: &Tally) -> io::Result<Progress> {
    let before = scanner.frames();
    let progress = if tally.timestamps {
        let now = unix_micros(SystemTime::now());
        let mut latencies = tally.latencies.borrow_mut();
        scanner.feed(bytes, |sent| latencies.push(now.saturating_sub(sent)))
    } else {
        scanner.feed(bytes, |_| {})
    }
    .map_err(io::Error::other)?;
    let new = scanner.frames() - before;
    if new > 0 {
        tally.frames.set(tally.frames.get() + new);
        tally.last_frame.set(Some(Instant::now()));
    }
    Ok(progress)
}
