//! `POST /start` on the server's control port.

use std::io;
use std::net::SocketAddr;

use sse_testkit::http1::head::parse_head;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Asks the server to start publishing once it has `subscribers`; returns its answer.
pub async fn start(control: SocketAddr, subscribers: usize) -> io::Result<String> {
    let mut stream = TcpStream::connect(control).await?;
    let request = format!(
        "POST /start?subscribers={subscribers} HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         content-length: 0\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let (head, len) = parse_head(response.as_bytes())
        .map_err(io::Error::other)?
        .ok_or_else(|| io::Error::other(format!("no complete response head: {response}")))?;
    if head.status != 200 {
        return Err(io::Error::other(format!("start refused: {response}")));
    }
    let body = response.get(len..).unwrap_or_default();
    Ok(body.trim().to_owned())
}
