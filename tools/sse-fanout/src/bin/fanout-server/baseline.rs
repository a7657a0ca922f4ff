//! The limit baseline: a bare tokio TCP server. It reads the request head, writes a
//! fixed response head, then writes the pre-encoded frames of a broadcast channel to
//! the socket, every frame that is ready in one vectored write, without copying. No
//! HTTP library, no per-event encoding, no keep-alive timer: what the kernel and
//! loopback allow with tokio's I/O.

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::net::TcpListener;

use bytes::{Buf, Bytes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use crate::control::{Bench, Subscribers};
use crate::sinks::{FrameSink, channel};

const RESPONSE_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
    cache-control: no-cache\r\nconnection: close\r\n\r\n";

/// Most frames gathered into one write (Linux takes up to 1024 slices per call).
const WRITE_BATCH: usize = 64;

pub fn serve(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let tx = channel::<Bytes>(bench.events());
    bench.start_control(FrameSink(tx.clone()))?;
    let subscribers = bench.subscribers();
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        loop {
            let (socket, _) = listener.accept().await?;
            let rx = tx.subscribe();
            let subscribers = subscribers.clone();
            tokio::spawn(async move {
                // A client that goes away ends its task; nothing to report.
                let _ = connection(socket, rx, &subscribers).await;
            });
        }
    })
}

async fn connection(
    mut socket: TcpStream,
    mut rx: broadcast::Receiver<Bytes>,
    subscribers: &Subscribers,
) -> io::Result<()> {
    socket.set_nodelay(true)?;
    read_request_head(&mut socket).await?;
    socket.write_all(RESPONSE_HEAD).await?;
    subscribers.joined();
    let mut batch = VecDeque::new();
    loop {
        match rx.recv().await {
            Ok(frame) => batch.push_back(frame),
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return Ok(()),
        }
        while batch.len() < WRITE_BATCH {
            match rx.try_recv() {
                Ok(frame) => batch.push_back(frame),
                Err(TryRecvError::Lagged(_)) => {}
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        write_all_vectored(&mut socket, &mut batch).await?;
    }
}

/// Writes every frame of `batch` with vectored writes, emptying it.
async fn write_all_vectored(socket: &mut TcpStream, batch: &mut VecDeque<Bytes>) -> io::Result<()> {
    while !batch.is_empty() {
        let slices: Vec<IoSlice<'_>> = batch.iter().map(|frame| IoSlice::new(frame)).collect();
        let mut written = socket.write_vectored(&slices).await?;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        while let Some(front) = batch.front_mut() {
            if written < front.len() {
                front.advance(written);
                break;
            }
            written -= front.len();
            batch.pop_front();
        }
    }
    Ok(())
}

/// Reads until the empty line that ends a request head (at most 8 KiB).
async fn read_request_head(socket: &mut TcpStream) -> io::Result<()> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0; 1024];
    while memchr::memmem::find(&head, b"\r\n\r\n").is_none() {
        let n = socket.read(&mut buf).await?;
        if n == 0 || head.len() > 8 * 1024 {
            return Err(io::ErrorKind::InvalidData.into());
        }
        head.extend_from_slice(buf.get(..n).unwrap_or_default());
    }
    Ok(())
}
