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

/// The spec's named 200 example (read from the spec, never copied).
fn spec_example(name: &str) -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/veriff-attempts.yaml"
    );
    let spec: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).expect("read spec"))
            .expect("spec is YAML");
    spec["paths"]["/v1/sessions/{id}/attempts"]["get"]["responses"]["200"]["content"]["application/json"]
        ["examples"][name]["value"]
        .clone()
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
    for example in builtin::DOCUMENTED {
        let output = veriff(
            &server,
            &["attempts", example.session_id, "--output", "json"],
        )
        .await;
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
    let output = veriff(
        &server,
        &["attempts", builtin::ATTEMPT_NO_CUSTOM_STATUS.session_id],
    )
    .await;
    let printed: Result<serde_json::Value, _> = serde_json::from_str(&stdout(&output));
    assert_eq!(
        printed.ok(),
        Some(spec_example(builtin::ATTEMPT_NO_CUSTOM_STATUS.name))
    );
}

#[tokio::test]
async fn the_table_has_one_row_per_attempt() {
    let server = MockServer::start().await.expect("server");
    let session = builtin::MULTIPLE_ATTEMPTS_MIXED_STATUSES.session_id;
    let output = veriff(&server, &["attempts", session, "--output", "table"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("ATTEMPT ID") && lines[0].contains("STATUS"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("a1c68aea-7f4d-478d-80ab-ca9356074f69"),
        "{text}"
    );
    assert!(
        lines[1].contains("approved") && lines[1].contains("2023-09-18T08:33:30.047Z"),
        "{text}"
    );
    assert!(
        lines[1].contains("custom_status_for_suspicious_attempt"),
        "{text}"
    );
    assert!(
        lines[2].contains("resubmission_requested") && lines[2].trim_end().ends_with('-'),
        "{text}"
    );

    let empty = veriff(
        &server,
        &[
            "attempts",
            builtin::NO_ATTEMPTS.session_id,
            "--output",
            "table",
        ],
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
fn serve_once(body: &'static [u8], secret: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut socket, _)) = listener.accept() {
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request);
            let signature = veriff_attempts::signature::sign(secret.as_bytes(), body);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-hmac-signature: {signature}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes());
            let _ = socket.write_all(body);
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn unknown_status_strings_and_timestamps_are_printed_as_received() {
    let body = br#"{"status":"success","verifications":[{"id":"0b6a2b8e-8f5e-4d7a-9e0b-3c2d1e0f9a8b","status":"escalated_to_human","userDefinedData":[],"createdTime":"2024-02-29T23:59:59.000Z","riskScore":1}]}"#;
    let base_url = serve_once(body, "raw-secret");
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
        &["attempts", builtin::NO_ATTEMPTS.session_id],
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
    let session = builtin::SINGLE_ATTEMPT_WITH_CUSTOM_STATUS.session_id;
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
}

#[tokio::test]
async fn missing_settings_are_named() {
    let output = tokio::task::spawn_blocking(|| {
        Command::new(VERIFF)
            .args(["attempts", builtin::NO_ATTEMPTS.session_id])
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
}

#[tokio::test]
async fn a_slow_server_is_a_timeout_within_the_bound() {
    let session = builtin::NO_ATTEMPTS.session_id;
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
        let output = veriff(
            &server,
            &["attempts", builtin::NO_ATTEMPTS.session_id, &timeout],
        )
        .await;
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
            builtin::NO_ATTEMPTS.session_id,
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
