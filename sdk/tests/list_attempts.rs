//! The SDK against a raw HTTP stub: signing, verification and classification.

mod support;

use support::{
    API_KEY, SECRET, SESSION_ID, Stub, client, documented_body, response, signed, spec_examples,
    unsigned,
};
use veriff_attempts::signature::{SignatureProblem, sign};
use veriff_attempts::{AttemptStatus, Error, InputError};

#[tokio::test]
async fn every_documented_200_example_decodes_to_the_same_json() {
    let examples = spec_examples(200);
    assert!(!examples.is_empty(), "the spec documents 200 examples");
    for (name, example) in examples {
        let body = serde_json::to_vec(&example).expect("example serialises");
        let stub = Stub::start(move |_| signed(200, &body)).await;
        let parsed = client(&stub).list_attempts(SESSION_ID).await;
        let parsed = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(serde_json::to_value(&parsed).ok(), Some(example), "{name}");
    }
}

#[tokio::test]
async fn requests_are_signed_over_the_session_id_in_the_path() {
    let stub = Stub::start(|_| signed(200, br#"{"status":"success","verifications":[]}"#)).await;
    // Uppercase input is sent, and signed, in its canonical lowercase form.
    let result = client(&stub).list_attempts(SESSION_ID.to_uppercase()).await;
    assert!(result.is_ok(), "{result:?}");
    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, format!("/v1/sessions/{SESSION_ID}/attempts"));
    assert_eq!(
        request.headers.get("x-auth-client").map(String::as_str),
        Some(API_KEY)
    );
    let expected = sign(SECRET.as_bytes(), SESSION_ID.as_bytes());
    assert_eq!(request.headers.get("x-hmac-signature"), Some(&expected));
    assert_eq!(
        request.headers.get("accept").map(String::as_str),
        Some("application/json")
    );
    assert_eq!(
        request.headers.get("user-agent").map(String::as_str),
        Some(veriff_attempts::USER_AGENT)
    );
    assert_eq!(
        request.headers.get("api-version"),
        None,
        "progenitor's api-version header is dropped"
    );
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() {
    let stub = Stub::start(|_| signed(200, br#"{"status":"success","verifications":[]}"#)).await;
    let client = veriff_attempts::Client::builder()
        .base_url(format!("{}/veriff/", stub.base_url()))
        .api_key(API_KEY)
        .shared_secret(SECRET)
        .build()
        .expect("client");
    assert!(client.list_attempts(SESSION_ID).await.is_ok());
    assert_eq!(
        stub.requests()[0].path,
        format!("/veriff/v1/sessions/{SESSION_ID}/attempts")
    );
}

#[tokio::test]
async fn each_signed_error_status_is_an_api_error_with_code_and_message() {
    let signed_errors = veriff_attempts::spec::ERROR_STATUSES
        .iter()
        .filter(|status| veriff_attempts::spec::is_signed(**status));
    for &code in signed_errors {
        for (name, example) in spec_examples(code) {
            let body = serde_json::to_vec(&example).expect("serialise");
            let stub = Stub::start(move |_| signed(code, &body)).await;
            let err = client(&stub).list_attempts(SESSION_ID).await.err();
            // Transient statuses (500) are retried, twice by default; 400 and 404 are not.
            let transient = err
                .as_ref()
                .is_some_and(|e| veriff_attempts::is_retryable(e.last_attempt()));
            let expected_requests = if transient { 3 } else { 1 };
            assert_eq!(stub.requests().len(), expected_requests, "{name}");
            match err.as_ref().map(Error::last_attempt) {
                Some(Error::Api {
                    status,
                    code: veriff_code,
                    message,
                }) => {
                    assert_eq!(status.as_u16(), code, "{name}");
                    assert_eq!(
                        veriff_code,
                        example["code"].as_str().unwrap_or_default(),
                        "{name}"
                    );
                    assert_eq!(
                        message,
                        example["message"].as_str().unwrap_or_default(),
                        "{name}"
                    );
                    if transient {
                        assert!(
                            matches!(err, Some(Error::RetriesExhausted { attempts: 3, .. })),
                            "{name}"
                        );
                    }
                }
                other => panic!("{name}: expected Error::Api, got {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn an_unsigned_401_still_reports_veriffs_code_and_message() {
    let body = br#"{"status":"fail","code":"1818","message":"Signature \"x\" does not match the HMAC-SHA256 of query ID and integration API secret."}"#;
    let stub = Stub::start(move |_| unsigned(401, body)).await;
    let err = client(&stub).list_attempts(SESSION_ID).await.err();
    let Some(Error::Api {
        status,
        code,
        message,
    }) = err
    else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!((status.as_u16(), code.as_str()), (401, "1818"));
    assert!(message.starts_with("Signature"));
}

#[tokio::test]
async fn a_tampered_body_is_rejected_and_none_of_it_is_returned() {
    let good = br#"{"status":"success","verifications":[]}"#;
    let signature = sign(SECRET.as_bytes(), good);
    let tampered = br#"{"status":"success","verifications":[ ]}"#;
    let stub = Stub::start(move |_| {
        response(
            200,
            &[
                ("content-type", "application/json"),
                ("x-hmac-signature", &signature),
            ],
            tampered,
        )
    })
    .await;
    let err = client(&stub).list_attempts(SESSION_ID).await.err();
    assert!(
        matches!(
            err,
            Some(Error::SignatureInvalid {
                problem: SignatureProblem::Mismatch,
                ..
            })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_body_signed_with_another_secret_is_rejected() {
    let body = br#"{"status":"fail","code":"1101","message":"Resource not found"}"#;
    let signature = sign(b"someone-elses-secret", body);
    let stub = Stub::start(move |_| response(404, &[("x-hmac-signature", &signature)], body)).await;
    let err = client(&stub).list_attempts(SESSION_ID).await.err();
    assert!(
        matches!(err, Some(Error::SignatureInvalid { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_missing_signature_is_rejected_for_every_signed_status() {
    for &status in veriff_attempts::spec::SIGNED_STATUSES {
        let (_, example) = spec_examples(status)
            .into_iter()
            .next()
            .expect("the spec documents an example for every status");
        let body = serde_json::to_vec(&example).expect("serialise");
        let stub = Stub::start(move |_| unsigned(status, &body)).await;
        let err = client(&stub).list_attempts(SESSION_ID).await.err();
        match err {
            Some(Error::SignatureMissing { status: got }) => assert_eq!(got.as_u16(), status),
            other => panic!("HTTP {status}: expected SignatureMissing, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn uppercase_hex_signatures_are_accepted() {
    let body = br#"{"status":"success","verifications":[]}"#;
    let signature = sign(SECRET.as_bytes(), body).to_uppercase();
    let stub = Stub::start(move |_| response(200, &[("x-hmac-signature", &signature)], body)).await;
    let result = client(&stub).list_attempts(SESSION_ID).await;
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn unknown_status_values_are_kept_and_unknown_fields_ignored() {
    // A documented body, then what Veriff may add: a member at every level and a
    // status value the spec does not list.
    let mut body = documented_body();
    body["anotherMemberNotInTheSpec"] = "2".into();
    body["verifications"][0]["memberNotInTheSpec"] = 0.3.into();
    body["verifications"][0]["status"] = "needs_manual_review".into();
    body["verifications"][0]["userDefinedData"][0]["by"] = "me".into();
    let created = body["verifications"][0]["createdTime"].clone();
    let bytes = serde_json::to_vec(&body).expect("serialise");
    let stub = Stub::start(move |_| signed(200, &bytes)).await;
    let response = client(&stub)
        .list_attempts(SESSION_ID)
        .await
        .expect("tolerant decoding");
    let attempt = &response.verifications[0];
    assert_eq!(attempt.status, AttemptStatus::from("needs_manual_review"));
    assert!(!attempt.status.is_known());
    assert_eq!(attempt.status.as_str(), "needs_manual_review");
    let json = serde_json::to_value(&response).expect("serialise");
    assert_eq!(json["verifications"][0]["status"], "needs_manual_review");
    assert_eq!(json["verifications"][0]["createdTime"], created);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let body = br#"{"status":"success","verifications":[{"id":"b3d79efa-6c2a"#;
    let stub = Stub::start(move |_| signed(200, body)).await;
    let err = client(&stub).list_attempts(SESSION_ID).await.err();
    assert!(
        matches!(&err, Some(Error::Decode { status, .. }) if status.as_u16() == 200),
        "{err:?}"
    );
    // Nothing is lost: the verified bytes travel with the error, but not in its text.
    assert!(
        matches!(&err, Some(Error::Decode { body: got, .. }) if got.as_ref() == body),
        "{err:?}"
    );
    assert!(
        !err.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("b3d79efa")
    );
}

#[tokio::test]
async fn a_non_json_error_body_is_a_decode_error_with_its_status() {
    let body = b"<html><body>502 Bad Gateway</body></html>";
    let stub = Stub::start(move |_| signed(500, body)).await;
    let err = client(&stub).list_attempts(SESSION_ID).await.err();
    assert!(
        matches!(&err, Some(Error::Decode { status, .. }) if status.as_u16() == 500),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_invalid_session_id_is_refused_before_anything_is_sent() {
    let stub = Stub::start(|_| signed(200, b"{}")).await;
    let err = client(&stub).list_attempts("../../admin").await.err();
    assert!(
        matches!(&err, Some(Error::InvalidInput(InputError::SessionId { value })) if value == "../../admin"),
        "{err:?}"
    );
    assert!(stub.requests().is_empty());
}

#[tokio::test]
async fn no_error_shows_a_secret() {
    let bodies: Vec<Vec<u8>> = vec![
        signed(401, br#"{"status":"fail","code":"1818","message":"m"}"#),
        response(200, &[("x-hmac-signature", "00")], b"{}"),
        unsigned(200, b"{}"),
        signed(200, b"{"),
        response(503, &[], b""),
    ];
    for raw in bodies {
        let stub = Stub::start(move |_| raw.clone()).await;
        let err = client(&stub)
            .list_attempts(SESSION_ID)
            .await
            .expect_err("an error");
        for shown in [err.to_string(), format!("{err:?}"), format!("{err:#}")] {
            assert!(
                !shown.contains(SECRET) && !shown.contains(API_KEY),
                "{shown}"
            );
            assert!(
                !shown.contains(&sign(SECRET.as_bytes(), SESSION_ID.as_bytes())),
                "{shown}"
            );
        }
    }
}

#[test]
fn client_and_futures_can_cross_threads() {
    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>(_: &T) {}
    fn assert_send<T: Send>(_: &T) {}
    let client = veriff_attempts::Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key(API_KEY)
        .shared_secret(SECRET)
        .build()
        .expect("client");
    assert_send_sync_clone(&client);
    let future = client.list_attempts(SESSION_ID);
    assert_send(&future);
}
