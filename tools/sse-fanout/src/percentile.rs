//! Latency percentiles over all samples (nearest rank), no histogram approximation.
//!
//! ```
//! use sse_fanout::percentile::Summary;
//!
//! let summary = Summary::of((1..=100).collect()).unwrap();
//! assert_eq!((summary.p50, summary.p99, summary.max), (50, 99, 100));
//! ```

use serde::Serialize;

/// Percentiles of a set of samples (microseconds in this benchmark).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Samples summarized.
    pub count: usize,
    /// The median.
    pub p50: u64,
    /// The 99th percentile.
    pub p99: u64,
    /// The largest sample.
    pub max: u64,
}

impl Summary {
    /// The summary of `samples` (sorted here); `None` when there are none.
    pub fn of(mut samples: Vec<u64>) -> Option<Summary> {
        samples.sort_unstable();
        Some(Summary {
            count: samples.len(),
            p50: percentile(&samples, 50.0)?,
            p99: percentile(&samples, 99.0)?,
            max: *samples.last()?,
        })
    }
}

/// The nearest-rank `p`th percentile (0 < p ≤ 100) of `sorted`: the smallest sample
/// with at least p% of the samples at or below it. `None` for no samples.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p.clamp(0.0, 100.0) / 100.0 * n as f64).ceil() as usize;
    sorted.get(rank.clamp(1, n) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let sorted = [10, 20, 30, 40];
        assert_eq!(percentile(&sorted, 50.0), Some(20));
        assert_eq!(percentile(&sorted, 51.0), Some(30));
        assert_eq!(percentile(&sorted, 99.0), Some(40));
        assert_eq!(percentile(&sorted, 100.0), Some(40));
        assert_eq!(percentile(&sorted, 0.0), Some(10));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[7], 99.0), Some(7));
    }

    #[test]
    fn summary_sorts_first() {
        let samples = vec![5, 1, 4, 2, 3, 100, 6, 7, 8, 9];
        let s = Summary::of(samples).unwrap();
        assert_eq!((s.count, s.p50, s.p99, s.max), (10, 5, 100, 100));
        assert_eq!(Summary::of(Vec::new()), None);
    }
}
