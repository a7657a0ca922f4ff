//! How a command ends: the process exit codes and the one-line failure report.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success: `listen` got its `--count` events, or the server stopped the stream with `204 No Content` (or closed it under `--no-reconnect`); `decode` read the whole input; `serve` shut down on Ctrl-C / SIGTERM |
//! | 1 | failure: connection refused or lost for good, an invalid response (status, content type), retries exhausted (after failures or idle timeouts), a decoder limit exceeded, an I/O error, the server could not bind |
//! | 2 | usage: invalid arguments, or options that cannot work together (such as `serve` on a non-loopback address without `--publish-token`) |

use std::fmt;
use std::process::ExitCode;

/// Which non-zero exit code a [`Failure`] maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Exit code 1: the command ran and failed.
    Runtime,
    /// Exit code 2: the arguments cannot work.
    Usage,
}

/// Why a command failed: printed as one line on stderr, then the process exits with the
/// kind's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    kind: FailureKind,
    message: String,
}

impl Failure {
    /// A failure while running (exit code 1).
    pub fn runtime(message: impl Into<String>) -> Self {
        Failure {
            kind: FailureKind::Runtime,
            message: one_line(message.into()),
        }
    }

    /// Arguments that cannot work (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            kind: FailureKind::Usage,
            message: one_line(message.into()),
        }
    }

    /// The kind, which decides the exit code.
    pub fn kind(&self) -> FailureKind {
        self.kind
    }

    /// The reason, on one line.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        match self.kind {
            FailureKind::Runtime => ExitCode::from(1),
            FailureKind::Usage => ExitCode::from(2),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Joins the lines of a message, so a report is always exactly one line.
fn one_line(message: String) -> String {
    if message.contains(['\n', '\r']) {
        message
            .split(['\n', '\r'])
            .filter(|l| !l.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_and_kinds_map_to_codes() {
        let failure = Failure::runtime("connection refused\n  at 127.0.0.1:1\r\n");
        assert_eq!(failure.message(), "connection refused at 127.0.0.1:1");
        assert_eq!(failure.kind(), FailureKind::Runtime);
        assert_eq!(failure.exit_code(), ExitCode::from(1));
        assert_eq!(Failure::usage("bad").exit_code(), ExitCode::from(2));
    }
}
