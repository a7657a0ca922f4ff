//! `sse serve` and `sse listen` child processes.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::TIMEOUT;

/// The `sse` binary under test.
pub fn sse() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sse"));
    command
        .env_remove("SSE_TOKEN")
        .env_remove("SSE_PUBLISH_TOKEN")
        .env_remove("NO_COLOR");
    command
}

/// Lines of a child's output, read on a thread so waits can time out.
pub struct Lines {
    rx: mpsc::Receiver<String>,
}

impl Lines {
    fn spawn(source: impl Read + Send + 'static) -> Lines {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(source).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Lines { rx }
    }

    /// The next line, or `None` at the end of the output; panics after [`TIMEOUT`].
    pub fn next(&self) -> Option<String> {
        match self.rx.recv_timeout(TIMEOUT) {
            Ok(line) => Some(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => None,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("no output line within {TIMEOUT:?}"),
        }
    }

    /// Every line until the end of the output (bounded by [`TIMEOUT`] per line).
    pub fn rest(&self) -> Vec<String> {
        std::iter::from_fn(|| self.next()).collect()
    }
}

/// A running child with its output lines; killed when dropped.
pub struct Running {
    child: Child,
    pub stdout: Lines,
    pub stderr: Lines,
}

impl Running {
    /// Starts `command` with piped stdout and stderr.
    pub fn start(mut command: Command) -> Running {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start sse");
        let stdout = Lines::spawn(child.stdout.take().unwrap());
        let stderr = Lines::spawn(child.stderr.take().unwrap());
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal with the `kill` command (`INT` is Ctrl-C).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit; panics after [`TIMEOUT`].
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "sse did not exit within {TIMEOUT:?}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running `sse serve` on a free loopback port.
pub struct Server {
    pub process: Running,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `sse serve --addr 127.0.0.1:0 ARGS` and reads the port it prints.
    pub fn start(args: &[&str]) -> Server {
        let mut command = sse();
        command.args(["serve", "--addr", "127.0.0.1:0"]).args(args);
        let process = Running::start(command);
        let line = process.stdout.next().expect("sse serve printed nothing");
        let addr = parse_listening_line(&line);
        Server { process, addr }
    }

    /// `http://ADDR`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// The address in `sse serve: listening on http://ADDR/ (open it in a browser)`
/// (`https://` with TLS).
pub fn parse_listening_line(line: &str) -> SocketAddr {
    let rest = line
        .strip_prefix("sse serve: listening on http://")
        .or_else(|| line.strip_prefix("sse serve: listening on https://"))
        .unwrap_or_else(|| panic!("unexpected first line: {line}"));
    let (addr, tail) = rest.split_once('/').unwrap();
    assert_eq!(tail, " (open it in a browser)");
    addr.parse().unwrap()
}
