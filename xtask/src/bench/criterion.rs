//! The core criterion benchmarks (`cargo bench -p sse-benches`) and their headline
//! numbers, read back from `target/criterion/**/new/{benchmark,estimates}.json`.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use serde::Deserialize;

use super::metrics::{grouped, significant};
use crate::steps::cargo;

/// Criterion arguments of `--quick`: short warm-up and measurement.
const QUICK_ARGS: &[&str] = &[
    "--warm-up-time",
    "0.5",
    "--measurement-time",
    "1",
    "--noplot",
];

/// Criterion arguments of a full run: its defaults.
const FULL_ARGS: &[&str] = &["--noplot"];

/// Runs the benchmarks: `--bench '*'` selects the bench targets only, so the library's
/// libtest harness never sees criterion's flags.
pub fn run(root: &Path, quick: bool) -> Result<(), String> {
    let status = Command::new(cargo())
        .args(["bench", "-p", "sse-benches", "--bench", "*", "--"])
        .args(if quick { QUICK_ARGS } else { FULL_ARGS })
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo bench -p sse-benches` failed ({status})"))
    }
}

/// One benchmark's headline: its id, time per iteration and throughput.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub group: String,
    /// Function and parameter, `/`-joined.
    pub name: String,
    /// Nanoseconds per iteration (criterion's typical estimate: the slope, else the
    /// mean).
    pub nanos: f64,
    pub throughput: Option<Throughput>,
}

/// Work done per iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throughput {
    Bytes(u64),
    Elements(u64),
}

#[derive(Debug, Deserialize)]
struct BenchmarkFile {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
    throughput: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct EstimatesFile {
    mean: Estimate,
    slope: Option<Estimate>,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// Reads one benchmark's `new/benchmark.json` and `new/estimates.json`.
pub fn parse(benchmark: &str, estimates: &str) -> Result<Headline, String> {
    let benchmark: BenchmarkFile = serde_json::from_str(benchmark).map_err(|e| e.to_string())?;
    let estimates: EstimatesFile = serde_json::from_str(estimates).map_err(|e| e.to_string())?;
    let name = [benchmark.function_id, benchmark.value_str]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("/");
    Ok(Headline {
        group: benchmark.group_id,
        name,
        nanos: estimates.slope.unwrap_or(estimates.mean).point_estimate,
        throughput: benchmark.throughput.as_ref().and_then(throughput),
    })
}

fn throughput(value: &serde_json::Value) -> Option<Throughput> {
    let object = value.as_object()?;
    let (kind, amount) = object.iter().next()?;
    let amount = amount.as_u64()?;
    match kind.as_str() {
        "Bytes" | "BytesDecimal" => Some(Throughput::Bytes(amount)),
        "Elements" => Some(Throughput::Elements(amount)),
        _ => None,
    }
}

/// Every benchmark criterion wrote under `dir` since `since`, sorted by id.
pub fn collect(dir: &Path, since: SystemTime) -> Vec<Headline> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == "new") {
                found.extend(read_new(&path, since));
            } else if path.is_dir() {
                stack.push(path);
            }
        }
    }
    found.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));
    found
}

fn read_new(new: &Path, since: SystemTime) -> Option<Headline> {
    let estimates_path = new.join("estimates.json");
    let modified = std::fs::metadata(&estimates_path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let benchmark = std::fs::read_to_string(new.join("benchmark.json")).ok()?;
    let estimates = std::fs::read_to_string(estimates_path).ok()?;
    parse(&benchmark, &estimates).ok()
}

/// A duration in ns, in the unit that reads best.
pub fn time(nanos: f64) -> String {
    match nanos {
        n if n >= 1e9 => format!("{} s", significant(n / 1e9)),
        n if n >= 1e6 => format!("{} ms", significant(n / 1e6)),
        n if n >= 1e3 => format!("{} µs", significant(n / 1e3)),
        n => format!("{} ns", significant(n)),
    }
}

impl Headline {
    /// Work per second, readable.
    pub fn rate(&self) -> Option<String> {
        let per_second = 1e9 / self.nanos;
        match self.throughput? {
            Throughput::Bytes(bytes) => {
                let mib = bytes as f64 * per_second / (1024.0 * 1024.0);
                Some(if mib >= 1024.0 {
                    format!("{} GiB/s", significant(mib / 1024.0))
                } else {
                    format!("{} MiB/s", significant(mib))
                })
            }
            Throughput::Elements(elements) => {
                Some(format!("{} elem/s", grouped(elements as f64 * per_second)))
            }
        }
    }
}

/// The report's table: one row per benchmark, with its time relative to the fastest
/// of the same group and parameter (peers side by side).
pub fn table(headlines: &[Headline]) -> String {
    let mut out = String::from(
        "| group | benchmark | time | throughput | vs fastest in group |\n|---|---|--:|--:|--:|\n",
    );
    for h in headlines {
        let fastest = headlines
            .iter()
            .filter(|o| o.group == h.group && parameter(&o.name) == parameter(&h.name))
            .map(|o| o.nanos)
            .fold(f64::INFINITY, f64::min);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.2}× |\n",
            h.group,
            h.name,
            time(h.nanos),
            h.rate().unwrap_or_else(|| "–".into()),
            h.nanos / fastest,
        ));
    }
    out
}

/// The parameter part of `function/parameter` (benchmarks of different parameters are
/// not compared).
fn parameter(name: &str) -> &str {
    name.split_once('/').map_or("", |(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BENCHMARK: &str = r#"{"group_id":"decode","function_id":"sse-core",
        "value_str":"1KiB","throughput":{"Bytes":1048576},"full_id":"decode/sse-core/1KiB",
        "directory_name":"decode/sse-core/1KiB","title":"decode/sse-core/1KiB"}"#;
    const ESTIMATES: &str = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,
        "lower_bound":1.0,"upper_bound":2.0},"point_estimate":2000000.0,"standard_error":1.0},
        "median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,
        "upper_bound":2.0},"point_estimate":1.5,"standard_error":1.0},
        "slope":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,
        "upper_bound":2.0},"point_estimate":1000000.0,"standard_error":1.0},
        "median_abs_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,
        "upper_bound":2.0},"point_estimate":1.0,"standard_error":1.0},
        "std_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,
        "upper_bound":2.0},"point_estimate":1.0,"standard_error":1.0}}"#;

    #[test]
    fn headline_from_criterion_files() {
        let headline = parse(BENCHMARK, ESTIMATES).unwrap();
        assert_eq!(headline.group, "decode");
        assert_eq!(headline.name, "sse-core/1KiB");
        assert_eq!(headline.nanos, 1_000_000.0, "the slope wins over the mean");
        assert_eq!(headline.throughput, Some(Throughput::Bytes(1 << 20)));
        assert_eq!(headline.rate().as_deref(), Some("1,000 MiB/s"));
        let no_slope = ESTIMATES.replace(
            r#""slope":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,
        "upper_bound":2.0},"point_estimate":1000000.0,"standard_error":1.0},"#,
            r#""slope":null,"#,
        );
        assert_eq!(parse(BENCHMARK, &no_slope).unwrap().nanos, 2_000_000.0);
        assert!(parse("{}", ESTIMATES).is_err());
    }

    #[test]
    fn times_in_readable_units() {
        assert_eq!(time(12.0), "12.0 ns");
        assert_eq!(time(1500.0), "1.50 µs");
        assert_eq!(time(2.5e6), "2.50 ms");
        assert_eq!(time(3e9), "3.00 s");
    }

    #[test]
    fn table_compares_within_group_and_parameter() {
        let h = |name: &str, nanos| Headline {
            group: "decode".into(),
            name: name.into(),
            nanos,
            throughput: Some(Throughput::Elements(10)),
        };
        let table = table(&[
            h("ours/1KiB", 100.0),
            h("peer/1KiB", 250.0),
            h("ours/1MiB", 1e5),
        ]);
        assert!(table.contains("| decode | ours/1KiB | 100 ns | 100,000,000 elem/s | 1.00× |"));
        assert!(table.contains("| decode | peer/1KiB | 250 ns | 40,000,000 elem/s | 2.50× |"));
        assert!(table.contains("| decode | ours/1MiB | 100 µs | 100,000 elem/s | 1.00× |"));
    }
}
