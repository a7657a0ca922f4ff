//! `EventsExt::events()` over `reqwest::Response::bytes_stream()`, against a real
//! server on loopback that sends its events in awkward pieces.

use std::time::Duration;

use futures_util::StreamExt;
use sse_tokio::{EventStreamError, EventsExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves one request: the response head, then `pieces` with a pause between them,
/// then closes the connection.
async fn serve_once(listener: TcpListener, pieces: Vec<Vec<u8>>) {
    let (mut socket, _) = listener.accept().await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte).await.unwrap() == 0 {
            return;
        }
        head.push(byte[0]);
    }
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    for piece in pieces {
        socket.write_all(&piece).await.unwrap();
        socket.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn events_of_a_reqwest_byte_stream() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    let big = "z".repeat(100_000);
    let stream = format!(
        "\u{FEFF}retry: 750\nid: 1\ndata: hel\r\n: comment\ndata: lo\n\nevent: big\ndata: {big}\n\ndata: é€\r\n\r\ndata: unfinished"
    );
    // Cut inside the BOM, inside a CR LF, inside a multi-byte character and in the
    // middle of the large line.
    let bytes = stream.into_bytes();
    let cuts = [2, 30, 31, 1000, 60_000, bytes.len() - 20, bytes.len() - 17];
    let mut pieces = Vec::new();
    let mut from = 0;
    for to in cuts.into_iter().chain([bytes.len()]) {
        pieces.push(bytes[from..to].to_vec());
        from = to;
    }
    let server = tokio::spawn(serve_once(listener, pieces));

    let response = reqwest::get(url).await.unwrap();
    let mut events = response.bytes_stream().events();
    let mut got = Vec::new();
    while let Some(event) = tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .expect("the stream ends")
    {
        let event = event.unwrap();
        got.push((
            event.event_type().to_owned(),
            event.data().len(),
            event.last_event_id().as_str().to_owned(),
        ));
        if event.event_type() == "message" && got.len() == 1 {
            assert_eq!(event.data(), "hel\nlo");
        }
    }
    assert_eq!(
        got,
        [
            ("message".to_owned(), 6, "1".to_owned()),
            ("big".to_owned(), big.len(), "1".to_owned()),
            ("message".to_owned(), "é€".len(), "1".to_owned()),
        ]
    );
    assert_eq!(events.retry(), Some(Duration::from_millis(750)));
    server.await.unwrap();
}

#[tokio::test]
async fn a_broken_connection_is_a_read_error_with_reqwest_as_its_source() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0; 1024];
        let _ = socket.read(&mut buf).await.unwrap();
        // A chunked body cut off in the middle of a chunk.
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n10\r\ndata: a\n\ndata")
            .await
            .unwrap();
    });
    let response = reqwest::get(url).await.unwrap();
    let items: Vec<_> = response.bytes_stream().events().collect().await;
    server.await.unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().data(), "a");
    match &items[1] {
        Err(EventStreamError::Read(error)) => {
            let _: &reqwest::Error = error;
        }
        other => panic!("expected a read error, got {other:?}"),
    }
}
