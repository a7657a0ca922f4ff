//! The numbers the report shows, derived from a run's outcome, and how rows compare
//! with the best peer and the baseline.

use super::fanout::{Kind, Outcome, Run};

/// Which way a metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// A number derived from an outcome.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Column header.
    pub name: &'static str,
    pub value: fn(&Outcome) -> Option<f64>,
    pub format: fn(f64) -> String,
    /// `Some` when rows are compared with the best peer and the baseline.
    pub compare: Option<Better>,
}

/// Events delivered per second, all connections together.
pub fn deliveries_per_second(o: &Outcome) -> Option<f64> {
    (o.frames > 0).then_some(o.deliveries_per_second)
}

/// Server CPU seconds (user + system) per million deliveries.
pub fn cpu_per_million(o: &Outcome) -> Option<f64> {
    (o.frames > 0).then(|| o.server_cpu_seconds / (o.frames as f64 / 1e6))
}

/// Peak resident memory of the server, MiB.
pub fn peak_rss_mib(o: &Outcome) -> Option<f64> {
    Some(o.server_peak_kib as f64 / 1024.0)
}

/// Peak memory added per connection: (peak RSS − RSS before connecting) / connections,
/// KiB.
pub fn rss_per_connection_kib(o: &Outcome) -> Option<f64> {
    (o.clients_connected > 0).then(|| {
        o.server_peak_kib.saturating_sub(o.server_rss_before_kib) as f64
            / o.clients_connected as f64
    })
}

/// Connections held.
pub fn connections(o: &Outcome) -> Option<f64> {
    Some(o.clients_connected as f64)
}

/// The load generator's CPU time as a share of one core over the measurement.
pub fn load_share(o: &Outcome) -> Option<f64> {
    Some(o.load_cpu_share)
}

/// Median publish → receive latency, ms.
pub fn latency_p50_ms(o: &Outcome) -> Option<f64> {
    o.latency_us.map(|l| l.p50 as f64 / 1000.0)
}

/// 99th percentile publish → receive latency, ms.
pub fn latency_p99_ms(o: &Outcome) -> Option<f64> {
    o.latency_us.map(|l| l.p99 as f64 / 1000.0)
}

/// Events delivered of those expected, %.
pub fn delivered_percent(o: &Outcome) -> Option<f64> {
    (o.frames_expected > 0).then(|| o.frames as f64 * 100.0 / o.frames_expected as f64)
}

/// A number with thousands separators and no decimals: `1,234,567`.
pub fn grouped(value: f64) -> String {
    let rounded = value.round();
    if !rounded.is_finite() {
        return "–".into();
    }
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if rounded < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// Three significant digits: `0.0123`, `1.23`, `123`, `12,345`.
pub fn significant(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1000.0 {
        grouped(value)
    } else if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else if magnitude > 0.0 {
        let decimals = (2 - magnitude.log10().floor() as i32).clamp(3, 9) as usize;
        format!("{value:.decimals$}")
    } else {
        "0".into()
    }
}

/// A share as a percentage: `12 %`.
pub fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// A ratio: `1.52×`.
pub fn ratio(value: f64) -> String {
    format!("{value:.2}×")
}

/// The runs of one scenario that have an outcome, with their kind.
fn measured<'a>(runs: &'a [&'a Run]) -> impl Iterator<Item = (Kind, &'a str, &'a Outcome)> {
    runs.iter().filter_map(|run| {
        let outcome = run.outcome.as_ref().ok()?;
        Some((
            run.implementation.kind,
            run.implementation.label.as_str(),
            outcome,
        ))
    })
}

/// The best peer's value of `metric` and its label.
pub fn best_peer<'a>(runs: &'a [&'a Run], metric: &Metric) -> Option<(f64, &'a str)> {
    let better = metric.compare?;
    measured(runs)
        .filter(|(kind, _, _)| *kind == Kind::Peer)
        .filter_map(|(_, label, o)| Some(((metric.value)(o)?, label)))
        .reduce(|best, next| match better {
            Better::Higher if next.0 > best.0 => next,
            Better::Lower if next.0 < best.0 => next,
            _ => best,
        })
}

/// The baseline's value of `metric`.
pub fn baseline(runs: &[&Run], metric: &Metric) -> Option<f64> {
    metric.compare?;
    measured(runs)
        .find(|(kind, _, _)| *kind == Kind::Baseline)
        .and_then(|(_, _, o)| (metric.value)(o))
}

/// `value / reference`, when both exist and the reference is not zero.
pub fn relative(value: Option<f64>, reference: Option<f64>) -> Option<f64> {
    match (value, reference) {
        (Some(v), Some(r)) if r != 0.0 => Some(v / r),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::bench::fanout::{Implementation, Latency};

    pub(crate) fn outcome(frames: u64, per_second: f64, cpu: f64) -> Outcome {
        Outcome {
            clients_wanted: 10,
            clients_connected: 10,
            connect_failures: 0,
            connect_seconds: 0.1,
            events: frames / 10,
            frames,
            frames_expected: frames,
            stop: "complete".into(),
            elapsed_seconds: 1.0,
            deliveries_per_second: per_second,
            server_cpu_seconds: cpu,
            server_rss_before_kib: 1000,
            server_rss_connected_kib: 1500,
            server_rss_end_kib: 1800,
            server_peak_kib: 2000,
            load_cpu_seconds: 0.1,
            load_cpu_share: 0.25,
            latency_us: Some(Latency {
                count: 3,
                p50: 1500,
                p99: 9000,
                max: 12000,
            }),
            errors: Vec::new(),
        }
    }

    pub(crate) fn run(name: &str, kind: Kind, outcome: Result<Outcome, String>) -> Run {
        Run {
            scenario: "s".into(),
            implementation: Implementation {
                name: name.into(),
                kind,
                label: format!("{name} label"),
            },
            outcome,
        }
    }

    const RATE: Metric = Metric {
        name: "deliveries/s",
        value: deliveries_per_second,
        format: grouped,
        compare: Some(Better::Higher),
    };

    const CPU: Metric = Metric {
        name: "CPU",
        value: cpu_per_million,
        format: significant,
        compare: Some(Better::Lower),
    };

    #[test]
    fn derived_values() {
        let o = outcome(2_000_000, 1e6, 0.5);
        assert_eq!(cpu_per_million(&o), Some(0.25));
        assert_eq!(rss_per_connection_kib(&o), Some(100.0));
        assert_eq!(latency_p99_ms(&o), Some(9.0));
        assert_eq!(delivered_percent(&o), Some(100.0));
        assert_eq!(
            cpu_per_million(&outcome(0, 0.0, 1.0)),
            None,
            "nothing delivered"
        );
    }

    #[test]
    fn best_peer_follows_the_direction_and_skips_others() {
        let runs = [
            run("ours", Kind::Ours, Ok(outcome(1000, 900.0, 0.001))),
            run("p1", Kind::Peer, Ok(outcome(1000, 300.0, 0.004))),
            run("p2", Kind::Peer, Ok(outcome(1000, 500.0, 0.006))),
            run("p3", Kind::Peer, Err("crashed".into())),
            run("base", Kind::Baseline, Ok(outcome(1000, 1000.0, 0.0005))),
        ];
        let refs: Vec<&Run> = runs.iter().collect();
        assert_eq!(best_peer(&refs, &RATE), Some((500.0, "p2 label")));
        let (cpu, label) = best_peer(&refs, &CPU).unwrap();
        assert!((cpu - 4.0).abs() < 1e-9 && label == "p1 label");
        assert_eq!(baseline(&refs, &RATE), Some(1000.0));
        assert_eq!(relative(Some(900.0), Some(500.0)), Some(1.8));
        assert_eq!(relative(Some(1.0), Some(0.0)), None);
        assert_eq!(relative(None, Some(1.0)), None);
    }

    #[test]
    fn number_formats() {
        assert_eq!(grouped(1_234_567.4), "1,234,567");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(-1000.0), "-1,000");
        assert_eq!(significant(0.012345), "0.0123");
        assert_eq!(significant(0.5), "0.500");
        assert_eq!(significant(1.234), "1.23");
        assert_eq!(significant(12.34), "12.3");
        assert_eq!(significant(123.4), "123");
        assert_eq!(significant(0.0), "0");
        assert_eq!(percent(0.123), "12 %");
        assert_eq!(ratio(1.5), "1.50×");
    }
}
