//! Tracing: a span per call with operation, session id, attempt, status and latency,
//! and never a secret.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::{API_KEY, SECRET, SESSION_ID, Stub, response, signed};
use veriff_attempts::signature::sign;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_attempt_is_traced_without_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let calls = std::sync::atomic::AtomicUsize::new(0);
    let stub = Stub::start(move |_| {
        if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            response(503, &[], b"")
        } else {
            signed(200, br#"{"status":"success","verifications":[]}"#)
        }
    })
    .await;
    let client = veriff_attempts::Client::builder()
        .base_url(stub.base_url())
        .api_key(API_KEY)
        .shared_secret(SECRET)
        .retry_policy(veriff_attempts::RetryPolicy {
            base_delay: std::time::Duration::from_millis(1),
            ..Default::default()
        })
        .build()
        .expect("client");
    assert!(client.list_attempts(SESSION_ID).await.is_ok());

    let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8 log");
    assert!(log.contains("operation=\"list_attempts\""), "{log}");
    assert!(log.contains(&format!("session_id={SESSION_ID}")), "{log}");
    assert!(
        log.contains("attempt=1") && log.contains("status=503"),
        "{log}"
    );
    assert!(
        log.contains("attempt=2") && log.contains("status=200"),
        "{log}"
    );
    assert!(log.contains("latency_ms="), "{log}");
    assert!(log.contains("retrying"), "{log}");
    for secret in [
        SECRET.to_owned(),
        API_KEY.to_owned(),
        sign(SECRET.as_bytes(), SESSION_ID.as_bytes()),
    ] {
        assert!(
            !log.contains(&secret),
            "a secret leaked into the log:\n{log}"
        );
    }
}
