//! The bad-response matrix: every way a server or network can misbehave, each mapped
//! to the exact result. Retries are off here (`max_retries(0)`) so that each row
//! shows one exchange; retrying is tested in `retries.rs`.

mod support;

use std::time::{Duration, Instant};

use support::{API_KEY, SECRET, SESSION_ID, Step, Stub, response, signed, unsigned};
use veriff_attempts::signature::{SignatureProblem, sign};
use veriff_attempts::{AttemptStatus, Client, Error, SessionAttemptsResponse};

const EMPTY_OK: &[u8] = br#"{"status":"success","verifications":[]}"#;

fn client_for(stub: &Stub) -> Client {
    Client::builder()
        .base_url(stub.base_url())
        .api_key(API_KEY)
        .shared_secret(SECRET)
        .max_retries(0)
        .request_timeout(Duration::from_millis(500))
        .max_body_bytes(64 * 1024)
        .build()
        .expect("test client")
}

async fn call_with(
    script: impl Fn() -> Vec<Step> + Send + Sync + 'static,
) -> Result<SessionAttemptsResponse, Error> {
    let stub = Stub::scripted(move |_| script()).await;
    client_for(&stub).list_attempts(SESSION_ID).await
}

async fn call(raw: Vec<u8>) -> Result<SessionAttemptsResponse, Error> {
    call_with(move || vec![Step::Send(raw.clone())]).await
}

fn status_of(result: &Result<SessionAttemptsResponse, Error>) -> Option<u16> {
    result
        .as_ref()
        .err()
        .and_then(Error::status)
        .map(|s| s.as_u16())
}

#[tokio::test]
async fn undocumented_statuses_are_unexpected_and_never_decoded() {
    for status in [302, 418, 502, 503, 504, 201, 204] {
        let raw = response(
            status,
            &[
                ("location", "http://evil.example/"),
                ("content-type", "application/json"),
            ],
            EMPTY_OK,
        );
        let result = call(raw).await;
        assert!(
            matches!(&result, Err(Error::UnexpectedStatus { status: s, retry_after: None }) if s.as_u16() == status),
            "HTTP {status}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_429_reports_its_retry_after() {
    let result = call(response(429, &[("retry-after", "7")], b"slow down")).await;
    assert!(
        matches!(&result, Err(Error::UnexpectedStatus { status, retry_after: Some(wait) })
            if status.as_u16() == 429 && *wait == Duration::from_secs(7)),
        "{result:?}"
    );
}

#[tokio::test]
async fn documented_error_statuses_are_api_errors() {
    let signed_errors = veriff_attempts::spec::ERROR_STATUSES
        .iter()
        .copied()
        .filter(|status| veriff_attempts::spec::is_signed(*status));
    for status in signed_errors {
        let result = call(signed(
            status,
            br#"{"status":"fail","code":"1104","message":"m"}"#,
        ))
        .await;
        assert!(
            matches!(&result, Err(Error::Api { code, .. }) if code == "1104"),
            "{status}: {result:?}"
        );
        assert_eq!(status_of(&result), Some(status));
    }
    let result = call(unsigned(
        401,
        br#"{"status":"fail","code":"1801","message":"m"}"#,
    ))
    .await;
    assert!(
        matches!(&result, Err(Error::Api { code, .. }) if code == "1801"),
        "{result:?}"
    );
}

#[tokio::test]
async fn bodies_that_are_not_the_documented_json_are_decode_errors() {
    let cases: [(&str, u16, &[u8]); 9] = [
        ("empty 200", 200, b""),
        ("HTML 200", 200, b"<html>oops</html>"),
        ("truncated", 200, br#"{"status":"success","verifications":[{"id":"#),
        ("array", 200, b"[]"),
        ("null verifications", 200, br#"{"status":"success","verifications":null}"#),
        ("closed enum violated", 200, br#"{"status":"fail","verifications":[]}"#),
        ("bad uuid", 200, br#"{"status":"success","verifications":[{"id":"x","status":"approved","userDefinedData":[],"createdTime":"2023-09-18T08:33:30.047Z"}]}"#),
        ("empty 404", 404, b""),
        ("text 500", 500, b"Internal Server Error"),
    ];
    for (name, status, body) in cases {
        let result = call(signed(status, body)).await;
        assert!(
            matches!(&result, Err(Error::Decode { .. })),
            "{name}: {result:?}"
        );
        assert_eq!(status_of(&result), Some(status), "{name}");
    }
    let result = call(unsigned(401, b"<h1>Unauthorized</h1>")).await;
    assert!(
        matches!(&result, Err(Error::Decode { status, .. }) if status.as_u16() == 401),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_wrong_content_type_is_tolerated_when_the_signed_body_is_valid() {
    let signature = sign(SECRET.as_bytes(), EMPTY_OK);
    let raw = response(
        200,
        &[
            ("content-type", "text/plain"),
            ("x-hmac-signature", &signature),
        ],
        EMPTY_OK,
    );
    assert!(call(raw).await.is_ok());
}

#[tokio::test]
async fn signature_problems_are_named() {
    let good = sign(SECRET.as_bytes(), EMPTY_OK);
    // (case, response headers, expected problem; None = SignatureMissing)
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, Option<SignatureProblem>);
    let cases: Vec<Case> = vec![
        ("missing", vec![], None),
        (
            "not hex",
            vec![("x-hmac-signature", "zz".repeat(32))],
            Some(SignatureProblem::NotHex),
        ),
        (
            "short",
            vec![("x-hmac-signature", good[..40].to_owned())],
            Some(SignatureProblem::WrongLength(20)),
        ),
        (
            "wrong key",
            vec![("x-hmac-signature", sign(b"another", EMPTY_OK))],
            Some(SignatureProblem::Mismatch),
        ),
        (
            "duplicated",
            vec![
                ("x-hmac-signature", good.clone()),
                ("x-hmac-signature", good.clone()),
            ],
            Some(SignatureProblem::Duplicated(2)),
        ),
    ];
    for (name, headers, expected) in cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let result = call(response(200, &headers, EMPTY_OK)).await;
        match (expected, &result) {
            (None, Err(Error::SignatureMissing { .. })) => {}
            (Some(problem), Err(Error::SignatureInvalid { problem: got, .. }))
                if *got == problem => {}
            _ => panic!("{name}: {result:?}"),
        }
    }
    let upper = response(200, &[("x-hmac-signature", &good.to_uppercase())], EMPTY_OK);
    assert!(call(upper).await.is_ok(), "uppercase hex is accepted");
}

#[tokio::test]
async fn unknown_values_and_fields_are_kept_or_ignored() {
    let mut body = support::documented_body();
    body["extra"] = serde_json::json!({"nested": [1, 2]});
    body["verifications"][0]["status"] = "escalated".into();
    body["verifications"][0]["new"] = true.into();
    let bytes = serde_json::to_vec(&body).expect("serialise");
    let result = call(signed(200, &bytes)).await;
    let status = result.map(|r| r.verifications[0].status.clone());
    assert_eq!(status.ok(), Some(AttemptStatus::from("escalated")));
}

#[tokio::test]
async fn a_declared_huge_body_is_refused_without_reading_it() {
    let head =
        b"HTTP/1.1 200 OK\r\ncontent-length: 17000000\r\nx-hmac-signature: 00\r\n\r\n".to_vec();
    let result = call_with(move || vec![Step::Send(head.clone()), Step::Hang]).await;
    assert!(
        matches!(result, Err(Error::BodyTooLarge { limit: 65536, .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_undeclared_huge_body_is_cut_off_while_streaming() {
    let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000)).into_bytes();
    let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    let result = call_with(move || {
        // 1 MiB in 16 KiB chunks, then the server would go on forever.
        let mut script = vec![Step::Send(head.clone())];
        script.extend(std::iter::repeat_n(Step::Send(chunk.clone()), 64));
        script.push(Step::Hang);
        script
    })
    .await;
    assert!(
        matches!(result, Err(Error::BodyTooLarge { limit: 65536, .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_hung_server_is_a_timeout_near_the_bound() {
    let started = Instant::now();
    let result = call_with(|| vec![Step::Hang]).await;
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(Error::Timeout(bound)) if bound == Duration::from_millis(500)),
        "{result:?}"
    );
    assert!(
        elapsed >= Duration::from_millis(450) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_slow_body_is_a_timeout() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-length: 40\r\n\r\n{\"status\":".to_vec();
    let result = call_with(move || {
        vec![
            Step::Send(head.clone()),
            Step::Pause(Duration::from_secs(5)),
        ]
    })
    .await;
    assert!(matches!(result, Err(Error::Timeout(_))), "{result:?}");
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-length: 400\r\n\r\n{\"status\":\"succ".to_vec();
    let result = call_with(move || {
        vec![
            Step::Send(head.clone()),
            Step::Pause(Duration::from_millis(20)),
            Step::Reset,
        ]
    })
    .await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_a_transport_error() {
    let result = call_with(Vec::new).await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn bytes_that_are_not_http_are_a_transport_error() {
    let result = call(b"SSH-2.0-OpenSSH_9.2\r\n\r\n".to_vec()).await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn nothing_listening_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(API_KEY)
        .shared_secret(SECRET)
        .max_retries(0)
        .build()
        .expect("client");
    let result = client.list_attempts(SESSION_ID).await;
    assert!(
        matches!(&result, Err(Error::Transport(err)) if err.is_connect()),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_body_arriving_in_several_chunks_is_verified_whole() {
    let signature = sign(SECRET.as_bytes(), EMPTY_OK);
    let head = format!(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-hmac-signature: {signature}\r\n\r\n"
    );
    let pieces: Vec<Vec<u8>> = EMPTY_OK
        .chunks(7)
        .map(|piece| {
            let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
            chunk.extend_from_slice(piece);
            chunk.extend_from_slice(b"\r\n");
            chunk
        })
        .collect();
    let result = call_with(move || {
        let mut script = vec![Step::Send(head.clone().into_bytes())];
        for piece in &pieces {
            script.push(Step::Send(piece.clone()));
            script.push(Step::Pause(Duration::from_millis(2)));
        }
        script.push(Step::Send(b"0\r\n\r\n".to_vec()));
        script
    })
    .await;
    assert!(result.is_ok(), "{result:?}");
}
