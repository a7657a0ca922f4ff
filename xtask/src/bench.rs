//! `cargo xtask bench [--quick]`: the core criterion benchmarks, then the fan-out
//! benchmark (one server process per implementation under test, one load generator),
//! then `target/bench-report/report.md` and `fanout.svg`.
//!
//! Options, for iterating on one part: `--only NAME[,NAME…]` (implementations, as
//! `fanout-server --list` names them), `--scenario KEY[,KEY…]`, `--skip-criterion`,
//! `--skip-fanout`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

mod chart;
mod criterion;
mod fanout;
mod limits;
mod machine;
mod metrics;
mod report;
mod scenario;

use crate::steps::workspace_root;
use fanout::{Logs, Run};
use limits::FileLimit;
use machine::Machine;

/// What to run.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    quick: bool,
    only: Vec<String>,
    scenarios: Vec<String>,
    skip_criterion: bool,
    skip_fanout: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut list = || -> Result<Vec<String>, String> {
                let value = args.next().ok_or(format!("{arg} needs a value"))?;
                Ok(value.split(',').map(str::to_owned).collect())
            };
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--only" => options.only = list()?,
                "--scenario" => options.scenarios = list()?,
                "--skip-criterion" => options.skip_criterion = true,
                "--skip-fanout" => options.skip_fanout = true,
                other => return Err(format!("unexpected argument `{other}`")),
            }
        }
        Ok(options)
    }

    fn wants(list: &[String], name: &str) -> bool {
        list.is_empty() || list.iter().any(|n| n == name)
    }
}

/// Runs the benchmarks and writes the report.
pub fn bench(args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    let root = workspace_root();
    let target = target_dir(&root);
    let out = target.join("bench-report");
    let logs = out.join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let started = Instant::now();
    let since = SystemTime::now();
    let machine = Machine::read();

    let criterion = if options.skip_criterion {
        Err("skipped (--skip-criterion)".to_owned())
    } else {
        println!("\nxtask bench: == criterion: cargo bench -p sse-benches ==");
        criterion::run(&root, options.quick)
            .map(|()| criterion::collect(&target.join("criterion"), since))
    };
    if let Err(why) = &criterion {
        eprintln!("xtask bench: criterion: {why}");
    }

    let limit = FileLimit::detect();
    let scenarios: Vec<_> = scenario::scenarios(options.quick, limit.max_connections())
        .into_iter()
        .filter(|s| Options::wants(&options.scenarios, s.key))
        .collect();
    let runs = if options.skip_fanout {
        Vec::new()
    } else {
        fan_out(&root, &target, &options, &scenarios, &limit, &logs)?
    };

    let chart_name = "fanout.svg";
    let panels = chart::panels(&runs);
    let chart = if panels.is_empty() {
        None
    } else {
        chart::write_svg(&out.join(chart_name), &panels)
            .map_err(|e| eprintln!("xtask bench: chart: {e}"))
            .ok()
            .map(|()| chart_name)
    };
    let date = utc_now();
    let text = report::render(&report::Report {
        quick: options.quick,
        date: &date,
        took: started.elapsed(),
        machine: &machine,
        load_after: machine::load_average(),
        scenarios: &scenarios,
        runs: &runs,
        criterion: criterion.as_deref().map_err(String::as_str),
        chart,
    });
    write(&out.join("report.md"), &text)?;
    let json = serde_json::to_string_pretty(&runs).map_err(|e| e.to_string())?;
    write(&out.join("results.json"), &json)?;
    println!("\n{text}");
    println!(
        "xtask bench: done in {:.0?}; report in {}",
        started.elapsed(),
        out.join("report.md").display()
    );
    Ok(())
}

/// Builds the binaries and runs every scenario against every implementation.
fn fan_out(
    root: &Path,
    target: &Path,
    options: &Options,
    scenarios: &[scenario::Scenario],
    limit: &FileLimit,
    logs: &Path,
) -> Result<Vec<Run>, String> {
    println!("\nxtask bench: == fan-out: building sse-fanout (release) ==");
    let binaries = fanout::build(root, target)?;
    let implementations: Vec<_> = fanout::implementations(&binaries)?
        .into_iter()
        .filter(|i| Options::wants(&options.only, &i.name))
        .collect();
    println!(
        "xtask bench: {} implementations × {} scenarios; open-file limit {}",
        implementations.len(),
        scenarios.len(),
        limit.nofile
    );
    let logs = Logs { dir: logs };
    let mut runs = Vec::new();
    for scenario in scenarios {
        println!("\nxtask bench: -- {} --", scenario.title);
        for implementation in &implementations {
            if implementation.kind == fanout::Kind::Floor && !scenario.runs_floors() {
                continue;
            }
            let started = Instant::now();
            let outcome = fanout::run(&binaries, scenario, implementation, limit, &logs);
            match &outcome {
                Ok(o) => println!(
                    "  {:<48} {:>12.0} deliveries/s  cpu {:>6.2} s  peak {:>7.1} MiB  \
                     load {:>3.0} %  {} ({:.1?})",
                    implementation.label,
                    o.deliveries_per_second,
                    o.server_cpu_seconds,
                    o.server_peak_kib as f64 / 1024.0,
                    o.load_cpu_share * 100.0,
                    o.stop,
                    started.elapsed()
                ),
                Err(why) => println!("  {:<48} failed: {why}", implementation.label),
            }
            runs.push(Run {
                scenario: scenario.key.into(),
                implementation: implementation.clone(),
                outcome,
            });
        }
    }
    Ok(runs)
}

/// Where cargo puts build output: `$CARGO_TARGET_DIR`, else `target/` in the workspace.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The date and time, from `date -u` (the report only shows it).
fn utc_now() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "an unknown date".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options() {
        let options = Options::parse(&strings(&[
            "--quick",
            "--only",
            "baseline,peer-axum",
            "--skip-criterion",
        ]))
        .unwrap();
        assert!(options.quick && options.skip_criterion && !options.skip_fanout);
        assert_eq!(options.only, ["baseline", "peer-axum"]);
        assert!(Options::wants(&options.only, "peer-axum"));
        assert!(!Options::wants(&options.only, "peer-warp"));
        assert!(
            Options::wants(&options.scenarios, "anything"),
            "empty means all"
        );
        assert!(Options::parse(&strings(&["--only"])).is_err());
        assert!(Options::parse(&strings(&["--fast"])).is_err());
    }
}
