//! The open-file limit: how many connections the benchmark's processes can hold.

use std::path::Path;

/// File descriptors a process needs besides its connections (listeners, runtime,
/// stdio, /proc reads).
pub const SPARE_FDS: u64 = 200;

/// The soft and hard `Max open files` limits from the text of `/proc/PID/limits`
/// (`None` for "unlimited" or a missing line).
pub fn parse_nofile(limits: &str) -> Option<(u64, u64)> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut numbers = line
        .trim_start_matches("Max open files")
        .split_ascii_whitespace()
        .map(str::parse::<u64>);
    match (numbers.next(), numbers.next()) {
        (Some(Ok(soft)), Some(Ok(hard))) => Some((soft, hard)),
        _ => None,
    }
}

/// How the benchmark's processes are started with their open-file limit raised to
/// the hard limit: `prlimit --nofile=H:H --` before the command, when `prlimit` is
/// there and the soft limit is lower.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLimit {
    /// The limit the processes get.
    pub nofile: u64,
    /// The prefix to run them with (empty when nothing needs raising).
    pub prefix: Vec<String>,
}

impl FileLimit {
    /// Reads this process's limits and looks for `prlimit`.
    pub fn detect() -> FileLimit {
        let (soft, hard) = std::fs::read_to_string("/proc/self/limits")
            .ok()
            .and_then(|text| parse_nofile(&text))
            .unwrap_or((1024, 1024));
        let prlimit = ["/usr/bin/prlimit", "/bin/prlimit"]
            .into_iter()
            .find(|p| Path::new(p).exists());
        match prlimit {
            Some(prlimit) if hard > soft => FileLimit {
                nofile: hard,
                prefix: vec![
                    prlimit.into(),
                    format!("--nofile={hard}:{hard}"),
                    "--".into(),
                ],
            },
            _ => FileLimit {
                nofile: soft,
                prefix: Vec::new(),
            },
        }
    }

    /// The most connections one process can hold.
    pub fn max_connections(&self) -> usize {
        usize::try_from(self.nofile.saturating_sub(SPARE_FDS)).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: &str = "Limit                     Soft Limit           Hard Limit           Units     \n\
        Max cpu time              unlimited            unlimited            seconds   \n\
        Max open files            1024                 524288               files     \n\
        Max locked memory         8388608              8388608              bytes     \n";

    #[test]
    fn nofile_soft_and_hard() {
        assert_eq!(parse_nofile(LIMITS), Some((1024, 524_288)));
        let unlimited = LIMITS.replace("1024                 524288", "unlimited unlimited");
        assert_eq!(parse_nofile(&unlimited), None);
        assert_eq!(parse_nofile("Max cpu time 1 2 seconds"), None);
    }

    #[test]
    fn connections_leave_room_for_other_descriptors() {
        let limit = FileLimit {
            nofile: 20_000,
            prefix: Vec::new(),
        };
        assert_eq!(limit.max_connections(), 19_800);
        let tiny = FileLimit {
            nofile: 100,
            prefix: Vec::new(),
        };
        assert_eq!(tiny.max_connections(), 0);
    }
}
