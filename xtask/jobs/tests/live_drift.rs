//! `cargo xtask conformance --base-url …` against a server that has drifted from
//! the spec: what the SDK tolerates is reported as drift with the spec change it
//! calls for (a failure only with `--strict`); what the SDK rejects still fails.

use std::process::{Command, Output};

use serde_json::Value;
use veriff_mock::{Fault, MockServer, RunningServer, builtin};

const JOBS: &str = env!("CARGO_BIN_EXE_xtask-jobs");

/// A documented body with what Veriff may send before the spec knows it.
fn drifted_body() -> Value {
    let session = builtin::with_attempts().unwrap_or_else(|| panic!("no documented attempts"));
    let mut body: Value =
        serde_json::from_str(session.body().unwrap_or_default()).unwrap_or_default();
    body["verifications"][0]["status"] = "needs_manual_review".into();
    // A name no version of the spec will declare.
    body["verifications"][0]["memberNotInTheSpec"] = 0.3.into();
    body
}

async fn serving(body: Value) -> (RunningServer, String) {
    let session = builtin::documented()[0].session_id.to_string();
    let server = MockServer::builder()
        .fault(&session, Fault::json_body(body))
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    (server, session)
}

async fn live(server: &RunningServer, session: &str, extra: &[&str]) -> Output {
    let secret = String::from_utf8_lossy(server.shared_secret()).into_owned();
    let mut command = Command::new(JOBS);
    command
        .args([
            "conformance",
            "--base-url",
            server.base_url(),
            "--session-id",
            session,
        ])
        .args(extra)
        .env("VERIFF_API_KEY", server.api_key())
        .env("VERIFF_SHARED_SECRET", secret);
    tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap_or_else(|err| panic!("{err}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn drift_the_sdk_tolerates_is_reported_not_failed() {
    let (server, session) = serving(drifted_body()).await;
    let output = live(&server, &session, &[]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("live: response described by the spec") && text.contains("drift"),
        "{text}"
    );
    assert!(text.contains("DRIFT (tolerated by the SDK)"), "{text}");
    assert!(
        text.contains("`needs_manual_review` is not in the spec's enum"),
        "{text}"
    );
    assert!(
        text.contains("add `needs_manual_review` to components.schemas.AttemptStatus.enum"),
        "{text}"
    );
    assert!(
        text.contains("add property `memberNotInTheSpec` (type: number, optional)"),
        "{text}"
    );
    assert!(text.contains("live: the SDK lists the session"), "{text}");
}

#[tokio::test]
async fn strict_fails_on_drift() {
    let (server, session) = serving(drifted_body()).await;
    let output = live(&server, &session, &["--strict"]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("--strict: the response has 2 thing(s) the spec does not describe"),
        "{text}"
    );
}

#[tokio::test]
async fn what_the_sdk_rejects_still_fails() {
    let mut body = drifted_body();
    body["verifications"][0]["id"] = "not-a-uuid".into();
    let (server, session) = serving(body).await;
    let output = live(&server, &session, &[]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("body is not valid against the spec")
            && text.contains("$.verifications[0].id"),
        "{text}"
    );
}
