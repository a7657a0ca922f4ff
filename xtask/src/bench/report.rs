//! `report.md`: the fan-out tables with each row's ratio to the best peer and to the
//! baseline, the goals, and the criterion headlines.

use std::fmt::Write as _;
use std::time::Duration;

use super::criterion::{self, Headline};
use super::fanout::{Kind, Run, floor_name};
use super::machine::Machine;
use super::metrics::{self as m, Better, Metric};
use super::scenario::{Measure, Scenario};

/// Everything the report shows.
pub struct Report<'a> {
    pub quick: bool,
    pub date: &'a str,
    pub took: Duration,
    pub machine: &'a Machine,
    pub load_after: Option<f64>,
    pub scenarios: &'a [Scenario],
    pub runs: &'a [Run],
    /// The criterion headlines, or why there are none.
    pub criterion: Result<&'a [Headline], &'a str>,
    /// The chart's file name, beside the report.
    pub chart: Option<&'a str>,
}

pub const DELIVERIES: Metric = Metric {
    name: "deliveries/s",
    value: m::deliveries_per_second,
    format: m::grouped,
    compare: Some(Better::Higher),
};
pub const CPU: Metric = Metric {
    name: "server CPU s per M deliveries",
    value: m::cpu_per_million,
    format: m::significant,
    compare: Some(Better::Lower),
};
pub const PEAK: Metric = Metric {
    name: "peak RSS MiB",
    value: m::peak_rss_mib,
    format: m::significant,
    compare: None,
};
pub const LOAD: Metric = Metric {
    name: "load-gen CPU (of 1 core)",
    value: m::load_share,
    format: m::percent,
    compare: None,
};
pub const CONNECTIONS: Metric = Metric {
    name: "connections",
    value: m::connections,
    format: m::grouped,
    compare: None,
};
pub const PER_CONNECTION: Metric = Metric {
    name: "RSS per idle connection KiB",
    value: m::rss_per_connection_kib,
    format: m::significant,
    compare: Some(Better::Lower),
};
pub const P50: Metric = Metric {
    name: "p50 ms",
    value: m::latency_p50_ms,
    format: m::significant,
    compare: Some(Better::Lower),
};
pub const P99: Metric = Metric {
    name: "p99 ms",
    value: m::latency_p99_ms,
    format: m::significant,
    compare: Some(Better::Lower),
};

/// The columns of a scenario's table.
pub fn metrics(measure: Measure) -> &'static [Metric] {
    match measure {
        Measure::Throughput => &[DELIVERIES, CPU, PEAK, LOAD],
        Measure::Idle => &[CONNECTIONS, PER_CONNECTION, PEAK],
        Measure::Latency => &[P50, P99, CPU, PEAK],
    }
}

/// The whole report.
pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    header(&mut out, report);
    goals(&mut out, report);
    let _ = writeln!(out, "## Fan-out\n");
    let _ = writeln!(
        out,
        "Ratios are this row ÷ the best peer (or the baseline) in the column to their \
         left; whether higher or lower is better is the column's. Every row is one run.\n"
    );
    if let Some(chart) = report.chart {
        let _ = writeln!(out, "![fan-out chart]({chart})\n");
    }
    for scenario in report.scenarios {
        let runs = runs_of(report.runs, scenario.key);
        let _ = writeln!(out, "### {}\n", scenario.title);
        out.push_str(&scenario_table(scenario, &runs));
        out.push('\n');
    }
    let _ = writeln!(out, "## Core benchmarks (criterion)\n");
    match report.criterion {
        Ok([]) => out.push_str("No criterion results were found.\n"),
        Ok(headlines) => out.push_str(&criterion::table(headlines)),
        Err(why) => {
            let _ = writeln!(out, "Not run: {why}");
        }
    }
    out
}

fn header(out: &mut String, report: &Report<'_>) {
    let machine = report.machine;
    let load = |l: Option<f64>| l.map_or_else(|| "?".into(), |l| format!("{l:.2}"));
    let _ = writeln!(out, "# Benchmark report\n");
    let _ = writeln!(
        out,
        "`cargo xtask bench{}` on {}, {} in {:.0?}.\n",
        if report.quick { " --quick" } else { "" },
        report.date,
        if report.quick {
            "quick run"
        } else {
            "full run"
        },
        report.took
    );
    let _ = writeln!(
        out,
        "Machine: {}, {} cores, {:.0} GiB, Linux {}, {}. Load average (1 min) {} before, \
         {} after: anything else running on the machine shows up in these numbers.\n",
        machine.cpu,
        machine.cores,
        machine.memory_gib,
        machine.kernel,
        machine.rustc,
        load(machine.load_before),
        load(report.load_after),
    );
    let _ = writeln!(
        out,
        "Each implementation runs in its own server process (2 HTTP worker threads, one \
         publisher thread); a separate load generator holds the connections on loopback, \
         counts frames over raw TCP and reads the server's CPU time (`utime + stime`) and \
         peak RSS (`VmHWM`) from /proc. Back-to-back scenarios publish every event at once \
         into a buffer that holds them all (the hub's window, the peers' broadcast \
         channel), so nobody lags; they end when every connection has every event, or at \
         the time limit (then the notes say so). Keep-alive is on (15 s) everywhere but \
         the baseline.\n"
    );
    let busiest = report
        .runs
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .map(|o| o.load_cpu_share)
        .fold(None, |max: Option<f64>, share| {
            Some(max.map_or(share, |m| m.max(share)))
        });
    if let Some(busiest) = busiest {
        let _ = writeln!(
            out,
            "The load generator (one thread) used at most {} of one core in any run: it \
             always had CPU to spare, so it never set the pace.\n",
            m::percent(busiest)
        );
    }
}

/// The goals, for each of our adapters: events per CPU-second and throughput at
/// C = 1000, memory per idle connection.
fn goals(out: &mut String, report: &Report<'_>) {
    let find = |measure: Measure, key_hint: &str| {
        report
            .scenarios
            .iter()
            .find(|s| s.measure == measure && s.key == key_hint)
            .map(|s| runs_of(report.runs, s.key))
    };
    let (Some(many), Some(idle)) = (
        find(Measure::Throughput, "many-clients"),
        find(Measure::Idle, "idle"),
    ) else {
        return;
    };
    let _ = writeln!(out, "## Goals\n");
    let _ = writeln!(
        out,
        "| adapter | events per CPU-second ÷ best peer's (C = 1000; goal ≥ 1.5×) | \
         memory per idle connection ÷ best peer's (goal ≤ 0.5×) | deliveries/s ÷ \
         baseline's (C = 1000; goal ≥ 0.7×) | KiB per idle connection | KiB over the \
         framework's floor (goal ≤ 1) |\n|---|--:|--:|--:|--:|--:|"
    );
    let ours = report
        .runs
        .iter()
        .filter(|r| r.implementation.kind == Kind::Ours)
        .map(|r| (&r.implementation.name, &r.implementation.label));
    let mut seen = Vec::new();
    for (name, label) in ours {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let value = |runs: &[&Run], metric: &Metric| {
            runs.iter()
                .find(|r| &r.implementation.name == name)
                .and_then(|r| r.outcome.as_ref().ok())
                .and_then(|o| (metric.value)(o))
        };
        let best = |runs: &[&Run], metric: &Metric| m::best_peer(runs, metric).map(|(v, _)| v);
        // Events per CPU-second is the inverse of CPU per delivery.
        let efficiency = m::relative(best(&many, &CPU), value(&many, &CPU));
        let memory = m::relative(value(&idle, &PER_CONNECTION), best(&idle, &PER_CONNECTION));
        let throughput = m::relative(value(&many, &DELIVERIES), m::baseline(&many, &DELIVERIES));
        let per_connection = value(&idle, &PER_CONNECTION);
        let over_floor = over_floor(&idle, name);
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} |",
            verdict(efficiency, |r| r >= 1.5),
            verdict(memory, |r| r <= 0.5),
            verdict(throughput, |r| r >= 0.7),
            per_connection.map_or_else(|| "–".into(), m::significant),
            over_floor.map_or_else(
                || "–".into(),
                |kib| format!(
                    "{} {}",
                    m::significant(kib),
                    if kib <= 1.0 { "✅" } else { "❌" }
                )
            ),
        );
    }
    out.push('\n');
}

/// KiB per idle connection of our implementation `name` over its framework's floor
/// in the same scenario.
fn over_floor(runs: &[&Run], name: &str) -> Option<f64> {
    let floor = floor_name(name)?;
    let of = |wanted: &str| {
        runs.iter()
            .find(|r| r.implementation.name == wanted)
            .and_then(|r| r.outcome.as_ref().ok())
            .and_then(m::rss_per_connection_kib)
    };
    Some(of(name)? - of(&floor)?)
}

fn verdict(ratio: Option<f64>, met: impl Fn(f64) -> bool) -> String {
    match ratio {
        Some(r) if met(r) => format!("{} ✅", m::ratio(r)),
        Some(r) => format!("{} ❌", m::ratio(r)),
        None => "–".into(),
    }
}

/// The runs of one scenario, ours first, then the peers, then the baseline.
fn runs_of<'a>(runs: &'a [Run], key: &str) -> Vec<&'a Run> {
    let mut of: Vec<&Run> = runs.iter().filter(|r| r.scenario == key).collect();
    of.sort_by_key(|r| r.implementation.kind.order());
    of
}

/// One scenario's table.
pub fn scenario_table(scenario: &Scenario, runs: &[&Run]) -> String {
    let metrics = metrics(scenario.measure);
    let mut head = String::from("| implementation |");
    let mut rule = String::from("|---|");
    for metric in metrics {
        let _ = write!(head, " {} |", metric.name);
        rule.push_str("--:|");
        if metric.compare.is_some() {
            head.push_str(" ÷ best peer | ÷ baseline |");
            rule.push_str("--:|--:|");
        }
    }
    let idle = scenario.measure == Measure::Idle;
    if idle {
        head.push_str(" over the framework's floor KiB |");
        rule.push_str("--:|");
    }
    let mut out = format!("{head} notes |\n{rule}---|\n");
    for run in runs {
        let _ = write!(out, "| {} |", run.implementation.label);
        for metric in metrics {
            let value = run.outcome.as_ref().ok().and_then(|o| (metric.value)(o));
            let _ = write!(
                out,
                " {} |",
                value.map_or_else(|| "–".into(), metric.format)
            );
            if metric.compare.is_some() {
                let best = m::best_peer(runs, metric).map(|(v, _)| v);
                let base = m::baseline(runs, metric);
                for reference in [best, base] {
                    let ratio = m::relative(value, reference);
                    let _ = write!(out, " {} |", ratio.map_or_else(|| "–".into(), m::ratio));
                }
            }
        }
        if idle {
            let over = over_floor(runs, &run.implementation.name);
            let _ = write!(
                out,
                " {} |",
                over.map_or_else(|| "–".into(), m::significant)
            );
        }
        let _ = writeln!(out, " {} |", notes(run));
    }
    let bests: Vec<String> = metrics
        .iter()
        .filter_map(|metric| {
            let (_, label) = m::best_peer(runs, metric)?;
            Some(format!("{}: {label}", metric.name))
        })
        .collect();
    if !bests.is_empty() {
        let _ = writeln!(out, "\nBest peer — {}.", bests.join("; "));
    }
    out
}

/// How the run ended, when that is worth saying.
fn notes(run: &Run) -> String {
    let outcome = match &run.outcome {
        Ok(outcome) => outcome,
        Err(why) => return format!("failed: {}", why.replace('|', "/")),
    };
    let mut notes = Vec::new();
    let delivered = m::delivered_percent(outcome).unwrap_or(0.0);
    match outcome.stop.as_str() {
        "complete" => {}
        "time_limit" => notes.push(format!("time limit: {delivered:.0} % delivered")),
        other => notes.push(format!(
            "{}: {delivered:.0} % delivered",
            other.replace('_', " ")
        )),
    }
    if outcome.clients_connected < outcome.clients_wanted {
        notes.push(format!(
            "{} of {} connected",
            outcome.clients_connected, outcome.clients_wanted
        ));
    }
    if let Some(error) = outcome.errors.first() {
        notes.push(error.replace('|', "/"));
    }
    notes.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::metrics::tests::{outcome, run};
    use crate::bench::scenario::scenarios;

    fn many_clients() -> Scenario {
        scenarios(true, 20_000)
            .into_iter()
            .find(|s| s.key == "many-clients")
            .unwrap()
    }

    #[test]
    fn table_has_ratios_to_best_peer_and_baseline() {
        let mut slow = outcome(1000, 250.0, 0.002);
        slow.stop = "time_limit".into();
        slow.frames_expected = 2000;
        let runs = [
            run("base", Kind::Baseline, Ok(outcome(1000, 1000.0, 0.0005))),
            run("p1", Kind::Peer, Ok(slow)),
            run("p2", Kind::Peer, Ok(outcome(1000, 500.0, 0.004))),
            run("ours", Kind::Ours, Ok(outcome(1000, 800.0, 0.001))),
            run("broken", Kind::Peer, Err("server | crashed".into())),
        ];
        let refs: Vec<&Run> = runs.iter().collect();
        let refs = {
            let mut sorted = refs;
            sorted.sort_by_key(|r| r.implementation.kind != Kind::Ours);
            sorted
        };
        let table = scenario_table(&many_clients(), &refs);
        let lines: Vec<&str> = table.lines().collect();
        assert!(
            lines[0].starts_with("| implementation | deliveries/s | ÷ best peer | ÷ baseline |")
        );
        // ours: 800/s is 1.6× the best peer (500/s) and 0.8× the baseline; 1 CPU s per
        // M deliveries is 0.5× the best peer's 2 and 2× the baseline's 0.5.
        assert!(
            lines[2].starts_with("| ours label | 800 | 1.60× | 0.80× | 1.00 | 0.50× | 2.00× |"),
            "{}",
            lines[2]
        );
        assert!(table.contains("time limit: 50 % delivered"));
        assert!(table.contains("failed: server / crashed"));
        assert!(table.contains(
            "Best peer — deliveries/s: p2 label; server CPU s per M deliveries: p1 label."
        ));
    }

    #[test]
    fn idle_table_shows_ours_over_the_floor() {
        let idle = scenarios(true, 20_000)
            .into_iter()
            .find(|s| s.key == "idle")
            .unwrap();
        let mut floor = outcome(1000, 1.0, 0.1);
        floor.server_peak_kib = 1900; // 90 KiB per connection against ours' 100
        let runs = [
            run("peer-x", Kind::Peer, Ok(outcome(1000, 1.0, 0.1))),
            run("floor-x", Kind::Floor, Ok(floor)),
            run("ours-x", Kind::Ours, Ok(outcome(1000, 1.0, 0.1))),
        ];
        let refs = runs_of_all(&runs);
        let table = scenario_table(&idle, &refs);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].ends_with("over the framework's floor KiB | notes |"));
        assert!(lines[2].starts_with("| ours-x label |"), "{table}");
        assert!(lines[2].ends_with("| 10.0 |  |"), "{table}");
        assert!(lines[3].starts_with("| floor-x label |"), "{table}");
        assert!(lines[3].ends_with("| – |  |"), "{table}");
    }

    fn runs_of_all(runs: &[Run]) -> Vec<&Run> {
        let mut of: Vec<&Run> = runs.iter().collect();
        of.sort_by_key(|r| r.implementation.kind.order());
        of
    }

    #[test]
    fn report_has_goals_and_every_section() {
        let all = scenarios(true, 20_000);
        let mut runs = Vec::new();
        for s in &all {
            for (name, kind, cpu) in [
                ("ours", Kind::Ours, 0.001),
                ("p", Kind::Peer, 0.003),
                ("b", Kind::Baseline, 0.0005),
            ] {
                let mut r = run(name, kind, Ok(outcome(1000, 1000.0 * 0.5e-3 / cpu, cpu)));
                r.scenario = s.key.into();
                runs.push(r);
            }
        }
        let machine = Machine {
            cpu: "cpu".into(),
            cores: 2,
            memory_gib: 24.0,
            kernel: "6".into(),
            rustc: "rustc".into(),
            load_before: Some(0.1),
        };
        let report = Report {
            quick: true,
            date: "today",
            took: Duration::from_secs(61),
            machine: &machine,
            load_after: None,
            scenarios: &all,
            runs: &runs,
            criterion: Err("skipped"),
            chart: Some("fanout.svg"),
        };
        let text = render(&report);
        // ours: 3× the peer's events per CPU-second, same memory, half the baseline;
        // 100 KiB per idle connection, no floor measured.
        assert!(
            text.contains("| ours label | 3.00× ✅ | 1.00× ❌ | 0.50× ❌ | 100 | – |"),
            "{text}"
        );
        for s in &all {
            assert!(text.contains(&format!("### {}", s.title)));
        }
        assert!(text.contains("![fan-out chart](fanout.svg)"));
        assert!(text.contains("Not run: skipped"));
        assert!(text.contains("`cargo xtask bench --quick`"));
        assert!(text.contains("used at most 25 % of one core"));
    }
}
