//! Retries of the idempotent GET: which failures are worth another attempt, how long
//! to wait, and the deadline over all attempts.

use std::future::Future;
use std::time::Duration;

use http::StatusCode;
use tokio::time::Instant;

use crate::error::Error;

/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default first backoff bound; it doubles each retry.
pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(200);
/// Default ceiling of one backoff.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(5);
/// Default deadline over all attempts and the waits between them.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// How a failed call is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// Upper bound of the first wait; each retry doubles it (full jitter: the wait
    /// is uniform between zero and the bound).
    pub base_delay: Duration,
    /// Ceiling of the bound.
    pub max_delay: Duration,
    /// All attempts and waits together end by then, whatever is left to try.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            base_delay: DEFAULT_BASE_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            deadline: DEFAULT_DEADLINE,
        }
    }
}

/// Transient failures: no connection, timeouts, resets, 429, 500, 502, 503, 504.
/// Never 400, 401, 404, a signature failure or an undecodable body: trying again
/// would get the same answer, or hide an attack.
pub fn is_retryable(error: &Error) -> bool {
    const TRANSIENT: [StatusCode; 5] = [
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::BAD_GATEWAY,
        StatusCode::SERVICE_UNAVAILABLE,
        StatusCode::GATEWAY_TIMEOUT,
    ];
    match error {
        Error::Api { status, .. } | Error::UnexpectedStatus { status, .. } => {
            TRANSIENT.contains(status)
        }
        Error::Timeout(_) => true,
        Error::Transport(err) => !err.is_builder() && !err.is_redirect(),
        _ => false,
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based): the server's `Retry-After`
    /// when it sent one, otherwise full jitter over the doubling bound.
    fn delay(&self, retry: u32, error: &Error) -> Duration {
        if let Error::UnexpectedStatus {
            retry_after: Some(wait),
            ..
        } = error
        {
            return *wait;
        }
        let bound = self
            .base_delay
            .saturating_mul(
                1u32.checked_shl(retry.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.max_delay);
        let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// Runs `attempt` (given its 1-based number) until it succeeds, fails for good,
    /// runs out of retries or hits the deadline. After more than one attempt the
    /// error is [`Error::RetriesExhausted`], which says how many were made.
    ///
    /// Each attempt gets `attempt_timeout` (the request timeout), cut short by the
    /// deadline: one timer per attempt enforces both, and its expiry is
    /// [`Error::Timeout`] naming whichever of the two ran out.
    pub(crate) async fn run<T, F, Fut>(
        &self,
        attempt_timeout: Duration,
        mut attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let deadline = Instant::now() + self.deadline;
        let mut number = 1;
        loop {
            let (ends, limit) =
                attempt_end(Instant::now(), attempt_timeout, deadline, self.deadline);
            let error = match tokio::time::timeout_at(ends, attempt(number)).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(error)) => error,
                Err(_elapsed) => Error::Timeout(limit),
            };
            let wait = self.delay(number, &error);
            let out_of_time = Instant::now() + wait >= deadline;
            if number > self.max_retries || !is_retryable(&error) || out_of_time {
                return Err(exhausted(number, error));
            }
            tracing::warn!(attempt = number, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(wait).await;
            number += 1;
        }
    }
}

/// When an attempt started at `now` must end, and the limit its expiry reports:
/// the request timeout, or the call's deadline if that comes first.
fn attempt_end(
    now: Instant,
    attempt_timeout: Duration,
    deadline: Instant,
    deadline_limit: Duration,
) -> (Instant, Duration) {
    match now.checked_add(attempt_timeout) {
        Some(own) if own < deadline => (own, attempt_timeout),
        _ => (deadline, deadline_limit),
    }
}

fn exhausted(attempts: u32, last: Error) -> Error {
    if attempts == 1 {
        last
    } else {
        Error::RetriesExhausted {
            attempts,
            last: Box::new(last),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn unexpected(status: u16, retry_after: Option<u64>) -> Error {
        Error::UnexpectedStatus {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    fn api(status: u16) -> Error {
        Error::Api {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            code: "1101".into(),
            message: "m".into(),
        }
    }

    #[test]
    fn only_transient_failures_are_retried() {
        for status in [429, 502, 503, 504] {
            assert!(is_retryable(&unexpected(status, None)), "{status}");
        }
        assert!(is_retryable(&api(500)));
        assert!(is_retryable(&Error::Timeout(Duration::from_secs(1))));
        for status in [400, 401, 404] {
            assert!(!is_retryable(&api(status)), "{status}");
        }
        assert!(!is_retryable(&unexpected(302, None)));
        assert!(!is_retryable(&unexpected(418, None)));
        let sig = Error::SignatureMissing {
            status: StatusCode::OK,
        };
        assert!(!is_retryable(&sig));
    }

    #[test]
    fn backoff_is_jittered_below_a_doubling_capped_bound() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        let error = api(500);
        for (retry, bound) in [(1, 100), (2, 200), (3, 300), (10, 300), (40, 300)] {
            let waits: Vec<Duration> = (0..200).map(|_| policy.delay(retry, &error)).collect();
            assert!(
                waits.iter().all(|w| *w <= Duration::from_millis(bound)),
                "retry {retry}"
            );
            // Full jitter: the waits spread over the range, not pinned to the bound.
            assert!(
                waits.iter().any(|w| *w < Duration::from_millis(bound / 2)),
                "retry {retry}"
            );
        }
    }

    #[test]
    fn retry_after_is_honoured() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, &unexpected(429, Some(3))),
            Duration::from_secs(3)
        );
    }

    /// Runs `policy` over an attempt that always fails with `error()`; returns how
    /// many attempts were made and the final result.
    async fn always_failing(policy: RetryPolicy, error: fn() -> Error) -> (u32, Result<(), Error>) {
        let mut calls = 0;
        let result = policy
            .run(HOUR, |_| {
                calls += 1;
                async move { Err(error()) }
            })
            .await;
        (calls, result)
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_max_retries_and_says_how_many_attempts() {
        let policy = RetryPolicy {
            max_retries: 2,
            ..RetryPolicy::default()
        };
        let (calls, result) = always_failing(policy, || api(500)).await;
        assert_eq!(calls, 3);
        let err = result.err();
        assert!(
            matches!(&err, Some(Error::RetriesExhausted { attempts: 3, .. })),
            "{err:?}"
        );
        assert!(
            err.map(|e| e.to_string())
                .unwrap_or_default()
                .contains("3 attempts")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn zero_retries_means_one_attempt_and_the_plain_error() {
        let policy = RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        };
        let (calls, result) = always_failing(policy, || api(500)).await;
        assert_eq!(calls, 1);
        assert!(matches!(result, Err(Error::Api { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_failures_are_not_retried() {
        let (calls, result) = always_failing(RetryPolicy::default(), || api(404)).await;
        assert_eq!(calls, 1);
        assert!(matches!(result, Err(Error::Api { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn succeeds_after_transient_failures() {
        let policy = RetryPolicy::default();
        let result = policy
            .run(HOUR, |n| async move {
                if n < 3 {
                    Err(unexpected(503, None))
                } else {
                    Ok(n)
                }
            })
            .await;
        assert_eq!(result.ok(), Some(3));
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_caps_all_attempts() {
        let policy = RetryPolicy {
            max_retries: 100,
            deadline: Duration::from_secs(10),
            ..RetryPolicy::default()
        };
        let started = Instant::now();
        let result: Result<(), Error> = policy
            .run(HOUR, |_| async {
                tokio::time::sleep(Duration::from_secs(4)).await;
                Err(unexpected(503, None))
            })
            .await;
        assert!(
            started.elapsed() <= Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert!(
            matches!(result, Err(Error::RetriesExhausted { .. })),
            "{result:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_beyond_the_deadline_stops_at_once() {
        let policy = RetryPolicy {
            deadline: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        let started = Instant::now();
        let result: Result<(), Error> = policy
            .run(HOUR, |_| async { Err(unexpected(429, Some(60))) })
            .await;
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(matches!(result, Err(Error::UnexpectedStatus { .. })));
    }

    #[test]
    fn an_attempt_ends_at_its_timeout_or_the_deadline_whichever_comes_first() {
        let now = Instant::now();
        let (minute, second) = (Duration::from_secs(60), Duration::from_secs(1));
        let deadline = now + minute;
        assert_eq!(
            attempt_end(now, second, deadline, minute),
            (now + second, second)
        );
        assert_eq!(attempt_end(now, HOUR, deadline, minute), (deadline, minute));
        assert_eq!(
            attempt_end(now, minute, deadline, minute),
            (deadline, minute)
        );
        assert_eq!(
            attempt_end(now, Duration::MAX, deadline, minute),
            (deadline, minute)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_attempt_times_out_with_the_request_timeout_and_is_retried() {
        let policy = RetryPolicy {
            max_retries: 1,
            ..RetryPolicy::default()
        };
        let request_timeout = Duration::from_secs(2);
        let mut calls = 0;
        let result: Result<(), Error> = policy
            .run(request_timeout, |_| {
                calls += 1;
                async {
                    tokio::time::sleep(HOUR).await;
                    Ok(())
                }
            })
            .await;
        assert_eq!(calls, 2);
        let last = match result {
            Err(Error::RetriesExhausted { last, .. }) => Some(*last),
            _ => None,
        };
        assert!(
            matches!(last, Some(Error::Timeout(limit)) if limit == request_timeout),
            "{last:?}"
        );
    }
}
