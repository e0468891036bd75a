//! Every response the server sends with a status the spec documents is valid
//! against `openapi/veriff-attempts.yaml`: body schema, content type, and the
//! signature header exactly where the spec lists it.

mod support;

use conformance::SpecValidator;
use support::{Raw, attempts_path, get_signed, get_signed_with, send, session};
use veriff_attempts::signature::sign;
use veriff_attempts::{AUTH_CLIENT_HEADER, SIGNATURE_HEADER};
use veriff_mock::builtin::{self, UNKNOWN_SESSION};
use veriff_mock::{Fault, MockServer, RunningServer};

fn validator() -> SpecValidator {
    SpecValidator::load().unwrap_or_else(|err| panic!("cannot load the spec: {err:?}"))
}

/// Checks one response against the spec; `what` names it in the failure.
#[track_caller]
fn assert_valid(validator: &SpecValidator, what: &str, raw: &Raw) {
    let schema = match raw.status.as_u16() {
        200 => "SessionAttemptsResponse",
        400 | 401 | 404 | 500 => "ErrorResponse",
        other => panic!("{what}: status {other} is not documented by the spec"),
    };
    if let Err(problem) = validator.validate(schema, &raw.json()) {
        panic!(
            "{what}: HTTP {} body is not a valid {schema}: {problem}",
            raw.status
        );
    }
    assert_eq!(
        raw.header("content-type"),
        Some("application/json"),
        "{what}"
    );
    let signed = raw.status != 401;
    match raw.signature() {
        Some(signature) => {
            assert!(signed, "{what}: 401 is documented without a signature");
            let is_hex64 =
                signature.len() == 64 && signature.bytes().all(|b| b.is_ascii_hexdigit());
            assert!(
                is_hex64,
                "{what}: signature {signature:?} does not match ^[0-9a-fA-F]{{64}}$"
            );
        }
        None => assert!(
            !signed,
            "{what}: HTTP {} is documented as signed",
            raw.status
        ),
    }
}

async fn server_with(fault: Option<Fault>) -> RunningServer {
    let mut builder = MockServer::builder()
        .shared_secret("first")
        .shared_secret("second");
    if let Some(fault) = fault {
        builder = builder.fault(session(), fault);
    }
    builder.start().await.unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn the_validator_is_not_vacuous() {
    let validator = validator();
    let not_an_error = serde_json::json!({"status": "success", "code": "1", "message": "m"});
    assert!(validator.validate("ErrorResponse", &not_an_error).is_err());
    let bad_attempt = serde_json::json!({"status": "success", "verifications": [{"id": "x"}]});
    assert!(
        validator
            .validate("SessionAttemptsResponse", &bad_attempt)
            .is_err()
    );
}

#[tokio::test]
async fn every_normal_answer_is_valid_against_the_spec() {
    let validator = validator();
    let server = server_with(None).await;
    for example in builtin::all() {
        let id = example.session_id.to_string();
        assert_valid(&validator, example.name, &get_signed(&server, &id).await);
        assert_valid(
            &validator,
            "second secret",
            &get_signed_with(&server, &id, b"second").await,
        );
    }
    assert_valid(
        &validator,
        "unknown session",
        &get_signed(&server, UNKNOWN_SESSION).await,
    );
    assert_valid(
        &validator,
        "malformed id",
        &get_signed(&server, "not-a-uuid").await,
    );
    assert_valid(&validator, "empty id", &get_signed(&server, "").await);
    assert_valid(
        &validator,
        "unknown path",
        &send(&server, "GET", "/v1/elsewhere", &[]).await,
    );
    assert_valid(
        &validator,
        "wrong secret",
        &get_signed_with(&server, session(), b"third").await,
    );

    let path = attempts_path(session());
    let signature = sign(b"first", session().as_bytes());
    let other_key = UNKNOWN_SESSION;
    let cases: [(&str, Vec<(&str, &str)>); 4] = [
        ("no API key", vec![(SIGNATURE_HEADER, &signature)]),
        (
            "API key not a UUID",
            vec![(AUTH_CLIENT_HEADER, "nope"), (SIGNATURE_HEADER, &signature)],
        ),
        (
            "unknown API key",
            vec![
                (AUTH_CLIENT_HEADER, other_key),
                (SIGNATURE_HEADER, &signature),
            ],
        ),
        ("no signature", vec![(AUTH_CLIENT_HEADER, server.api_key())]),
    ];
    for (what, headers) in cases {
        assert_valid(
            &validator,
            what,
            &send(&server, "GET", &path, &headers).await,
        );
    }
}

#[tokio::test]
async fn every_injected_documented_status_is_valid_against_the_spec() {
    let validator = validator();
    let faults = [
        Fault::status(400),
        Fault::status(400).with_code("1104"),
        Fault::status(401),
        Fault::status(401).with_code("1801"),
        Fault::status(401).with_code("1812").with_message("custom"),
        Fault::status(404),
        Fault::internal_server_error(),
        Fault::internal_server_error().with_retry_after(3),
        Fault::delay(std::time::Duration::from_millis(5)),
        Fault::content_type("application/json").times(1),
    ];
    for fault in faults {
        let what = fault.to_string();
        let server = server_with(Some(fault)).await;
        assert_valid(&validator, &what, &get_signed(&server, session()).await);
        assert_valid(
            &validator,
            &what,
            &get_signed_with(&server, session(), b"second").await,
        );
    }
}
