//! The browser's way back: a one-request HTTP endpoint on loopback that receives the
//! record the page POSTs when its scenario ends.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// Largest record accepted (the scenario's is well under a kilobyte).
const MAX_BODY: usize = 1 << 20;

/// A listener waiting for one POST.
pub struct Collector {
    listener: TcpListener,
    address: SocketAddr,
}

impl Collector {
    /// Listens on an ephemeral loopback port.
    pub fn bind() -> Result<Collector, String> {
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(|e| format!("collector: bind: {e}"))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("collector: {e}"))?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("collector: {e}"))?;
        Ok(Collector { listener, address })
    }

    /// The URL to POST to.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Waits for a POST until `deadline` and returns its body; other requests are
    /// answered and ignored. `still_running` is asked between polls, so a browser
    /// that died ends the wait at once (it returns the reason).
    pub fn receive(
        &self,
        deadline: Instant,
        mut still_running: impl FnMut() -> Result<(), String>,
    ) -> Result<String, String> {
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(body) = read_post(stream)? {
                        return Ok(body);
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        return Err("no record posted before the deadline".into());
                    }
                    still_running()?;
                    thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(format!("collector: accept: {e}")),
            }
        }
    }
}

/// Reads one request; `Some(body)` if it was a POST.
fn read_post(stream: TcpStream) -> Result<Option<String>, String> {
    let io = |e: std::io::Error| format!("collector: {e}");
    stream.set_nonblocking(false).map_err(io)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(io)?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).map_err(io)?;
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(io)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().map_err(|_| "collector: bad length")?;
        }
    }
    if length > MAX_BODY {
        return Err(format!("collector: body of {length} bytes is too large"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(io)?;
    let mut stream = reader.into_inner();
    let _ = stream.write_all(
        b"HTTP/1.1 204 No Content\r\naccess-control-allow-origin: *\r\nconnection: close\r\n\r\n",
    );
    if !request_line.starts_with("POST ") {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&body).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Connects and sends each request in order (the listener accepts them in that
    /// order), then reads every answer.
    fn send(
        address: SocketAddr,
        requests: &'static [&'static str],
    ) -> thread::JoinHandle<Vec<String>> {
        thread::spawn(move || {
            let streams: Vec<TcpStream> = requests
                .iter()
                .map(|request| {
                    let mut stream = TcpStream::connect(address).unwrap();
                    stream.write_all(request.as_bytes()).unwrap();
                    stream
                })
                .collect();
            streams
                .into_iter()
                .map(|mut stream| {
                    let mut answer = String::new();
                    let _ = stream.read_to_string(&mut answer);
                    answer
                })
                .collect()
        })
    }

    #[test]
    fn receives_the_posted_body_and_ignores_other_requests() {
        let collector = Collector::bind().unwrap();
        let client = send(
            collector.address,
            &[
                "GET /favicon.ico HTTP/1.1\r\nhost: x\r\n\r\n",
                "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\nevent\tdone\n",
            ],
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        let body = collector.receive(deadline, || Ok(())).unwrap();
        assert_eq!(body, "event\tdone\n");
        let answers = client.join().unwrap();
        assert!(
            answers.iter().all(|a| a.starts_with("HTTP/1.1 204")),
            "{answers:?}"
        );
    }

    #[test]
    fn gives_up_when_the_browser_is_gone() {
        let collector = Collector::bind().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let error = collector.receive(deadline, || Err("chromium exited".into()));
        assert_eq!(error, Err("chromium exited".to_owned()));
    }
}
