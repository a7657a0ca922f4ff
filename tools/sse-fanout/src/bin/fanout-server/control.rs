//! The control port: `POST /start?subscribers=N` starts the publisher once the
//! implementation's handlers have seen N subscribers.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::publisher::{self, Plan, Sink};

/// Where the load generator asks for the event stream unless told otherwise.
const DEFAULT_PATH: &str = "/events";

/// How long `/start` waits for the subscribers it was told about.
const SUBSCRIBER_WAIT: Duration = Duration::from_secs(30);

/// Subscriptions opened by the implementation's handlers.
#[derive(Debug, Default)]
pub struct Subscribers(AtomicUsize);

impl Subscribers {
    /// A handler opened a subscription.
    pub fn joined(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// The implementation counts its subscribers itself: there are `count` now.
    pub fn observed(&self, count: usize) {
        self.0.fetch_max(count, Ordering::Relaxed);
    }

    fn count(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// What every implementation is given: the plan, the subscriber count, the workers.
pub struct Bench {
    port: u16,
    plan: Plan,
    workers: usize,
    subscribers: Arc<Subscribers>,
}

impl Bench {
    pub fn new(port: u16, plan: Plan, workers: usize) -> Bench {
        Bench {
            port,
            plan,
            workers,
            subscribers: Arc::default(),
        }
    }

    /// Threads serving HTTP.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Events the implementation's buffer must hold so that no subscriber lags.
    pub fn events(&self) -> u64 {
        self.plan.events
    }

    /// The counter the handlers bump.
    pub fn subscribers(&self) -> Arc<Subscribers> {
        self.subscribers.clone()
    }

    /// Opens the control port for `sink` and prints the ready line. Call once the
    /// implementation can take subscribers (the listener is bound: connections queue).
    pub fn start_control(&self, sink: impl Sink) -> io::Result<()> {
        self.start_control_at(sink, DEFAULT_PATH)
    }

    /// [`start_control`](Self::start_control) for an event stream served at `path`
    /// (and query) instead of `/events`: the ready line says so.
    pub fn start_control_at(&self, sink: impl Sink, path: &str) -> io::Result<()> {
        let control = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let port = control.local_addr()?.port();
        let sink: Arc<dyn Sink> = Arc::new(sink);
        let subscribers = self.subscribers.clone();
        let plan = self.plan;
        std::thread::spawn(move || {
            let started = AtomicBool::new(false);
            for stream in control.incoming().flatten() {
                let outcome = answer(stream, &subscribers, &started, || {
                    publisher::spawn(sink.clone(), plan)
                });
                if let Err(error) = outcome {
                    eprintln!("fanout-server: control: {error}");
                }
            }
        });
        let mut out = io::stdout().lock();
        if path == DEFAULT_PATH {
            writeln!(out, "ready port={} control={port}", self.port)?;
        } else {
            writeln!(out, "ready port={} control={port} path={path}", self.port)?;
        }
        out.flush()
    }
}

/// Answers one control request.
fn answer(
    stream: TcpStream,
    subscribers: &Subscribers,
    started: &AtomicBool,
    start: impl FnOnce(),
) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the rest of the head.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let (status, body) = match parse_start(&request_line) {
        None => ("404 Not Found", "unknown request\n".to_owned()),
        Some(_) if started.swap(true, Ordering::AcqRel) => {
            ("409 Conflict", "already started\n".to_owned())
        }
        Some(wanted) => {
            let seen = wait_for(subscribers, wanted);
            start();
            ("200 OK", format!("started subscribers={seen}\n"))
        }
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

/// `Some(n)` for `POST /start?subscribers=n` (0 when the query is missing).
fn parse_start(request_line: &str) -> Option<usize> {
    let mut parts = request_line.split_ascii_whitespace();
    if parts.next()? != "POST" {
        return None;
    }
    let target = parts.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/start" {
        return None;
    }
    let wanted = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("subscribers="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Some(wanted)
}

/// Waits (bounded) until `wanted` subscriptions were opened; returns how many were.
fn wait_for(subscribers: &Subscribers, wanted: usize) -> usize {
    let deadline = Instant::now() + SUBSCRIBER_WAIT;
    while subscribers.count() < wanted && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    subscribers.count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_requests() {
        assert_eq!(
            parse_start("POST /start?subscribers=10 HTTP/1.1\r\n"),
            Some(10)
        );
        assert_eq!(parse_start("POST /start HTTP/1.1\r\n"), Some(0));
        assert_eq!(parse_start("GET /start HTTP/1.1\r\n"), None);
        assert_eq!(parse_start("POST /stop HTTP/1.1\r\n"), None);
        assert_eq!(parse_start(""), None);
    }
}
