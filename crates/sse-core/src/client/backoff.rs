//! Reconnection delays: the floor and ceiling, exponential growth and seeded jitter.

use core::time::Duration;

/// Computes reconnection delays from the reconnection time, the attempt number and
/// a seeded pseudo-random source (so the same seed gives the same delays).
#[derive(Debug, Clone)]
pub(super) struct Backoff {
    /// Floor of every delay.
    min_delay: Duration,
    /// Ceiling of every delay, never below `min_delay`.
    max_delay: Duration,
    jitter: SplitMix64,
}

impl Backoff {
    pub(super) fn new(min_delay: Duration, max_delay: Duration, seed: u64) -> Self {
        Backoff {
            min_delay,
            max_delay: max_delay.max(min_delay),
            jitter: SplitMix64(seed),
        }
    }

    /// The wait after an open stream ended cleanly: the reconnection time the server
    /// asked for (within floor and ceiling), plus up to a quarter more so that clients
    /// dropped together (a server restart) do not all return at the same instant.
    pub(super) fn after_end(&mut self, reconnection_time: Duration) -> Duration {
        let delay = self.clamp(reconnection_time);
        let extra = self.jitter.between(Duration::ZERO, delay / 4);
        delay.saturating_add(extra).min(self.max_delay)
    }

    /// The wait before reconnection attempt `attempt` (1-based) after a failure:
    /// `min(max_delay, max(reconnection_time, min_delay) × 2^(attempt-1))`, drawn
    /// uniformly from its upper half and never below `min_delay`.
    pub(super) fn after_failure(&mut self, reconnection_time: Duration, attempt: u32) -> Duration {
        let base = reconnection_time.max(self.min_delay);
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let delay = self.clamp(base.saturating_mul(factor));
        self.jitter.between(delay / 2, delay).max(self.min_delay)
    }

    fn clamp(&self, delay: Duration) -> Duration {
        delay.clamp(self.min_delay, self.max_delay)
    }
}

/// The SplitMix64 generator: tiny, fast and well distributed; plenty for jitter
/// (nothing here needs unpredictability, only spread).
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A duration drawn uniformly from `[low, high]` (nanosecond resolution); `low`
    /// when `high < low`.
    fn between(&mut self, low: Duration, high: Duration) -> Duration {
        let span = high.saturating_sub(low).as_nanos();
        // Scale a 64-bit draw onto `0..=span`: `span + 1` fits easily in u128 (a
        // Duration holds under 2^94 ns) and the product in 158 bits would not, so
        // split the multiplication into high and low halves.
        let draw = u128::from(self.next_u64());
        let range = span + 1;
        let offset = (range >> 64) * draw + (((range & u128::from(u64::MAX)) * draw) >> 64);
        low.saturating_add(from_nanos(offset))
    }
}

fn from_nanos(nanos: u128) -> Duration {
    const PER_SECOND: u128 = 1_000_000_000;
    let seconds = u64::try_from(nanos / PER_SECOND).unwrap_or(u64::MAX);
    let rest = u32::try_from(nanos % PER_SECOND).unwrap_or(0);
    Duration::new(seconds, rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn draws_stay_in_range_including_extremes() {
        let mut rng = SplitMix64(7);
        let low = Duration::from_millis(100);
        let high = Duration::from_millis(200);
        for _ in 0..1000 {
            let d = rng.between(low, high);
            assert!(low <= d && d <= high, "{d:?}");
        }
        assert_eq!(rng.between(high, low), high);
        assert_eq!(rng.between(low, low), low);
        let d = rng.between(Duration::ZERO, Duration::MAX);
        assert!(d <= Duration::MAX);
    }

    #[test]
    fn draws_spread_over_the_range() {
        let mut rng = SplitMix64(1);
        let (low, high) = (Duration::ZERO, Duration::from_secs(1));
        let draws: Vec<_> = (0..1000).map(|_| rng.between(low, high)).collect();
        let half = Duration::from_millis(500);
        let below = draws.iter().filter(|&&d| d < half).count();
        assert!(
            (350..650).contains(&below),
            "{below} of 1000 below the middle"
        );
    }

    #[test]
    fn failure_delay_doubles_until_the_ceiling() {
        let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(60), 3);
        let base = Duration::from_secs(1);
        for attempt in 1..=40 {
            let cap = base
                .saturating_mul(1 << (attempt - 1).min(20))
                .min(Duration::from_secs(60));
            let d = backoff.after_failure(base, attempt);
            assert!(
                cap / 2 <= d && d <= cap,
                "attempt {attempt}: {d:?} vs {cap:?}"
            );
        }
        assert!(backoff.after_failure(base, u32::MAX) <= Duration::from_secs(60));
    }

    #[test]
    fn ceiling_below_floor_is_raised() {
        let mut backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(1), 3);
        assert_eq!(
            backoff.after_failure(Duration::ZERO, 5),
            Duration::from_secs(2)
        );
        assert_eq!(backoff.after_end(Duration::ZERO), Duration::from_secs(2));
    }
}
