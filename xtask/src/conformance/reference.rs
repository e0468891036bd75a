//! The SDK against the embedded reference server: every documented response, every
//! 401 code, several shared secrets, and every fault, each with the exact
//! `veriff_attempts::Error` it must produce.

use std::path::Path;
use std::time::Duration;

use ::conformance::{Outcome, SpecValidator};
use veriff_attempts::signature::SignatureProblem;
use veriff_attempts::{
    AUTH_CLIENT_HEADER, Client, ClientBuilder, Error, SIGNATURE_HEADER, SessionAttemptsResponse,
};
use veriff_mock::builtin::{self, UNKNOWN_SESSION};
use veriff_mock::{Fault, MockServer, MockServerBuilder, RunningServer};

use super::http::{self, Raw};
use super::{Tally, timed};
use crate::generate;

/// The session faults are attached to: the page's first example.
const SESSION: &str = builtin::SINGLE_ATTEMPT_WITH_CUSTOM_STATUS.session_id;

type Listed = Result<SessionAttemptsResponse, Error>;

/// Every check against the reference server, as report rows.
pub async fn run(root: &Path) -> Vec<Outcome> {
    let mut rows = vec![
        timed(
            "reference server: each documented 200 example via the SDK",
            documented_examples(root),
        )
        .await,
        timed(
            "reference server: every response valid against the spec",
            responses_valid_against_spec(),
        )
        .await,
        timed(
            "reference server: 401 codes 1801 1802 1803 1812 1818",
            unauthorized_codes(),
        )
        .await,
        timed(
            "reference server: 400, 404 and 500 via the SDK",
            error_statuses(),
        )
        .await,
        timed(
            "reference server: up to five shared secrets",
            several_secrets(),
        )
        .await,
        timed(
            "reference server: 405 for other methods, 404 for other paths",
            methods_and_paths(),
        )
        .await,
    ];
    for case in fault_cases() {
        let check = format!("fault: {} -> {}", case.fault, case.expected);
        rows.push(timed(check, run_fault_case(case)).await);
    }
    rows.push(
        timed(
            "fault: status 503 twice, then the answer (with and without retries)",
            fail_then_succeed(),
        )
        .await,
    );
    rows
}

async fn start(builder: MockServerBuilder) -> Result<RunningServer, String> {
    builder.start().await.map_err(|err| err.to_string())
}

async fn start_with_fault(fault: Fault) -> Result<RunningServer, String> {
    start(MockServer::builder().fault(SESSION, fault)).await
}

/// A client that makes exactly one request per call.
fn one_shot(builder: ClientBuilder) -> Result<Client, String> {
    builder
        .max_retries(0)
        .build()
        .map_err(|err| format!("cannot build the SDK client: {err}"))
}

fn describe(outcome: &Listed) -> String {
    match outcome {
        Ok(response) => format!("Ok({} attempts)", response.verifications.len()),
        Err(err) => format!("Err({err:?})"),
    }
}

fn expect_api(outcome: &Listed, status: u16, code: &str) -> Result<(), String> {
    match outcome {
        Err(Error::Api {
            status: got,
            code: got_code,
            ..
        }) if got.as_u16() == status && got_code == code => Ok(()),
        other => Err(format!(
            "expected Error::Api {{ status: {status}, code: {code:?} }}, got {}",
            describe(other)
        )),
    }
}

fn expect_ok(outcome: &Listed) -> Result<(), String> {
    match outcome {
        Ok(_) => Ok(()),
        other => Err(format!("expected Ok, got {}", describe(other))),
    }
}

/// The spec's 200 examples, by name, read from the spec itself.
fn spec_200_examples(root: &Path) -> Result<Vec<(String, serde_json::Value)>, String> {
    let path = root.join(generate::SPEC);
    let text =
        std::fs::read_to_string(&path).map_err(|err| format!("{}: {err}", path.display()))?;
    let spec: serde_json::Value =
        serde_yaml::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
    let examples = spec["paths"]["/v1/sessions/{id}/attempts"]["get"]["responses"]["200"]["content"]
        ["application/json"]["examples"]
        .as_object()
        .ok_or_else(|| format!("{}: no examples for 200", path.display()))?;
    Ok(examples
        .iter()
        .map(|(name, example)| (name.clone(), example["value"].clone()))
        .collect())
}

async fn documented_examples(root: &Path) -> Result<u64, String> {
    let server = start(MockServer::builder()).await?;
    let client = one_shot(server.client_builder())?;
    let mut tally = Tally::default();
    for (name, expected) in spec_200_examples(root)? {
        let Some(example) = builtin::DOCUMENTED
            .iter()
            .find(|example| example.name == name)
        else {
            tally.case(
                &name,
                Err(
                    "no built-in session serves this example: add it to mock/src/builtin.json"
                        .into(),
                ),
            );
            continue;
        };
        let outcome = client.list_attempts(example.session_id).await;
        let result = match &outcome {
            Ok(response) => match serde_json::to_value(response) {
                Ok(actual) if actual == expected => Ok(()),
                Ok(actual) => Err(format!(
                    "the SDK returned {actual}, the spec's example is {expected}"
                )),
                Err(err) => Err(format!("cannot serialise the response: {err}")),
            },
            other => Err(format!("expected the example, got {}", describe(other))),
        };
        tally.case(&name, result);
    }
    let empty = client.list_attempts(builtin::NO_ATTEMPTS.session_id).await;
    let result = match &empty {
        Ok(response) if response.verifications.is_empty() => Ok(()),
        other => Err(format!(
            "expected Ok with no attempts, got {}",
            describe(other)
        )),
    };
    tally.case(builtin::NO_ATTEMPTS.name, result);
    tally.finish()
}

async fn responses_valid_against_spec() -> Result<u64, String> {
    let validator =
        SpecValidator::load().map_err(|err| format!("cannot load the spec's schemas: {err}"))?;
    let raw_client = http::client()?;
    let server = start(
        MockServer::builder()
            .shared_secret("first")
            .shared_secret("second"),
    )
    .await?;
    let base = server.base_url().to_owned();
    let key = server.api_key().to_owned();
    let mut tally = Tally::default();
    let mut check = |name: &str, raw: Result<Raw, String>| {
        tally.case(name, raw.and_then(|raw| raw.check_against_spec(&validator)));
    };
    for example in builtin::ALL {
        for secret in ["first", "second"] {
            let raw = http::signed_get(
                &raw_client,
                &base,
                &key,
                secret.as_bytes(),
                example.session_id,
            )
            .await;
            check(
                &format!("{} signed with the {secret} secret", example.name),
                raw,
            );
        }
    }
    for (name, session) in [
        ("unknown session", UNKNOWN_SESSION),
        ("malformed session id", "not-a-uuid"),
        ("empty session id", ""),
    ] {
        check(
            name,
            http::signed_get(&raw_client, &base, &key, b"first", session).await,
        );
    }
    check(
        "unknown path",
        http::send(&raw_client, "GET", &format!("{base}/v1/elsewhere"), &[]).await,
    );
    check(
        "wrong secret",
        http::signed_get(&raw_client, &base, &key, b"third", SESSION).await,
    );
    check(
        "API key not a UUID",
        http::signed_get(&raw_client, &base, "nope", b"first", SESSION).await,
    );
    check(
        "unknown API key",
        http::signed_get(&raw_client, &base, UNKNOWN_SESSION, b"first", SESSION).await,
    );
    let url = format!("{base}{}", http::attempts_path(SESSION));
    let signature = veriff_attempts::signature::sign(b"first", SESSION.as_bytes());
    check(
        "no API key",
        http::send(&raw_client, "GET", &url, &[(SIGNATURE_HEADER, &signature)]).await,
    );
    check(
        "no signature",
        http::send(&raw_client, "GET", &url, &[(AUTH_CLIENT_HEADER, &key)]).await,
    );
    let malformed = [
        (AUTH_CLIENT_HEADER, key.as_str()),
        (SIGNATURE_HEADER, "abc"),
    ];
    check(
        "malformed signature",
        http::send(&raw_client, "GET", &url, &malformed).await,
    );
    drop(server);
    for status in [400, 401, 404, 500] {
        let server = start_with_fault(Fault::status(status)).await?;
        let raw = http::signed_get(
            &raw_client,
            server.base_url(),
            server.api_key(),
            server.shared_secret(),
            SESSION,
        )
        .await;
        check(&format!("injected {status}"), raw);
    }
    tally.finish()
}

async fn unauthorized_codes() -> Result<u64, String> {
    let raw_client = http::client()?;
    let server = start(MockServer::builder()).await?;
    let base = server.base_url().to_owned();
    let url = format!("{base}{}", http::attempts_path(SESSION));
    let signature = veriff_attempts::signature::sign(server.shared_secret(), SESSION.as_bytes());
    let mut tally = Tally::default();

    let raw = http::send(&raw_client, "GET", &url, &[(SIGNATURE_HEADER, &signature)]).await;
    tally.case(
        "1801 raw: no X-AUTH-CLIENT",
        raw.and_then(|raw| unauthorized(&raw, "1801")),
    );
    let raw = http::send(
        &raw_client,
        "GET",
        &url,
        &[(AUTH_CLIENT_HEADER, server.api_key())],
    )
    .await;
    tally.case(
        "1812 raw: no X-HMAC-SIGNATURE",
        raw.and_then(|raw| unauthorized(&raw, "1812")),
    );
    let malformed = [
        (AUTH_CLIENT_HEADER, server.api_key()),
        (SIGNATURE_HEADER, "not-hex"),
    ];
    let raw = http::send(&raw_client, "GET", &url, &malformed).await;
    tally.case(
        "1812 raw: malformed X-HMAC-SIGNATURE",
        raw.and_then(|raw| unauthorized(&raw, "1812")),
    );

    let sdk_cases = [
        (
            "1802 via the SDK: API key not a UUID",
            server.client_builder().api_key("not-a-uuid"),
            "1802",
        ),
        (
            "1803 via the SDK: unknown API key",
            server.client_builder().api_key(UNKNOWN_SESSION),
            "1803",
        ),
        (
            "1818 via the SDK: wrong shared secret",
            server.client_builder().shared_secret("wrong"),
            "1818",
        ),
    ];
    for (name, builder, code) in sdk_cases {
        let outcome = one_shot(builder)?.list_attempts(SESSION).await;
        tally.case(name, expect_api(&outcome, 401, code));
    }
    // The SDK always sends both headers, so the SDK's side of 1801 and 1812 is
    // shown with the server's 401 injected.
    for code in ["1801", "1812"] {
        let injected = start_with_fault(Fault::status(401).with_code(code)).await?;
        let outcome = one_shot(injected.client_builder())?
            .list_attempts(SESSION)
            .await;
        tally.case(
            &format!("{code} via the SDK (injected)"),
            expect_api(&outcome, 401, code),
        );
    }
    tally.finish()
}

/// A 401 with `code`, unsigned as documented.
fn unauthorized(raw: &Raw, code: &str) -> Result<(), String> {
    raw.expect_error(401, code)?;
    raw.unsigned()
}

async fn error_statuses() -> Result<u64, String> {
    let raw_client = http::client()?;
    let server = start(MockServer::builder()).await?;
    let (base, key, secret) = (server.base_url(), server.api_key(), server.shared_secret());
    let mut tally = Tally::default();
    for (name, session, code) in [
        ("400 1104 raw: malformed session id", "12345", "1104"),
        ("400 1102 raw: empty session id", "", "1102"),
    ] {
        let raw = http::signed_get(&raw_client, base, key, secret, session).await;
        tally.case(
            name,
            raw.and_then(|raw| {
                raw.expect_error(400, code)
                    .and_then(|()| raw.signed_with(secret))
            }),
        );
    }
    let outcome = one_shot(server.client_builder())?
        .list_attempts(UNKNOWN_SESSION)
        .await;
    tally.case(
        "404 via the SDK: unknown session",
        expect_api(&outcome, 404, "1101"),
    );
    for status in [400, 404, 500] {
        let injected = start_with_fault(Fault::status(status)).await?;
        let outcome = one_shot(injected.client_builder())?
            .list_attempts(SESSION)
            .await;
        tally.case(
            &format!("{status} via the SDK (injected)"),
            expect_api(&outcome, status, "1101"),
        );
    }
    tally.finish()
}

async fn several_secrets() -> Result<u64, String> {
    let raw_client = http::client()?;
    let secrets = ["secret-1", "secret-2", "secret-3", "secret-4", "secret-5"];
    let mut builder = MockServer::builder();
    for secret in secrets {
        builder = builder.shared_secret(secret);
    }
    let server = start(builder).await?;
    let mut tally = Tally::default();
    for secret in secrets {
        let outcome = one_shot(server.client_builder().shared_secret(secret))?
            .list_attempts(SESSION)
            .await;
        tally.case(&format!("SDK signing with {secret}"), expect_ok(&outcome));
        let raw = http::signed_get(
            &raw_client,
            server.base_url(),
            server.api_key(),
            secret.as_bytes(),
            UNKNOWN_SESSION,
        )
        .await;
        let answered_with_it = raw.and_then(|raw| raw.signed_with(secret.as_bytes()));
        tally.case(
            &format!("404 for {secret} signed with {secret}"),
            answered_with_it,
        );
    }
    let outcome = one_shot(server.client_builder().shared_secret("secret-6"))?
        .list_attempts(SESSION)
        .await;
    tally.case("a secret not configured", expect_api(&outcome, 401, "1818"));
    let six = secrets
        .iter()
        .chain(&["secret-6"])
        .fold(MockServer::builder(), |b, s| b.shared_secret(*s));
    let refused = match six.start().await {
        Err(err) if err.to_string().contains("at most 5") => Ok(()),
        Err(err) => Err(format!("refused for another reason: {err}")),
        Ok(_) => Err("a sixth secret was accepted; Veriff allows five".into()),
    };
    tally.case("a sixth secret is refused", refused);
    tally.finish()
}

async fn methods_and_paths() -> Result<u64, String> {
    let raw_client = http::client()?;
    let server = start(MockServer::builder()).await?;
    let url = format!("{}{}", server.base_url(), http::attempts_path(SESSION));
    let mut tally = Tally::default();
    for method in ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] {
        let raw = http::send(&raw_client, method, &url, &[]).await;
        let result = raw.and_then(|raw| match (raw.status, raw.header("allow")) {
            (405, Some("GET")) => raw.unsigned(),
            (status, allow) => Err(format!(
                "expected 405 with Allow: GET, got {status} with Allow: {allow:?}"
            )),
        });
        tally.case(&format!("{method} -> 405"), result);
    }
    let raw = http::send(
        &raw_client,
        "GET",
        &format!("{}/v1/sessions", server.base_url()),
        &[],
    )
    .await;
    let result = raw.and_then(|raw| {
        raw.expect_error(404, "1101")
            .and_then(|()| raw.signed_with(server.shared_secret()))
    });
    tally.case("unknown path -> 404 signed with the first secret", result);
    let prefixed = server
        .client_builder()
        .base_url(format!("{}/wrong-prefix", server.base_url()));
    let outcome = one_shot(prefixed)?.list_attempts(SESSION).await;
    tally.case(
        "SDK with a wrong base URL path -> 404",
        expect_api(&outcome, 404, "1101"),
    );
    tally.finish()
}

/// One fault and the SDK outcome it must produce.
struct FaultCase {
    fault: Fault,
    expected: &'static str,
    matches: fn(&Listed) -> bool,
    request_timeout: Option<Duration>,
}

fn case(fault: Fault, expected: &'static str, matches: fn(&Listed) -> bool) -> FaultCase {
    FaultCase {
        fault,
        expected,
        matches,
        request_timeout: None,
    }
}

fn fault_cases() -> Vec<FaultCase> {
    use SignatureProblem::{Duplicated, Mismatch};
    vec![
        case(
            Fault::internal_server_error(),
            "Api 500 1101",
            |o| matches!(o, Err(Error::Api { status, code, .. }) if *status == 500 && code == "1101"),
        ),
        case(
            Fault::status(400),
            "Api 400 1101",
            |o| matches!(o, Err(Error::Api { status, code, .. }) if *status == 400 && code == "1101"),
        ),
        case(
            Fault::status(404),
            "Api 404 1101",
            |o| matches!(o, Err(Error::Api { status, code, .. }) if *status == 404 && code == "1101"),
        ),
        case(
            Fault::status(401),
            "Api 401 1101 (unsigned, accepted)",
            |o| matches!(o, Err(Error::Api { status, code, .. }) if *status == 401 && code == "1101"),
        ),
        case(
            Fault::service_unavailable(),
            "UnexpectedStatus 503",
            |o| matches!(o, Err(Error::UnexpectedStatus { status, retry_after: None }) if *status == 503),
        ),
        case(
            Fault::status(502),
            "UnexpectedStatus 502",
            |o| matches!(o, Err(Error::UnexpectedStatus { status, retry_after: None }) if *status == 502),
        ),
        case(
            Fault::too_many_requests(7),
            "UnexpectedStatus 429 with retry_after 7s",
            |o| {
                matches!(o, Err(Error::UnexpectedStatus { status, retry_after: Some(wait) })
                if *status == 429 && *wait == Duration::from_secs(7))
            },
        ),
        case(Fault::delay(Duration::from_millis(50)), "Ok", Result::is_ok),
        FaultCase {
            request_timeout: Some(Duration::from_millis(100)),
            ..case(
                Fault::delay(Duration::from_millis(400)),
                "Timeout (request timeout 100 ms)",
                |o| matches!(o, Err(Error::Timeout(_))),
            )
        },
        case(
            Fault::bad_signature(),
            "SignatureInvalid 200 Mismatch",
            |o| matches!(o, Err(Error::SignatureInvalid { status, problem: Mismatch }) if *status == 200),
        ),
        case(
            Fault::internal_server_error().and(Fault::bad_signature()),
            "SignatureInvalid 500 Mismatch",
            |o| matches!(o, Err(Error::SignatureInvalid { status, problem: Mismatch }) if *status == 500),
        ),
        case(
            Fault::missing_signature(),
            "SignatureMissing 200",
            |o| matches!(o, Err(Error::SignatureMissing { status }) if *status == 200),
        ),
        case(
            Fault::status(404).and(Fault::missing_signature()),
            "SignatureMissing 404",
            |o| matches!(o, Err(Error::SignatureMissing { status }) if *status == 404),
        ),
        case(
            Fault::duplicated_signature(),
            "SignatureInvalid 200 Duplicated(2)",
            |o| matches!(o, Err(Error::SignatureInvalid { status, problem: Duplicated(2) }) if *status == 200),
        ),
        case(
            Fault::truncated_body(),
            "Decode 200",
            |o| matches!(o, Err(Error::Decode { status, .. }) if *status == 200),
        ),
        case(
            Fault::internal_server_error().and(Fault::truncated_body()),
            "Decode 500",
            |o| matches!(o, Err(Error::Decode { status, .. }) if *status == 500),
        ),
        case(Fault::disconnect_mid_body(), "Transport", |o| {
            matches!(o, Err(Error::Transport(_)))
        }),
        case(
            Fault::content_type("text/html"),
            "Ok (the verified body decides, not the label)",
            Result::is_ok,
        ),
    ]
}

async fn run_fault_case(case: FaultCase) -> Result<u64, String> {
    let server = start_with_fault(case.fault).await?;
    let mut builder = server.client_builder();
    if let Some(timeout) = case.request_timeout {
        builder = builder.request_timeout(timeout);
    }
    let outcome = one_shot(builder)?.list_attempts(SESSION).await;
    let mut tally = Tally::default();
    let result = if (case.matches)(&outcome) {
        Ok(())
    } else {
        Err(format!(
            "expected {}, got {}",
            case.expected,
            describe(&outcome)
        ))
    };
    tally.case("SDK outcome", result);
    let requests = server.requests_for(SESSION);
    let once = if requests == 1 {
        Ok(())
    } else {
        Err(format!("the server saw {requests} requests, expected 1"))
    };
    tally.case("one request", once);
    tally.finish()
}

async fn fail_then_succeed() -> Result<u64, String> {
    let flaky = || Fault::service_unavailable().times(2);
    let mut tally = Tally::default();

    let server = start_with_fault(flaky()).await?;
    let client = one_shot(server.client_builder())?;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let outcome = client.list_attempts(SESSION).await;
        seen.push(
            outcome
                .err()
                .and_then(|err| err.status())
                .map_or(200, |status| status.as_u16()),
        );
    }
    let result = if seen == [503, 503, 200] {
        Ok(())
    } else {
        Err(format!("statuses {seen:?}, expected [503, 503, 200]"))
    };
    tally.case("without retries", result);

    let server = start_with_fault(flaky()).await?;
    let client = server.client().map_err(|err| err.to_string())?;
    let outcome = client.list_attempts(SESSION).await;
    tally.case("with the SDK's default retries", expect_ok(&outcome));
    let requests = server.requests_for(SESSION);
    let result = if requests == 3 {
        Ok(())
    } else {
        Err(format!("the server saw {requests} requests, expected 3"))
    };
    tally.case("retried twice", result);
    tally.finish()
}
