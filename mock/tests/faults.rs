//! Every fault, seen by the SDK (the exact error) and over raw HTTP (the exact bytes).

mod support;

use std::time::{Duration, Instant};

use http::StatusCode;
use support::{client, get_signed, page_error, session};
use veriff_attempts::Error;
use veriff_attempts::signature::SignatureProblem;
use veriff_mock::builtin::{NO_ATTEMPTS_ID, UNKNOWN_SESSION};
use veriff_mock::{Fault, MockServer, RunningServer};

async fn faulty(fault: Fault) -> RunningServer {
    MockServer::builder()
        .fault(session(), fault)
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"))
}

async fn sdk_outcome(
    server: &RunningServer,
) -> Result<veriff_attempts::SessionAttemptsResponse, Error> {
    client(server).list_attempts(session()).await
}

#[tokio::test]
async fn status_500_is_the_documented_error_signed() {
    let server = faulty(Fault::internal_server_error()).await;
    let raw = get_signed(&server, session()).await;
    assert_eq!(raw.status, StatusCode::INTERNAL_SERVER_ERROR);
    let (page_code, page_message) = page_error(500);
    assert_eq!(raw.error(), (page_code.clone(), page_message));
    assert!(raw.is_signed_with(server.shared_secret()));
    let outcome = sdk_outcome(&server).await;
    assert!(
        matches!(&outcome, Err(Error::Api { status, code, .. }) if *status == 500 && *code == page_code),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn error_statuses_are_signed_as_the_spec_says() {
    for &status in veriff_attempts::spec::ERROR_STATUSES {
        let signed = veriff_attempts::spec::is_signed(status);
        let server = faulty(Fault::status(status)).await;
        let raw = get_signed(&server, session()).await;
        assert_eq!(raw.status.as_u16(), status);
        assert_eq!(
            raw.is_signed_with(server.shared_secret()),
            signed,
            "{status}"
        );
        assert_eq!(raw.signature().is_some(), signed, "{status}");
        let outcome = sdk_outcome(&server).await;
        assert!(
            matches!(&outcome, Err(Error::Api { status: got, .. }) if got.as_u16() == status),
            "{outcome:?}"
        );
    }
}

#[tokio::test]
async fn a_fault_can_choose_the_error_code_and_message() {
    let server = faulty(Fault::status(401).with_code("1801")).await;
    let outcome = sdk_outcome(&server).await;
    let Err(Error::Api {
        status,
        code,
        message,
    }) = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!((status.as_u16(), code.as_str()), (401, "1801"));
    assert!(
        message.starts_with("Mandatory X-AUTH-CLIENT header"),
        "{message}"
    );
    let server = faulty(Fault::status(400).with_code("1104").with_message("bad id")).await;
    let outcome = sdk_outcome(&server).await;
    assert!(
        matches!(&outcome, Err(Error::Api { code, message, .. }) if code == "1104" && message == "bad id"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn status_503_is_plain_text_unsigned() {
    let server = faulty(Fault::service_unavailable()).await;
    let raw = get_signed(&server, session()).await;
    assert_eq!(raw.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        raw.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(&raw.body[..], b"503 Service Unavailable\n");
    assert_eq!(raw.signature(), None);
    let outcome = sdk_outcome(&server).await;
    assert!(
        matches!(&outcome, Err(Error::UnexpectedStatus { status, retry_after: None }) if *status == 503),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn status_429_carries_retry_after() {
    let server = faulty(Fault::too_many_requests(7)).await;
    let raw = get_signed(&server, session()).await;
    assert_eq!(raw.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(raw.header("retry-after"), Some("7"));
    let outcome = sdk_outcome(&server).await;
    assert!(
        matches!(&outcome, Err(Error::UnexpectedStatus { status, retry_after: Some(wait) })
            if *status == 429 && *wait == Duration::from_secs(7)),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn delay_holds_the_answer_back() {
    let server = faulty(Fault::delay(Duration::from_millis(300))).await;
    let started = Instant::now();
    assert!(sdk_outcome(&server).await.is_ok());
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    let impatient = server
        .client_builder()
        .max_retries(0)
        .request_timeout(Duration::from_millis(100))
        .build()
        .unwrap_or_else(|err| panic!("{err}"));
    let outcome = impatient.list_attempts(session()).await;
    assert!(matches!(outcome, Err(Error::Timeout(_))), "{outcome:?}");
}

#[tokio::test]
async fn bad_signature_is_well_formed_but_wrong() {
    let server = faulty(Fault::bad_signature()).await;
    let raw = get_signed(&server, session()).await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.signature().map(|sig| sig.len()), Some(64));
    assert!(!raw.is_signed_with(server.shared_secret()));
    let outcome = sdk_outcome(&server).await;
    assert!(
        matches!(&outcome, Err(Error::SignatureInvalid { status, problem: SignatureProblem::Mismatch }) if *status == 200),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn bad_signature_applies_to_signed_error_statuses_too() {
    let server = faulty(Fault::internal_server_error().and(Fault::bad_signature())).await;
    let outcome = sdk_outcome(&server).await;
    assert!(
        matches!(&outcome, Err(Error::SignatureInvalid { status, .. }) if *status == 500),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn missing_signature_sends_no_header() {
    let server = faulty(Fault::missing_signature()).await;
    let raw = get_signed(&server, session()).await;
    assert_eq!((raw.status, raw.signature()), (StatusCode::OK, None));
    let outcome = sdk_outcome(&server).await;
    assert!(
        matches!(&outcome, Err(Error::SignatureMissing { status }) if *status == 200),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn duplicated_signature_sends_two_headers() {
    let server = faulty(Fault::duplicated_signature()).await;
    let outcome = sdk_outcome(&server).await;
    assert!(
        matches!(
            &outcome,
            Err(Error::SignatureInvalid {
                problem: SignatureProblem::Duplicated(2),
                ..
            })
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn truncated_body_is_signed_but_not_json() {
    let server = faulty(Fault::truncated_body()).await;
    let whole = get_signed(
        &MockServer::start().await.unwrap_or_else(|e| panic!("{e}")),
        session(),
    )
    .await;
    let raw = get_signed(&server, session()).await;
    assert_eq!(&raw.body[..], &whole.body[..whole.body.len() / 2]);
    assert!(raw.is_signed_with(server.shared_secret()));
    let outcome = sdk_outcome(&server).await;
    assert!(
        matches!(&outcome, Err(Error::Decode { status, .. }) if *status == 200),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn disconnect_mid_body_is_a_transport_error() {
    let server = faulty(Fault::disconnect_mid_body()).await;
    let url = format!("{}{}", server.base_url(), support::attempts_path(session()));
    let signature = veriff_attempts::signature::sign(server.shared_secret(), session().as_bytes());
    let response = support::raw_client()
        .get(url)
        .header(veriff_attempts::AUTH_CLIENT_HEADER, server.api_key())
        .header(veriff_attempts::SIGNATURE_HEADER, signature)
        .send()
        .await
        .unwrap_or_else(|err| panic!("the headers arrive: {err}"));
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.content_length().is_some_and(|length| length > 100),
        "the whole length is announced"
    );
    assert!(response.bytes().await.is_err(), "the body never completes");
    let outcome = sdk_outcome(&server).await;
    assert!(matches!(&outcome, Err(Error::Transport(_))), "{outcome:?}");
    // The server keeps serving other requests.
    let raw = get_signed(&server, UNKNOWN_SESSION).await;
    assert_eq!(raw.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_content_type_changes_only_the_header() {
    let server = faulty(Fault::content_type("text/html")).await;
    let raw = get_signed(&server, session()).await;
    assert_eq!(raw.header("content-type"), Some("text/html"));
    assert!(raw.is_signed_with(server.shared_secret()));
    // The SDK trusts the verified body, not the label (see the crate README).
    let outcome = sdk_outcome(&server).await;
    assert!(outcome.is_ok(), "{outcome:?}");
}

#[tokio::test]
async fn fail_n_times_then_succeed() {
    let server = faulty(Fault::service_unavailable().times(2)).await;
    let client = client(&server);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let outcome = client.list_attempts(session()).await;
        statuses.push(
            outcome
                .err()
                .and_then(|err| err.status())
                .map_or(200, |status| status.as_u16()),
        );
    }
    assert_eq!(statuses, [503, 503, 200, 200]);
    assert_eq!(server.requests_for(session()), 4);
}

#[tokio::test]
async fn the_sdks_retries_ride_out_a_flaky_session() {
    let server = faulty(Fault::service_unavailable().times(2)).await;
    let client = server.client().unwrap_or_else(|err| panic!("{err}"));
    let outcome = client.list_attempts(session()).await;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(
        server.requests_for(session()),
        3,
        "two 503s, then the answer"
    );
}

#[tokio::test]
async fn faults_only_touch_their_own_session() {
    let server = faulty(Fault::internal_server_error()).await;
    let outcome = client(&server).list_attempts(NO_ATTEMPTS_ID).await;
    assert!(outcome.is_ok(), "{outcome:?}");
}

#[tokio::test]
async fn a_fault_on_a_session_without_attempts_ends_in_404() {
    let server = MockServer::builder()
        .fault(UNKNOWN_SESSION, Fault::service_unavailable().times(1))
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        get_signed(&server, UNKNOWN_SESSION).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        get_signed(&server, UNKNOWN_SESSION).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn faults_apply_only_after_authentication() {
    let server = faulty(Fault::internal_server_error()).await;
    let raw = support::get_signed_with(&server, session(), b"wrong secret").await;
    assert_eq!(raw.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        server.requests_for(session()),
        0,
        "unauthenticated requests are not counted"
    );
}
