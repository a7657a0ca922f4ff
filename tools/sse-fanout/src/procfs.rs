//! A process's CPU time and memory, read from Linux's `/proc`.
//!
//! CPU time is `utime + stime` of `/proc/PID/stat` (every thread, the exited ones
//! included), in clock ticks of [`TICKS_PER_SECOND`]; memory is `VmRSS` and `VmHWM`
//! (the peak RSS) of `/proc/PID/status`.
//!
//! ```
//! use sse_fanout::procfs::{parse_stat, parse_status};
//!
//! let stat = "42 (my (odd) name) S 1 42 42 0 -1 4194560 99 0 0 0 150 25 0 0 20 0 3 0";
//! assert_eq!(parse_stat(stat).unwrap().ticks(), 175);
//! let status = "Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n";
//! assert_eq!(parse_status(status).unwrap().rss_kib, 1024);
//! ```

use core::fmt;
use std::time::Duration;

/// Clock ticks per second of `/proc/PID/stat` times (`USER_HZ`: 100 on every Linux
/// architecture; it is part of the kernel's user-space ABI).
pub const TICKS_PER_SECOND: u64 = 100;

/// CPU time a process has used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTime {
    /// In user mode, ticks.
    pub user_ticks: u64,
    /// In the kernel on its behalf, ticks.
    pub system_ticks: u64,
}

impl CpuTime {
    /// User plus system ticks.
    pub fn ticks(&self) -> u64 {
        self.user_ticks + self.system_ticks
    }

    /// User plus system time.
    pub fn total(&self) -> Duration {
        ticks_to_duration(self.ticks())
    }

    /// The time used since `earlier` (zero if the counters went backwards).
    pub fn since(&self, earlier: &CpuTime) -> Duration {
        ticks_to_duration(self.ticks().saturating_sub(earlier.ticks()))
    }
}

fn ticks_to_duration(ticks: u64) -> Duration {
    Duration::from_millis(ticks.saturating_mul(1000) / TICKS_PER_SECOND)
}

/// Resident memory of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Memory {
    /// Current resident set, KiB.
    pub rss_kib: u64,
    /// Peak resident set since the process started, KiB.
    pub peak_kib: u64,
}

/// A `/proc` file did not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcError {
    what: &'static str,
}

impl fmt::Display for ProcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected /proc contents: {}", self.what)
    }
}

impl std::error::Error for ProcError {}

/// Reads the CPU time from the text of `/proc/PID/stat`.
///
/// The command name (field 2) is in parentheses and may itself hold spaces and
/// parentheses, so fields are counted after the last `)`: `utime` and `stime` are
/// fields 14 and 15 of the line, the 12th and 13th after the name.
pub fn parse_stat(text: &str) -> Result<CpuTime, ProcError> {
    let after_name = text
        .rfind(')')
        .and_then(|i| text.get(i + 1..))
        .ok_or(ProcError {
            what: "stat has no command name",
        })?;
    let mut fields = after_name.split_ascii_whitespace().skip(11);
    let mut next_number = |what| {
        fields
            .next()
            .and_then(|f| f.parse::<u64>().ok())
            .ok_or(ProcError { what })
    };
    Ok(CpuTime {
        user_ticks: next_number("stat utime")?,
        system_ticks: next_number("stat stime")?,
    })
}

/// Reads `VmRSS` and `VmHWM` from the text of `/proc/PID/status`.
pub fn parse_status(text: &str) -> Result<Memory, ProcError> {
    let field = |name: &str, what| {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|value| value.trim().strip_suffix("kB"))
            .and_then(|number| number.trim().parse::<u64>().ok())
            .ok_or(ProcError { what })
    };
    Ok(Memory {
        rss_kib: field("VmRSS", "status VmRSS")?,
        peak_kib: field("VmHWM", "status VmHWM")?,
    })
}

/// Where a process's files are: `/proc/PID` (`/proc/self` for `None`).
fn proc_path(pid: Option<u32>, file: &str) -> String {
    match pid {
        Some(pid) => format!("/proc/{pid}/{file}"),
        None => format!("/proc/self/{file}"),
    }
}

fn read_proc(pid: Option<u32>, file: &str) -> std::io::Result<String> {
    std::fs::read_to_string(proc_path(pid, file))
}

fn invalid(error: ProcError) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, error)
}

/// The CPU time of process `pid` (this process for `None`).
pub fn cpu_time(pid: Option<u32>) -> std::io::Result<CpuTime> {
    parse_stat(&read_proc(pid, "stat")?).map_err(invalid)
}

/// The memory of process `pid` (this process for `None`).
pub fn memory(pid: Option<u32>) -> std::io::Result<Memory> {
    parse_status(&read_proc(pid, "status")?).map_err(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "1234 (fanout-server) R 1 1234 1234 0 -1 4194304 3127 0 0 0 \
        512 301 0 0 20 0 4 0 123456 1000000 500 18446744073709551615";

    #[test]
    fn stat_fields_after_the_name() {
        let cpu = parse_stat(STAT).unwrap();
        assert_eq!((cpu.user_ticks, cpu.system_ticks), (512, 301));
        assert_eq!(cpu.total(), Duration::from_millis(8130));
        let earlier = CpuTime {
            user_ticks: 500,
            system_ticks: 300,
        };
        assert_eq!(cpu.since(&earlier), Duration::from_millis(130));
        assert_eq!(earlier.since(&cpu), Duration::ZERO);
    }

    #[test]
    fn stat_name_with_parentheses_and_spaces() {
        let odd = STAT.replace("(fanout-server)", "(a) b (c))");
        assert_eq!(parse_stat(&odd).unwrap().ticks(), 813);
    }

    #[test]
    fn stat_that_is_cut_short_is_an_error() {
        assert!(parse_stat("1234 (x) R 1 2 3").is_err());
        assert!(parse_stat("no name here").is_err());
    }

    #[test]
    fn status_memory_fields() {
        let status = "Name:\tfanout-server\nVmPeak:\t  999 kB\nVmHWM:\t   52340 kB\n\
                      VmRSS:\t   41000 kB\nRssAnon:\t 1 kB\n";
        assert_eq!(
            parse_status(status).unwrap(),
            Memory {
                rss_kib: 41000,
                peak_kib: 52340
            }
        );
        assert!(
            parse_status("Name:\tx\nVmRSS:\t12 kB\n").is_err(),
            "no VmHWM"
        );
        assert!(parse_status("VmRSS:\tlots\nVmHWM:\t1 kB\n").is_err());
    }

    #[test]
    fn this_process_can_be_read() {
        // Values vary; only their presence and consistency are checked.
        let memory = memory(None).unwrap();
        assert!(memory.peak_kib >= memory.rss_kib);
        assert!(cpu_time(None).is_ok());
    }
}
