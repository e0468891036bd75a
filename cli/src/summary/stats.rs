//! The figures of a summary, accumulated one record at a time.
//!
//! Definitions (also in the README):
//! - `sessions`: records, failed ones included; `sessions_failed`: records with an
//!   error (a malformed input line is one).
//! - `attempts`, `attempts_per_session`, `statuses`, custom statuses and reason codes
//!   count the sessions that were listed (failed ones have no attempts to count).
//! - `statuses`: attempts per status string exactly as received, so a status this
//!   release does not know is counted under its own name.
//! - `resubmission_rate`: of the sessions with at least one attempt, the share in
//!   which at least one attempt has the status `resubmission_requested` (0 to 1;
//!   `null` when no session has an attempt).
//! - `custom_statuses` / `reason_codes`: how many attempts' `userDefinedData`
//!   entries carry each `statusCode` / non-null `reasonCode`.
//! - Times, in seconds (millisecond precision): each session's attempts are put in
//!   `createdTime` order; "between attempts" takes every consecutive pair, "first to
//!   last" every session with two or more attempts. The median and p90 interpolate
//!   linearly between the closest ranks (spreadsheets' PERCENTILE.INC, numpy's
//!   default); `null` when there is no pair.
//!
//! Memory: counters, plus one number per pair of attempts for the exact
//! percentiles (8 bytes each).

use std::collections::BTreeMap;

use serde::Serialize;
use veriff_attempts::AttemptStatus;

use crate::scan::record::{Record, kind};

/// The status that counts as a resubmission.
const RESUBMISSION: AttemptStatus = AttemptStatus::ResubmissionRequested;

/// Running totals.
#[derive(Debug, Default)]
pub struct Summary {
    sessions: u64,
    failed: u64,
    failures: BTreeMap<String, u64>,
    attempts: u64,
    multiple: u64,
    per_session: BTreeMap<usize, u64>,
    statuses: BTreeMap<String, u64>,
    with_attempts: u64,
    with_resubmission: u64,
    custom_statuses: BTreeMap<String, u64>,
    reason_codes: BTreeMap<String, u64>,
    between_ms: Vec<i64>,
    first_to_last_ms: Vec<i64>,
}

/// The figures, with exactly the top-level keys of `--format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub sessions: u64,
    pub sessions_failed: u64,
    pub attempts: u64,
    pub sessions_with_multiple_attempts: u64,
    /// Number of attempts → number of sessions with that many.
    pub attempts_per_session: BTreeMap<usize, u64>,
    pub statuses: BTreeMap<String, u64>,
    pub resubmission_rate: Option<f64>,
    pub custom_statuses: BTreeMap<String, u64>,
    pub reason_codes: BTreeMap<String, u64>,
    pub time_between_attempts_seconds: Spread,
    pub time_first_to_last_seconds: Spread,
    /// For the text form only.
    #[serde(skip)]
    pub details: Details,
}

/// Median and 90th percentile, `None` without data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

/// What the text form shows besides the JSON figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    /// Failures by kind (`HTTP 404, code 1101`, `invalid session id`, ...).
    pub failures: BTreeMap<String, u64>,
    pub sessions_with_attempts: u64,
    pub sessions_with_resubmission: u64,
    pub pairs: usize,
}

impl Summary {
    /// Counts one record.
    pub fn add(&mut self, record: &Record) {
        self.sessions += 1;
        if let Some(failure) = &record.error {
            self.failed += 1;
            *self.failures.entry(failure_label(failure)).or_default() += 1;
            return;
        }
        let Some(attempts) = &record.attempts else {
            return;
        };
        self.attempts += attempts.len() as u64;
        *self.per_session.entry(attempts.len()).or_default() += 1;
        if attempts.len() > 1 {
            self.multiple += 1;
        }
        if !attempts.is_empty() {
            self.with_attempts += 1;
        }
        if attempts.iter().any(|a| a.status == RESUBMISSION) {
            self.with_resubmission += 1;
        }
        for attempt in attempts {
            count(&mut self.statuses, attempt.status.as_str());
            for custom in &attempt.user_defined_data {
                count(&mut self.custom_statuses, &custom.status_code);
                if let Some(reason) = &custom.reason_code {
                    count(&mut self.reason_codes, reason);
                }
            }
        }
        let mut times: Vec<_> = attempts.iter().map(|a| a.created_time.instant()).collect();
        times.sort_unstable();
        for pair in times.windows(2) {
            if let [earlier, later] = pair {
                self.between_ms.push((*later - *earlier).num_milliseconds());
            }
        }
        if let (Some(first), Some(last)) = (times.first(), times.last())
            && times.len() > 1
        {
            self.first_to_last_ms
                .push((*last - *first).num_milliseconds());
        }
    }

    /// The figures so far.
    pub fn report(&mut self) -> Report {
        self.between_ms.sort_unstable();
        self.first_to_last_ms.sort_unstable();
        Report {
            sessions: self.sessions,
            sessions_failed: self.failed,
            attempts: self.attempts,
            sessions_with_multiple_attempts: self.multiple,
            attempts_per_session: self.per_session.clone(),
            statuses: self.statuses.clone(),
            resubmission_rate: (self.with_attempts > 0)
                .then(|| self.with_resubmission as f64 / self.with_attempts as f64),
            custom_statuses: self.custom_statuses.clone(),
            reason_codes: self.reason_codes.clone(),
            time_between_attempts_seconds: spread(&self.between_ms),
            time_first_to_last_seconds: spread(&self.first_to_last_ms),
            details: Details {
                failures: self.failures.clone(),
                sessions_with_attempts: self.with_attempts,
                sessions_with_resubmission: self.with_resubmission,
                pairs: self.between_ms.len(),
            },
        }
    }
}

fn count(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

/// `HTTP 404, code 1101`, `HTTP 429`, `invalid session id`, `timeout`, ...
fn failure_label(failure: &crate::scan::record::Failure) -> String {
    match (failure.kind.as_str(), failure.http_status, &failure.code) {
        (kind::API, Some(status), Some(code)) => format!("HTTP {status}, code {code}"),
        (_, Some(status), _) => format!("HTTP {status}"),
        (other, None, _) => other.replace('_', " "),
    }
}

fn spread(sorted_ms: &[i64]) -> Spread {
    Spread {
        median: percentile(sorted_ms, 0.5),
        p90: percentile(sorted_ms, 0.9),
    }
}

/// The `p` quantile (0 to 1) of sorted milliseconds, in seconds rounded to the
/// millisecond, by linear interpolation between the closest ranks.
pub fn percentile(sorted_ms: &[i64], p: f64) -> Option<f64> {
    let last = sorted_ms.len().checked_sub(1)?;
    let rank = p.clamp(0.0, 1.0) * last as f64;
    let below = rank.floor();
    let low = *sorted_ms.get(below as usize)?;
    let high = *sorted_ms.get(rank.ceil() as usize)?;
    let ms = low as f64 + (high - low) as f64 * (rank - below);
    Some(ms.round() / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let ms = [1_000, 2_000, 3_000, 4_000];
        assert_eq!(percentile(&ms, 0.5), Some(2.5));
        assert_eq!(percentile(&ms, 0.9), Some(3.7));
        assert_eq!(percentile(&[5_000], 0.9), Some(5.0));
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[0, 10_000, 20_000], 0.5), Some(10.0));
    }

    #[test]
    fn an_empty_summary_has_nulls_not_zeros() {
        let report = Summary::default().report();
        assert_eq!(report.resubmission_rate, None);
        assert_eq!(report.time_between_attempts_seconds.median, None);
        let json = serde_json::to_value(&report).unwrap_or_default();
        let keys: Vec<&str> = json
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut expected = [
            "sessions",
            "sessions_failed",
            "attempts",
            "sessions_with_multiple_attempts",
            "attempts_per_session",
            "statuses",
            "resubmission_rate",
            "custom_statuses",
            "reason_codes",
            "time_between_attempts_seconds",
            "time_first_to_last_seconds",
        ];
        let mut keys = keys;
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }
}
