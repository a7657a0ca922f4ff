//! Child processes that cannot outlive a cell: each runs in a process group of its own,
//! and the whole group is killed when its [`Guard`] drops, on every path.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How often a running child is polled while waiting for it.
const POLL: Duration = Duration::from_millis(20);

/// A running child process (and everything it started), killed on drop.
pub struct Guard {
    name: String,
    child: Child,
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

/// What a child printed and how it ended.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Guard {
    /// Starts `command` in a new process group with stdout and stderr captured (read
    /// by threads, so the child never blocks on a full pipe) and no stdin.
    pub fn spawn(name: &str, mut command: Command) -> Result<Guard, String> {
        let mut child = launch(name, &mut command)?;
        let stderr = child.stderr.take().map(drain);
        let stdout = child.stdout.take().map(drain);
        Ok(Guard {
            name: name.to_owned(),
            child,
            stdout,
            stderr,
        })
    }

    /// Starts `command` like [`spawn`](Self::spawn) and waits (until `deadline`) for
    /// the first line it prints, which is returned; the rest of stdout is drained.
    pub fn spawn_announcing(
        name: &str,
        mut command: Command,
        deadline: Instant,
    ) -> Result<(Guard, String), String> {
        let mut child = launch(name, &mut command)?;
        let stderr = child.stderr.take().map(drain);
        let stdout = child.stdout.take();
        let guard = Guard {
            name: name.to_owned(),
            child,
            stdout: None,
            stderr,
        };
        match stdout.and_then(|pipe| first_line(pipe, deadline)) {
            Some(line) => Ok((guard, line.trim().to_owned())),
            None => {
                let stderr = guard.kill_and_stderr();
                Err(format!("{name} did not start{}", tail(&stderr)))
            }
        }
    }

    /// Waits until the child exits or `deadline` passes (then it is killed), and
    /// returns its output.
    pub fn finish(mut self, deadline: Instant) -> Result<Finished, String> {
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    // The group may still hold the pipes open (a grandchild): end it.
                    self.kill();
                    return Ok(Finished {
                        status,
                        stdout: join(self.stdout.take()),
                        stderr: join(self.stderr.take()),
                    });
                }
                Ok(None) if Instant::now() >= deadline => {
                    self.kill();
                    let stderr = join(self.stderr.take());
                    return Err(format!("{} timed out{}", self.name, tail(&stderr)));
                }
                Ok(None) => thread::sleep(POLL),
                Err(e) => return Err(format!("cannot wait for {}: {e}", self.name)),
            }
        }
    }

    /// `Err` with the exit status and the last line of stderr if the child has
    /// exited (for a child that should run until killed).
    pub fn check_running(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => {
                self.kill();
                let stderr = join(self.stderr.take());
                Err(format!(
                    "{} exited early ({status}){}",
                    self.name,
                    tail(&stderr)
                ))
            }
            Err(e) => Err(format!("cannot wait for {}: {e}", self.name)),
        }
    }

    /// What the child wrote to stderr so far, after killing it.
    pub fn kill_and_stderr(mut self) -> String {
        self.kill();
        join(self.stderr.take())
    }

    fn kill(&mut self) {
        #[cfg(unix)]
        {
            // Negative pid: the process group the child leads (see `spawn`).
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill")
                .args(["-KILL", "--", &group])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `command` in a new process group (so the group can be killed whole), stdin
/// closed, stdout and stderr piped.
fn launch(name: &str, command: &mut Command) -> Result<Child, String> {
    command
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    command
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))
}

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut out = Vec::new();
        let _ = pipe.read_to_end(&mut out);
        out
    })
}

fn join(handle: Option<JoinHandle<Vec<u8>>>) -> String {
    let bytes = handle.and_then(|h| h.join().ok()).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The last telling line of `stderr` (not blank, not a panic's `note:`), as `: line`,
/// for error messages.
pub fn tail(stderr: &str) -> String {
    let telling = |l: &&str| !l.trim().is_empty() && !l.starts_with("note: ");
    match stderr.lines().rev().find(telling) {
        Some(line) => format!(": {}", line.trim()),
        None => String::new(),
    }
}

/// Reads the first line of `pipe` on a thread and then drains the rest; the line is
/// returned if it arrives before `deadline`.
pub fn first_line(pipe: impl Read + Send + 'static, deadline: Instant) -> Option<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = sender.send(line);
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let wait = deadline.saturating_duration_since(Instant::now());
    receiver.recv_timeout(wait).ok().filter(|l| !l.is_empty())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    /// Whether process `pid` is gone (or a zombie waiting to be reaped).
    fn gone(pid: &str) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            Ok(stat) => stat
                .rsplit(')')
                .next()
                .is_some_and(|s| s.trim_start().starts_with('Z')),
        }
    }

    #[test]
    fn finish_returns_what_the_child_printed() {
        let guard = Guard::spawn("sh", shell("echo out; echo err >&2; exit 3")).unwrap();
        let finished = guard
            .finish(Instant::now() + Duration::from_secs(10))
            .unwrap();
        assert_eq!(finished.stdout, "out\n");
        assert_eq!(finished.stderr, "err\n");
        assert_eq!(finished.status.code(), Some(3));
    }

    #[test]
    fn a_child_past_its_deadline_is_killed_with_its_group() {
        let (guard, pid) = Guard::spawn_announcing(
            "sh",
            shell("sleep 60 & echo $!; wait"),
            Instant::now() + Duration::from_secs(10),
        )
        .unwrap();
        let error = match guard.finish(Instant::now()) {
            Err(error) => error,
            Ok(_) => panic!("a 60 s sleep finished"),
        };
        assert!(error.contains("timed out"), "{error}");
        // The grandchild went with the group; give the kernel a bounded while to reap.
        let until = Instant::now() + Duration::from_secs(10);
        while !gone(&pid) && Instant::now() < until {
            thread::sleep(POLL);
        }
        assert!(gone(&pid), "grandchild {pid} outlived its guard");
    }

    #[test]
    fn dropping_a_guard_kills_the_group() {
        let (guard, pid) = Guard::spawn_announcing(
            "sh",
            shell("sleep 60 & echo $!; wait"),
            Instant::now() + Duration::from_secs(10),
        )
        .unwrap();
        assert!(!gone(&pid));
        drop(guard);
        let until = Instant::now() + Duration::from_secs(10);
        while !gone(&pid) && Instant::now() < until {
            thread::sleep(POLL);
        }
        assert!(gone(&pid), "grandchild {pid} outlived its guard");
    }

    #[test]
    fn a_child_that_prints_nothing_never_announces() {
        let result = Guard::spawn_announcing(
            "sh",
            shell("exit 1"),
            Instant::now() + Duration::from_secs(10),
        );
        assert!(result.is_err());
    }

    #[test]
    fn tail_skips_panic_notes() {
        let stderr =
            "thread 'main' panicked at x.rs:1:1:\nboom\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(tail(stderr), ": boom");
        assert_eq!(tail(""), "");
    }
}
