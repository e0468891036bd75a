//! `--rate`: requests started per second, evenly spaced (no bursts), so that a scan
//! stays within what an integration is allowed or willing to send.
//!
//! It spaces the sessions the scan starts; the SDK's own retries of a session (on
//! 429, 5xx, timeouts; honouring `Retry-After`) come on top.

use std::time::Duration;

use tokio::time::Instant;

/// The fastest rate accepted, and the slowest (one per day).
pub const MAX_RATE: f64 = 1_000_000.0;
pub const MIN_RATE: f64 = 1.0 / 86_400.0;

/// When the next request may start.
#[derive(Debug, Clone)]
pub struct Rate {
    interval: Duration,
    next: Option<Instant>,
}

impl Rate {
    /// At most `per_second` starts per second (a checked value, see [`parse`]).
    pub fn per_second(per_second: f64) -> Self {
        Self {
            interval: Duration::from_secs_f64(1.0 / per_second.clamp(MIN_RATE, MAX_RATE)),
            next: None,
        }
    }

    /// The earliest instant the next request may start (`now` when it may start
    /// at once).
    pub fn ready_at(&self, now: Instant) -> Instant {
        self.next.map_or(now, |next| next.max(now))
    }

    /// Records a start at `now`: the next one may start an interval later. A quiet
    /// period earns no burst afterwards.
    pub fn take(&mut self, now: Instant) {
        self.next = Some(self.ready_at(now) + self.interval);
    }
}

/// `--rate PER_SECOND`: a positive number, fractions allowed (0.5 is one request
/// every two seconds).
pub fn parse(value: &str) -> Result<f64, String> {
    let rate: f64 = value
        .parse()
        .map_err(|_| format!("{value:?} is not a number of requests per second"))?;
    if !(MIN_RATE..=MAX_RATE).contains(&rate) {
        return Err(format!(
            "{value:?} must be between {MIN_RATE:.6} (one a day) and {MAX_RATE}"
        ));
    }
    Ok(rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_are_spaced_by_the_interval_without_bursts() {
        let mut rate = Rate::per_second(4.0);
        let t0 = Instant::now();
        assert_eq!(rate.ready_at(t0), t0, "the first starts at once");
        rate.take(t0);
        assert_eq!(rate.ready_at(t0), t0 + Duration::from_millis(250));
        rate.take(t0 + Duration::from_millis(250));
        assert_eq!(rate.ready_at(t0), t0 + Duration::from_millis(500));
        // After a pause, one may start at once, then the spacing resumes.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(rate.ready_at(later), later);
        rate.take(later);
        assert_eq!(rate.ready_at(later), later + Duration::from_millis(250));
    }

    #[test]
    fn only_usable_rates_are_accepted() {
        assert_eq!(parse("0.5"), Ok(0.5));
        assert_eq!(parse("200"), Ok(200.0));
        for bad in ["0", "-1", "NaN", "inf", "fast", "1e7"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
