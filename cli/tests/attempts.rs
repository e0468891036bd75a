//! `veriff attempts` as a user runs it, against the reference server in this process:
//! output formats, exit codes, one-line errors, and no secrets anywhere.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use veriff_mock::{Fault, MockServer, RunningServer, builtin};

const VERIFF: &str = env!("CARGO_BIN_EXE_veriff");

/// Runs `veriff` with the server's base URL and credentials in the environment.
async fn veriff(server: &RunningServer, args: &[&str]) -> Output {
    let secret = String::from_utf8_lossy(server.shared_secret()).into_owned();
    veriff_with(server.base_url(), server.api_key(), &secret, args).await
}

async fn veriff_with(base_url: &str, api_key: &str, secret: &str, args: &[&str]) -> Output {
    let mut command = Command::new(VERIFF);
    command
        .args(args)
        .env("VERIFF_BASE_URL", base_url)
        .env("VERIFF_API_KEY", api_key)
        .env("VERIFF_SHARED_SECRET", secret);
    // The server runs on this test's runtime: wait for the child off that runtime.
    tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("run veriff")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The spec's named 200 example (generated from the spec into the SDK, never copied).
fn spec_example(name: &str) -> serde_json::Value {
    veriff_attempts::spec::Example::find(200, name)
        .and_then(|example| serde_json::from_str(example.json).ok())
        .unwrap_or_else(|| panic!("the spec documents no 200 example {name}"))
}

/// A documented session with several attempts, as the reference server serves it.
fn several_attempts() -> builtin::Session {
    builtin::documented()
        .into_iter()
        .find(|session| session.attempts().len() > 1)
        .expect("a documented example with several attempts")
}

fn assert_no_secret(server: &RunningServer, output: &Output) {
    let secret = String::from_utf8_lossy(server.shared_secret()).into_owned();
    for text in [stdout(output), stderr(output)] {
        assert!(
            !text.contains(&secret) && !text.contains(server.api_key()),
            "{text}"
        );
    }
}

#[tokio::test]
async fn json_output_is_the_response_exactly_as_documented() {
    let server = MockServer::start().await.expect("server");
    for example in builtin::documented() {
        let session = example.session_id.to_string();
        let output = veriff(&server, &["attempts", &session, "--output", "json"]).await;
        assert!(
            output.status.success(),
            "{}: {}",
            example.name,
            stderr(&output)
        );
        let printed: serde_json::Value =
            serde_json::from_str(&stdout(&output)).expect("stdout is JSON");
        assert_eq!(printed, spec_example(example.name), "{}", example.name);
        assert_no_secret(&server, &output);
    }
}

#[tokio::test]
async fn json_is_the_default_when_stdout_is_not_a_terminal() {
    let server = MockServer::start().await.expect("server");
    let example = builtin::documented()[0];
    let output = veriff(&server, &["attempts", &example.session_id.to_string()]).await;
    let printed: Result<serde_json::Value, _> = serde_json::from_str(&stdout(&output));
    assert_eq!(printed.ok(), Some(spec_example(example.name)));
}

#[tokio::test]
async fn the_table_has_one_row_per_attempt() {
    let server = MockServer::start().await.expect("server");
    let session = several_attempts();
    let id = session.session_id.to_string();
    let output = veriff(&server, &["attempts", &id, "--output", "table"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    let attempts = session.attempts();
    assert_eq!(lines.len(), attempts.len() + 1, "{text}");
    assert!(
        lines[0].starts_with("ATTEMPT ID") && lines[0].contains("STATUS"),
        "{text}"
    );
    for (line, attempt) in lines[1..].iter().zip(&attempts) {
        assert!(line.starts_with(&attempt.id.to_string()), "{text}");
        assert!(
            line.contains(attempt.status.as_str())
                && line.contains(&attempt.created_time.to_string()),
            "{text}"
        );
        match attempt.user_defined_data.first() {
            Some(custom) => assert!(line.contains(&custom.status_code), "{text}"),
            None => assert!(line.trim_end().ends_with('-'), "{text}"),
        }
    }

    let empty = veriff(
        &server,
        &["attempts", builtin::NO_ATTEMPTS_ID, "--output", "table"],
    )
    .await;
    assert!(
        stdout(&empty).contains("(no attempts)"),
        "{}",
        stdout(&empty)
    );
}

/// The reference server only sends spec-valid bodies, so a status Veriff may add
/// later comes from a one-shot raw HTTP server here.
fn serve_once(body: Vec<u8>, secret: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut socket, _)) = listener.accept() {
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request);
            let signature = veriff_attempts::signature::sign(secret.as_bytes(), &body);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-hmac-signature: {signature}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes());
            let _ = socket.write_all(&body);
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn unknown_status_strings_and_timestamps_are_printed_as_received() {
    // A documented body, with what Veriff may send later: a status the spec does
    // not list, a whole-second timestamp and a new member.
    let mut body: serde_json::Value =
        serde_json::from_str(several_attempts().body().unwrap_or_default()).expect("JSON");
    let attempt = &mut body["verifications"][0];
    attempt["id"] = "0b6a2b8e-8f5e-4d7a-9e0b-3c2d1e0f9a8b".into();
    attempt["status"] = "escalated_to_human".into();
    attempt["createdTime"] = "2024-02-29T23:59:59.000Z".into();
    attempt["memberNotInTheSpec"] = 1.into();
    let base_url = serve_once(serde_json::to_vec(&body).expect("JSON"), "raw-secret");
    let output = veriff_with(
        &base_url,
        "key",
        "raw-secret",
        &[
            "attempts",
            "0b6a2b8e-8f5e-4d7a-9e0b-3c2d1e0f9a8b",
            "--output",
            "json",
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let printed: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(printed["verifications"][0]["status"], "escalated_to_human");
    assert_eq!(
        printed["verifications"][0]["createdTime"],
        "2024-02-29T23:59:59.000Z"
    );
}

#[tokio::test]
async fn an_api_error_names_status_code_and_message_on_one_line() {
    let server = MockServer::start().await.expect("server");
    let output = veriff(&server, &["attempts", builtin::UNKNOWN_SESSION]).await;
    assert_eq!(output.status.code(), Some(3));
    let err = stderr(&output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with("error: ") && err.contains("404"), "{err}");
    assert!(stdout(&output).is_empty());

    let secret = String::from_utf8_lossy(server.shared_secret()).into_owned();
    let wrong_secret = veriff_with(
        server.base_url(),
        server.api_key(),
        "not-the-secret",
        &["attempts", builtin::NO_ATTEMPTS_ID],
    )
    .await;
    assert_eq!(wrong_secret.status.code(), Some(3));
    let err = stderr(&wrong_secret);
    assert!(err.contains("401") && err.contains("1818"), "{err}");
    assert!(
        !err.contains(&secret) && !err.contains("not-the-secret"),
        "{err}"
    );
}

#[tokio::test]
async fn a_bad_or_missing_response_signature_says_signature() {
    let session = &builtin::documented()[0].session_id.to_string();
    for fault in [Fault::bad_signature(), Fault::missing_signature()] {
        let server = MockServer::builder()
            .fault(session, fault.clone())
            .start()
            .await
            .expect("server");
        let output = veriff(&server, &["attempts", session, "--output", "json"]).await;
        assert_eq!(
            output.status.code(),
            Some(4),
            "{fault}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("signature"),
            "{fault}: {}",
            stderr(&output)
        );
        assert!(
            stdout(&output).is_empty(),
            "{fault}: no data from an unverified body"
        );
        assert_no_secret(&server, &output);
    }
}

#[tokio::test]
async fn an_invalid_session_id_is_refused_before_sending() {
    // Nothing listens on this port: an attempt to connect would exit 6, not 2.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let output = veriff_with(
        &format!("http://127.0.0.1:{port}"),
        "k",
        "s",
        &["attempts", "not-a-uuid"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("\"not-a-uuid\" is not a UUID"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("hint: session id must be a UUID"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn missing_settings_are_named() {
    let output = tokio::task::spawn_blocking(|| {
        Command::new(VERIFF)
            .args(["attempts", builtin::NO_ATTEMPTS_ID])
            .env_remove("VERIFF_BASE_URL")
            .env_remove("VERIFF_API_KEY")
            .env_remove("VERIFF_SHARED_SECRET")
            .output()
    })
    .await
    .expect("join")
    .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("--base-url") && err.contains("--api-key") && err.contains("--shared-secret"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    // Only the secret missing: the hint names it.
    let output = tokio::task::spawn_blocking(|| {
        Command::new(VERIFF)
            .args(["attempts", builtin::NO_ATTEMPTS_ID])
            .env("VERIFF_BASE_URL", "http://127.0.0.1:1")
            .env("VERIFF_API_KEY", "key")
            .env_remove("VERIFF_SHARED_SECRET")
            .output()
    })
    .await
    .expect("join")
    .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: no shared secret given; hint: set VERIFF_SHARED_SECRET"),
        "{err}"
    );
}

#[tokio::test]
async fn every_failure_is_one_line_with_a_hint() {
    let server = MockServer::start().await.expect("server");
    let wrong_secret = veriff_with(
        server.base_url(),
        server.api_key(),
        "not-the-secret",
        &["attempts", builtin::NO_ATTEMPTS_ID],
    )
    .await;
    let unknown = veriff(&server, &["attempts", builtin::UNKNOWN_SESSION]).await;
    let bad_base_url = veriff_with(
        "stationapi.veriff.com",
        "k",
        "s",
        &["attempts", builtin::NO_ATTEMPTS_ID],
    )
    .await;
    for (output, hint) in [
        (wrong_secret, "hint: check VERIFF_SHARED_SECRET"),
        (unknown, "hint: no such session"),
        (bad_base_url, "hint: set VERIFF_BASE_URL"),
    ] {
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains(hint), "{err}");
    }
}

#[tokio::test]
async fn a_slow_server_is_a_timeout_within_the_bound() {
    let session = builtin::NO_ATTEMPTS_ID;
    let server = MockServer::builder()
        .fault(session, Fault::delay(Duration::from_secs(10)))
        .start()
        .await
        .expect("server");
    let started = Instant::now();
    let output = veriff(&server, &["attempts", session, "--timeout", "0.5"]).await;
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        stderr(&output).contains("no complete response within"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn bad_timeouts_are_usage_errors() {
    let server = MockServer::start().await.expect("server");
    for bad in ["0", "-1", "soon", "NaN", "1e9"] {
        let timeout = format!("--timeout={bad}");
        let output = veriff(&server, &["attempts", builtin::NO_ATTEMPTS_ID, &timeout]).await;
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&output).contains("--timeout"),
            "{bad}: {}",
            stderr(&output)
        );
    }
}

#[tokio::test]
async fn verbose_shows_each_attempt_without_secrets() {
    let server = MockServer::start().await.expect("server");
    let output = veriff(
        &server,
        &[
            "-v",
            "attempts",
            builtin::NO_ATTEMPTS_ID,
            "--output",
            "json",
        ],
    )
    .await;
    assert!(output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("attempt=1") && err.contains("status=200") && err.contains("latency_ms="),
        "{err}"
    );
    assert_no_secret(&server, &output);
}
