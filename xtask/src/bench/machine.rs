//! What the numbers were measured on, and how busy it was.

use std::process::Command;

/// The machine and its state when the benchmark ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub kernel: String,
    pub rustc: String,
    /// 1-minute load average when the benchmark started.
    pub load_before: Option<f64>,
}

impl Machine {
    /// Reads /proc and asks `rustc -V`.
    pub fn read() -> Machine {
        let read = |path| std::fs::read_to_string(path).unwrap_or_default();
        Machine {
            cpu: cpu_model(&read("/proc/cpuinfo")).unwrap_or_else(|| "unknown CPU".into()),
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            memory_gib: mem_total_kib(&read("/proc/meminfo")).unwrap_or(0) as f64
                / (1024.0 * 1024.0),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            rustc: Command::new("rustc")
                .arg("-V")
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .unwrap_or_default(),
            load_before: load_average(),
        }
    }
}

/// The 1-minute load average now.
pub fn load_average() -> Option<f64> {
    parse_loadavg(&std::fs::read_to_string("/proc/loadavg").ok()?)
}

/// The first `model name` of /proc/cpuinfo.
pub fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, model)| model.trim().to_owned())
}

/// `MemTotal` of /proc/meminfo, KiB.
pub fn mem_total_kib(meminfo: &str) -> Option<u64> {
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|v| v.trim().parse().ok())
}

/// The 1-minute figure of /proc/loadavg.
pub fn parse_loadavg(text: &str) -> Option<f64> {
    text.split_ascii_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_files() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: X\nmodel name\t: Some CPU @ 3.00GHz\n\n\
                       processor\t: 1\nmodel name\t: Some CPU @ 3.00GHz\n";
        assert_eq!(cpu_model(cpuinfo).as_deref(), Some("Some CPU @ 3.00GHz"));
        assert_eq!(cpu_model("processor: 0\n"), None);
        assert_eq!(
            mem_total_kib("MemTotal:       24682400 kB\nMemFree: 1 kB\n"),
            Some(24_682_400)
        );
        assert_eq!(parse_loadavg("0.52 0.40 0.30 1/234 5678\n"), Some(0.52));
        assert_eq!(parse_loadavg(""), None);
    }
}
