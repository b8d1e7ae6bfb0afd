//! What a load test measured, as numbers and as the text `ddci loadtest` prints. Pure: the
//! clients hand over their samples, nothing here touches the network.

use std::collections::BTreeMap;
use std::time::Duration;

/// One client's record: the latency of every answered request, statuses, transport errors.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    pub latencies: Vec<Duration>,
    pub statuses: BTreeMap<u16, usize>,
    /// Requests that got no HTTP answer (connection refused or reset, timeout).
    pub transport_errors: usize,
}

impl Samples {
    pub fn record(&mut self, status: u16, latency: Duration) {
        self.latencies.push(latency);
        *self.statuses.entry(status).or_default() += 1;
    }

    pub fn merge(&mut self, other: Samples) {
        self.latencies.extend(other.latencies);
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.transport_errors += other.transport_errors;
    }
}

/// The summary of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub requests: usize,
    pub succeeded: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Every status outside 2xx with its count.
    pub failures: BTreeMap<u16, usize>,
    pub transport_errors: usize,
}

/// The `p`-th percentile (0–100) of sorted values by the nearest-rank method: the smallest
/// value with at least p% of the values at or below it. Zero for no values.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl Report {
    pub fn new(mut samples: Samples, elapsed: Duration) -> Report {
        samples.latencies.sort_unstable();
        let l = &samples.latencies;
        let succeeded = samples
            .statuses
            .iter()
            .filter(|(s, _)| (200..300).contains(*s))
            .map(|(_, n)| n)
            .sum();
        Report {
            requests: l.len(),
            succeeded,
            elapsed,
            p50: percentile(l, 50.0),
            p95: percentile(l, 95.0),
            p99: percentile(l, 99.0),
            max: l.last().copied().unwrap_or_default(),
            failures: samples
                .statuses
                .into_iter()
                .filter(|(s, _)| !(200..300).contains(s))
                .collect(),
            transport_errors: samples.transport_errors,
        }
    }

    /// Successful (2xx) answers per second.
    pub fn throughput(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.succeeded as f64 / secs
        } else {
            0.0
        }
    }

    /// The lines `ddci loadtest` prints.
    pub fn text(&self) -> String {
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        let mut out = format!(
            "requests: {} in {:.1} s, {} succeeded (2xx)\nthroughput: {:.0} successful requests/s\n\
             latency: p50 {}, p95 {}, p99 {}, max {}\n",
            self.requests,
            self.elapsed.as_secs_f64(),
            self.succeeded,
            self.throughput(),
            ms(self.p50),
            ms(self.p95),
            ms(self.p99),
            ms(self.max),
        );
        if self.failures.is_empty() {
            out.push_str("non-2xx: none\n");
        }
        for (status, n) in &self.failures {
            out.push_str(&format!("non-2xx: {status} × {n}\n"));
        }
        if self.transport_errors > 0 {
            out.push_str(&format!(
                "no answer (transport errors): {}\n",
                self.transport_errors
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn percentiles_follow_the_nearest_rank_method() {
        let sorted: Vec<_> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 50.0), ms(50));
        assert_eq!(percentile(&sorted, 95.0), ms(95));
        assert_eq!(percentile(&sorted, 99.0), ms(99));
        assert_eq!(percentile(&sorted, 100.0), ms(100));
        assert_eq!(percentile(&[ms(7)], 99.0), ms(7));
        assert_eq!(percentile(&[ms(1), ms(2), ms(3)], 50.0), ms(2));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn the_report_counts_successes_and_lists_every_other_status() {
        let mut a = Samples::default();
        for v in [30, 10, 20] {
            a.record(201, ms(v));
        }
        let mut b = Samples::default();
        b.record(409, ms(5));
        b.record(429, ms(1));
        b.record(429, ms(2));
        b.transport_errors = 1;
        a.merge(b);
        let r = Report::new(a, Duration::from_secs(2));
        assert_eq!((r.requests, r.succeeded), (6, 3));
        assert_eq!(r.throughput(), 1.5);
        assert_eq!(
            r.failures.into_iter().collect::<Vec<_>>(),
            [(409, 1), (429, 2)]
        );
        assert_eq!((r.p50, r.max), (ms(5), ms(30)));
    }

    #[test]
    fn the_text_names_statuses_and_missing_answers() {
        let mut s = Samples::default();
        s.record(200, ms(4));
        s.record(500, ms(9));
        s.transport_errors = 2;
        let text = Report::new(s, Duration::from_secs(1)).text();
        assert!(text.contains("requests: 2 in 1.0 s, 1 succeeded"), "{text}");
        assert!(text.contains("non-2xx: 500 × 1"), "{text}");
        assert!(text.contains("transport errors): 2"), "{text}");
        assert!(text.contains("p99 9.0 ms"), "{text}");
    }
}
