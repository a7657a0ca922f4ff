//! The fan-out scenarios, full and `--quick`.

use std::time::Duration;

/// What a scenario measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Events published back to back (every buffer holds them all, so nobody lags):
    /// deliveries per second and server CPU per delivery until all have arrived.
    Throughput,
    /// Connections that receive one event and then sit: memory per connection.
    Idle,
    /// Events at a fixed moderate rate: publish → receive latency.
    Latency,
}

/// One load shape, run against every implementation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Short name (file names, JSON).
    pub key: &'static str,
    /// Heading in the report.
    pub title: String,
    pub measure: Measure,
    pub clients: usize,
    pub events: u64,
    /// Bytes of data per event.
    pub size: usize,
    /// Events per second; 0 for back to back.
    pub rate: u64,
    /// Counting stops after this long, delivered or not.
    pub deadline: Duration,
}

impl Scenario {
    /// Whether the frameworks' floors run in it too: the idle scenarios (memory per
    /// connection over the framework's own) and large events (CPU per delivery over
    /// the framework's own: where copying frames dominates).
    pub fn runs_floors(&self) -> bool {
        self.measure == Measure::Idle || self.key == "large-events"
    }
}

/// Idle connections of the `idle` scenario (fewer when the open-file limit says so).
pub const IDLE_CLIENTS: usize = 10_000;

/// The idle scenario at `clients` connections.
fn idle(key: &'static str, clients: usize) -> Scenario {
    Scenario {
        key,
        title: format!("Idle connections: C = {clients}, one event each"),
        measure: Measure::Idle,
        clients,
        events: 1,
        size: 200,
        rate: 0,
        deadline: Duration::from_secs(10),
    }
}

/// The scenarios: the full set, or the `--quick` one (same shapes, fewer events).
/// `max_clients` caps the idle scenario (what the file-descriptor limit allows); when
/// it is above [`IDLE_CLIENTS`], `idle-max` holds that many.
pub fn scenarios(quick: bool, max_clients: usize) -> Vec<Scenario> {
    let pick = |full: u64, short: u64| if quick { short } else { full };
    let idle_clients = max_clients.min(IDLE_CLIENTS);
    let latency_events = pick(1000, 200);
    let idle_max = (max_clients > IDLE_CLIENTS).then(|| idle("idle-max", max_clients));
    let mut all = vec![
        Scenario {
            key: "many-clients",
            title: "Many clients, small events: C = 1000, 200 B".into(),
            measure: Measure::Throughput,
            clients: 1000,
            events: pick(3000, 600),
            size: 200,
            rate: 0,
            deadline: Duration::from_secs(pick(20, 8)),
        },
        Scenario {
            key: "few-clients",
            title: "Few clients, many events: C = 10, 200 B".into(),
            measure: Measure::Throughput,
            clients: 10,
            events: pick(200_000, 40_000),
            size: 200,
            rate: 0,
            deadline: Duration::from_secs(pick(20, 8)),
        },
        Scenario {
            key: "large-events",
            title: "Large events: C = 100, 16 KiB".into(),
            measure: Measure::Throughput,
            clients: 100,
            events: pick(2000, 400),
            size: 16 * 1024,
            rate: 0,
            deadline: Duration::from_secs(pick(20, 8)),
        },
        idle("idle", idle_clients),
        Scenario {
            key: "latency",
            title: format!(
                "Latency at a fixed rate: C = 1000, 200 B, 100 events/s for {} s",
                latency_events / 100
            ),
            measure: Measure::Latency,
            clients: 1000,
            events: latency_events,
            size: 200,
            rate: 100,
            deadline: Duration::from_secs(latency_events / 100 + 5),
        },
    ];
    all.extend(idle_max);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_is_the_same_shapes_with_fewer_events() {
        let full = scenarios(false, 20_000);
        let quick = scenarios(true, 20_000);
        assert_eq!(full.len(), quick.len());
        for (f, q) in full.iter().zip(&quick) {
            assert_eq!(
                (f.key, f.clients, f.size, f.measure),
                (q.key, q.clients, q.size, q.measure)
            );
            assert!(
                q.events <= f.events && q.deadline <= f.deadline,
                "{}",
                f.key
            );
        }
    }

    #[test]
    fn floors_run_where_the_framework_is_what_is_measured() {
        let with_floors: Vec<&str> = scenarios(false, 20_000)
            .iter()
            .filter(|s| s.runs_floors())
            .map(|s| s.key)
            .collect();
        assert_eq!(with_floors, ["large-events", "idle", "idle-max"]);
    }

    #[test]
    fn idle_clients_follow_the_limit() {
        let idle = |max| {
            scenarios(false, max)
                .into_iter()
                .filter(|s| s.measure == Measure::Idle)
                .map(|s| (s.key, s.clients))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            idle(19_800),
            [("idle", 10_000), ("idle-max", 19_800)],
            "10,000 and the most the limit allows"
        );
        assert_eq!(idle(10_000), [("idle", 10_000)]);
        assert_eq!(idle(900), [("idle", 900)]);
    }
}
