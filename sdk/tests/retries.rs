//! Retrying against a live stub: what is retried, how often, and what is not.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::{API_KEY, SECRET, SESSION_ID, Step, Stub, response, signed};
use veriff_attempts::{Client, Error, RetryPolicy};

const EMPTY_OK: &[u8] = br#"{"status":"success","verifications":[]}"#;

fn fast_client(stub: &Stub, retries: u32) -> Client {
    Client::builder()
        .base_url(stub.base_url())
        .api_key(API_KEY)
        .shared_secret(SECRET)
        .request_timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy {
            max_retries: retries,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            deadline: Duration::from_secs(10),
        })
        .build()
        .expect("client")
}

/// A stub that answers `failure` for the first `failures` requests, then 200.
async fn flaky(failures: usize, failure: Vec<Step>) -> Stub {
    let count = Arc::new(AtomicUsize::new(0));
    Stub::scripted(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) < failures {
            failure.clone()
        } else {
            vec![Step::Send(signed(200, EMPTY_OK))]
        }
    })
    .await
}

#[tokio::test]
async fn transient_failures_are_retried_until_success() {
    let transient: Vec<(&str, Vec<Step>)> = vec![
        ("503", vec![Step::Send(response(503, &[], b""))]),
        ("502", vec![Step::Send(response(502, &[], b""))]),
        ("504", vec![Step::Send(response(504, &[], b""))]),
        (
            "429",
            vec![Step::Send(response(429, &[("retry-after", "0")], b""))],
        ),
        (
            "500",
            vec![Step::Send(signed(
                500,
                br#"{"status":"fail","code":"1101","message":"m"}"#,
            ))],
        ),
        ("reset", vec![Step::Reset]),
        ("hang", vec![Step::Hang]),
    ];
    for (name, failure) in transient {
        let stub = flaky(2, failure).await;
        let result = fast_client(&stub, 2).list_attempts(SESSION_ID).await;
        assert!(result.is_ok(), "{name}: {result:?}");
        assert_eq!(stub.requests().len(), 3, "{name}");
    }
}

#[tokio::test]
async fn permanent_failures_are_sent_once() {
    let bad_signature = response(200, &[("x-hmac-signature", &"0".repeat(64))], EMPTY_OK);
    let permanent: Vec<(&str, Vec<u8>)> = vec![
        (
            "400",
            signed(400, br#"{"status":"fail","code":"1104","message":"m"}"#),
        ),
        (
            "401",
            response(
                401,
                &[],
                br#"{"status":"fail","code":"1818","message":"m"}"#,
            ),
        ),
        (
            "404",
            signed(404, br#"{"status":"fail","code":"1101","message":"m"}"#),
        ),
        ("bad signature", bad_signature),
        ("no signature", response(200, &[], EMPTY_OK)),
        ("undecodable", signed(200, b"{")),
    ];
    for (name, raw) in permanent {
        let stub = flaky(usize::MAX, vec![Step::Send(raw)]).await;
        let result = fast_client(&stub, 5).list_attempts(SESSION_ID).await;
        assert!(result.is_err(), "{name}");
        assert!(
            !matches!(result, Err(Error::RetriesExhausted { .. })),
            "{name}: {result:?}"
        );
        assert_eq!(stub.requests().len(), 1, "{name}");
    }
}

#[tokio::test]
async fn the_last_error_says_how_many_attempts_were_made() {
    let stub = flaky(usize::MAX, vec![Step::Send(response(503, &[], b""))]).await;
    let result = fast_client(&stub, 3).list_attempts(SESSION_ID).await;
    let message = result
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        matches!(result, Err(Error::RetriesExhausted { attempts: 4, .. })),
        "{message}"
    );
    assert!(
        message.contains("gave up after 4 attempts") && message.contains("503"),
        "{message}"
    );
    assert_eq!(stub.requests().len(), 4);
}

#[tokio::test]
async fn zero_retries_disables_retrying() {
    let stub = flaky(usize::MAX, vec![Step::Send(response(503, &[], b""))]).await;
    let result = fast_client(&stub, 0).list_attempts(SESSION_ID).await;
    assert!(
        matches!(result, Err(Error::UnexpectedStatus { .. })),
        "{result:?}"
    );
    assert_eq!(stub.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_is_waited_for() {
    let stub = flaky(
        1,
        vec![Step::Send(response(429, &[("retry-after", "1")], b""))],
    )
    .await;
    let started = Instant::now();
    let result = fast_client(&stub, 2).list_attempts(SESSION_ID).await;
    assert!(result.is_ok(), "{result:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let stub = flaky(usize::MAX, vec![Step::Hang]).await;
    let client = Client::builder()
        .base_url(stub.base_url())
        .api_key(API_KEY)
        .shared_secret(SECRET)
        .request_timeout(Duration::from_secs(5))
        .max_retries(10)
        .deadline(Duration::from_millis(700))
        .build()
        .expect("client");
    let started = Instant::now();
    let result = client.list_attempts(SESSION_ID).await;
    let elapsed = started.elapsed();
    assert!(
        matches!(
            result.as_ref().map_err(Error::last_attempt),
            Err(Error::Timeout(_))
        ),
        "{result:?}"
    );
    assert!(
        elapsed >= Duration::from_millis(650) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
}
