//! The endpoint as Veriff documents it, seen over raw HTTP: authentication codes,
//! statuses, which responses are signed and with which secret.

mod support;

use http::StatusCode;
use support::{attempts_path, body_with, get_signed, get_signed_with, page_error, send, session};
use veriff_attempts::signature::sign;
use veriff_attempts::{AUTH_CLIENT_HEADER, SIGNATURE_HEADER};
use veriff_mock::builtin::{self, UNKNOWN_SESSION};
use veriff_mock::{MockServer, RunningServer};

async fn server() -> RunningServer {
    MockServer::start()
        .await
        .unwrap_or_else(|err| panic!("{err}"))
}

/// Asserts a 401 with `code`, unsigned, as documented.
#[track_caller]
fn assert_unauthorized(raw: &support::Raw, code: &str) {
    assert_eq!(raw.status, StatusCode::UNAUTHORIZED, "{raw:?}");
    assert_eq!(raw.error().0, code, "{raw:?}");
    assert_eq!(raw.signature(), None, "401 must not be signed");
    assert_eq!(raw.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn a_known_session_answers_200_signed_newest_first() {
    let server = server().await;
    // A documented session with several attempts.
    let several = builtin::documented()
        .into_iter()
        .find(|session| session.attempts().len() > 1)
        .unwrap_or_else(|| panic!("no documented example has several attempts"));
    let raw = get_signed(&server, &several.session_id.to_string()).await;
    assert_eq!(raw.status, StatusCode::OK);
    assert!(raw.is_signed_with(server.shared_secret()));
    assert_eq!(raw.header("content-type"), Some("application/json"));
    assert_eq!(
        raw.header(AUTH_CLIENT_HEADER),
        Some(server.api_key()),
        "the API key is echoed"
    );
    let json = raw.json();
    let documented: serde_json::Value =
        serde_json::from_str(several.body().unwrap_or_default()).unwrap_or_default();
    assert_eq!(json, documented, "served exactly as documented");
    let times: Vec<&str> = json["verifications"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|a| a["createdTime"].as_str())
                .collect()
        })
        .unwrap_or_default();
    let mut newest_first = times.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(times, newest_first);
}

#[tokio::test]
async fn a_session_without_attempts_answers_an_empty_list() {
    let server = server().await;
    let raw = get_signed(&server, builtin::NO_ATTEMPTS_ID).await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.json(), body_with(serde_json::json!([])));
}

#[tokio::test]
async fn uppercase_session_ids_are_the_same_session_and_verified_as_sent() {
    let server = server().await;
    let raw = get_signed(&server, &session().to_uppercase()).await;
    assert_eq!(raw.status, StatusCode::OK);
}

#[tokio::test]
async fn missing_api_key_is_1801() {
    let server = server().await;
    let signature = sign(server.shared_secret(), session().as_bytes());
    let raw = send(
        &server,
        "GET",
        &attempts_path(session()),
        &[(SIGNATURE_HEADER, &signature)],
    )
    .await;
    assert_unauthorized(&raw, "1801");
    let raw = send(
        &server,
        "GET",
        &attempts_path(session()),
        &[(AUTH_CLIENT_HEADER, ""), (SIGNATURE_HEADER, &signature)],
    )
    .await;
    assert_unauthorized(&raw, "1801");
}

#[tokio::test]
async fn an_api_key_that_is_not_a_uuid_is_1802_and_an_unknown_one_1803() {
    let server = server().await;
    let signature = sign(server.shared_secret(), session().as_bytes());
    let raw = send(
        &server,
        "GET",
        &attempts_path(session()),
        &[(AUTH_CLIENT_HEADER, "nope"), (SIGNATURE_HEADER, &signature)],
    )
    .await;
    assert_unauthorized(&raw, "1802");
    let other = "00000000-0000-4000-8000-0000000000ff";
    let raw = send(
        &server,
        "GET",
        &attempts_path(session()),
        &[(AUTH_CLIENT_HEADER, other), (SIGNATURE_HEADER, &signature)],
    )
    .await;
    assert_unauthorized(&raw, "1803");
}

#[tokio::test]
async fn missing_or_malformed_signature_is_1812() {
    let server = server().await;
    let key = server.api_key().to_owned();
    let path = attempts_path(session());
    let raw = send(&server, "GET", &path, &[(AUTH_CLIENT_HEADER, &key)]).await;
    assert_unauthorized(&raw, "1812");
    for malformed in ["abc", &"z".repeat(64), &"a".repeat(63), &"a".repeat(65)] {
        let raw = send(
            &server,
            "GET",
            &path,
            &[(AUTH_CLIENT_HEADER, &key), (SIGNATURE_HEADER, malformed)],
        )
        .await;
        assert_unauthorized(&raw, "1812");
    }
}

#[tokio::test]
async fn a_signature_that_does_not_match_is_1818() {
    let server = server().await;
    let raw = get_signed_with(&server, session(), b"not the secret").await;
    assert_unauthorized(&raw, "1818");
    // Signed over another session id.
    let signature = sign(server.shared_secret(), UNKNOWN_SESSION.as_bytes());
    let headers = [
        (AUTH_CLIENT_HEADER, server.api_key()),
        (SIGNATURE_HEADER, signature.as_str()),
    ];
    let raw = send(&server, "GET", &attempts_path(session()), &headers).await;
    assert_unauthorized(&raw, "1818");
}

#[tokio::test]
async fn the_api_key_is_checked_before_the_signature() {
    let server = server().await;
    let raw = send(&server, "GET", &attempts_path(session()), &[]).await;
    assert_unauthorized(&raw, "1801");
}

#[tokio::test]
async fn a_malformed_session_id_is_400_1104_signed() {
    let server = server().await;
    for bad in [
        "not-a-uuid",
        "00000000000040008000000000000001",
        "00000000-0000-4000-8000-00000000000g",
    ] {
        let raw = get_signed(&server, bad).await;
        assert_eq!(raw.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(raw.error().0, "1104");
        assert!(
            raw.is_signed_with(server.shared_secret()),
            "{bad}: 400 is signed"
        );
    }
}

#[tokio::test]
async fn an_empty_session_id_is_400_1102_signed() {
    let server = server().await;
    let raw = get_signed(&server, "").await;
    assert_eq!(raw.status, StatusCode::BAD_REQUEST);
    assert_eq!(raw.error().0, "1102");
    assert!(raw.is_signed_with(server.shared_secret()));
}

#[tokio::test]
async fn an_unknown_session_is_404_signed() {
    let server = server().await;
    let raw = get_signed(&server, UNKNOWN_SESSION).await;
    assert_eq!(raw.status, StatusCode::NOT_FOUND);
    assert_eq!(raw.error(), page_error(404));
    assert!(raw.is_signed_with(server.shared_secret()));
}

#[tokio::test]
async fn every_method_but_get_is_405_with_allow_get() {
    let server = server().await;
    for method in ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] {
        let raw = send(&server, method, &attempts_path(session()), &[]).await;
        assert_eq!(raw.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(raw.header("allow"), Some("GET"), "{method}");
        assert_eq!(
            raw.signature(),
            None,
            "{method}: 405 is not a documented status, so unsigned"
        );
    }
}

#[tokio::test]
async fn unknown_paths_are_404_signed_with_the_first_secret() {
    let server = MockServer::builder()
        .shared_secret("first")
        .shared_secret("second")
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    for path in [
        "/",
        "/v1/sessions",
        "/v1/sessions/x/attempts/",
        "/v2/sessions/x/attempts",
    ] {
        let raw = send(&server, "GET", path, &[]).await;
        assert_eq!(raw.status, StatusCode::NOT_FOUND, "{path}");
        let (code, message) = raw.error();
        let (page_code, page_message) = page_error(404);
        assert_eq!(code, page_code);
        assert!(message.starts_with(&page_message), "{message}");
        assert!(raw.is_signed_with(b"first"), "{path}");
    }
}

#[tokio::test]
async fn each_of_several_secrets_verifies_and_signs_its_own_answers() {
    let secrets: [&[u8]; 3] = [b"secret-one", b"secret-two", b"secret-three"];
    let mut builder = MockServer::builder();
    for secret in secrets {
        builder = builder.shared_secret(secret);
    }
    let server = builder.start().await.unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(server.shared_secrets().collect::<Vec<_>>(), secrets);
    for secret in secrets {
        for session in [session(), UNKNOWN_SESSION, "not-a-uuid"] {
            let raw = get_signed_with(&server, session, secret).await;
            assert!(
                raw.is_signed_with(secret),
                "{session} with {secret:?}: {raw:?}"
            );
            let others_verify = secrets
                .iter()
                .any(|other| *other != secret && raw.is_signed_with(other));
            assert!(
                !others_verify,
                "signed with the secret that verified the request, and only that"
            );
        }
    }
    assert_unauthorized(
        &get_signed_with(&server, session(), b"secret-four").await,
        "1818",
    );
}

#[tokio::test]
async fn a_custom_api_key_is_the_only_one_accepted() {
    let key = "11111111-2222-4333-8444-555555555555";
    let server = MockServer::builder()
        .api_key(key)
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(server.api_key(), key);
    assert_eq!(get_signed(&server, session()).await.status, StatusCode::OK);
    let signature = sign(server.shared_secret(), session().as_bytes());
    let default_key = veriff_mock::DEFAULT_API_KEY;
    let raw = send(
        &server,
        "GET",
        &attempts_path(session()),
        &[
            (AUTH_CLIENT_HEADER, default_key),
            (SIGNATURE_HEADER, &signature),
        ],
    )
    .await;
    assert_unauthorized(&raw, "1803");
}

#[tokio::test]
async fn the_sdk_reads_every_documented_example_and_a_404() {
    let server = server().await;
    let client = support::client(&server);
    for example in builtin::all() {
        let response = client.list_attempts(example.session_id).await;
        assert!(response.is_ok(), "{}: {response:?}", example.name);
    }
    let missing = client.list_attempts(UNKNOWN_SESSION).await;
    let (page_code, _) = page_error(404);
    assert!(
        matches!(&missing, Err(veriff_attempts::Error::Api { status, code, .. }) if *status == 404 && *code == page_code),
        "{missing:?}"
    );
}

#[tokio::test]
async fn the_sdk_sees_401_for_a_wrong_secret_or_key() {
    let server = server().await;
    let build = |builder: veriff_attempts::ClientBuilder| {
        builder
            .max_retries(0)
            .build()
            .unwrap_or_else(|err| panic!("{err}"))
    };
    let wrong_secret = build(server.client_builder().shared_secret("wrong"));
    let outcome = wrong_secret.list_attempts(session()).await;
    assert!(
        matches!(&outcome, Err(veriff_attempts::Error::Api { status, code, .. }) if *status == 401 && code == "1818"),
        "{outcome:?}"
    );
    let wrong_key = build(server.client_builder().api_key(UNKNOWN_SESSION));
    let outcome = wrong_key.list_attempts(session()).await;
    assert!(
        matches!(&outcome, Err(veriff_attempts::Error::Api { status, code, .. }) if *status == 401 && code == "1803"),
        "{outcome:?}"
    );
}
