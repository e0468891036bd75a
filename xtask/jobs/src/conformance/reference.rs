//! The SDK against the embedded reference server: every documented response, every
//! 401 code, several shared secrets, and every fault, each with the exact
//! `veriff_attempts::Error` it must produce.
//!
//! Which statuses exist, which are signed, and which error code and body each
//! answers with come from the spec (through `veriff_attempts::spec`), so a new
//! documented status or example is exercised here without an edit.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use ::conformance::Outcome;
use veriff_attempts::signature::SignatureProblem;
use veriff_attempts::spec::{self, Example};
use veriff_attempts::{
    AUTH_CLIENT_HEADER, Client, ClientBuilder, Error, SIGNATURE_HEADER, SessionAttemptsResponse,
};
use veriff_mock::builtin::{self, UNKNOWN_SESSION};
use veriff_mock::{Fault, MockServer, MockServerBuilder, RunningServer};

use super::http::{self, Raw, SpecView};
use super::{Tally, timed};

type Listed = Result<SessionAttemptsResponse, Error>;

/// The session faults are attached to: the first documented session with attempts.
fn session() -> String {
    builtin::with_attempts()
        .map(|session| session.session_id.to_string())
        .unwrap_or_else(|| builtin::no_attempts().session_id.to_string())
}

/// The page's example error code for a status (the code an injected status answers
/// with), if the spec documents an example for it.
fn page_code(status: u16) -> Option<String> {
    let example = Example::for_status(status).next()?;
    let body: serde_json::Value = serde_json::from_str(example.json).ok()?;
    body["code"].as_str().map(str::to_owned)
}

/// Every check against the reference server, as report rows.
pub async fn run() -> Vec<Outcome> {
    // Every check has servers of its own: they run concurrently (mostly waiting
    // on sockets, delays and retry backoff), and the rows keep this order.
    let mut checks: Vec<Pin<Box<dyn Future<Output = Outcome> + '_>>> = vec![
        Box::pin(timed(
            "reference server: each documented 200 example via the SDK",
            documented_examples(),
        )),
        Box::pin(timed(
            "reference server: every response valid against the spec",
            responses_valid_against_spec(),
        )),
        Box::pin(timed(
            "reference server: 401 codes 1801 1802 1803 1812 1818",
            unauthorized_codes(),
        )),
        Box::pin(timed(
            "reference server: every documented error status via the SDK",
            error_statuses(),
        )),
        Box::pin(timed(
            "reference server: up to five shared secrets",
            several_secrets(),
        )),
        Box::pin(timed(
            "reference server: 405 for other methods, 404 for other paths",
            methods_and_paths(),
        )),
    ];
    for case in fault_cases() {
        let check = format!("fault: {} -> {}", case.fault, case.expected);
        checks.push(Box::pin(timed(check, run_fault_case(case))));
    }
    checks.push(Box::pin(timed(
        "fault: status 503 twice, then the answer (with and without retries)",
        fail_then_succeed(),
    )));
    futures_util::future::join_all(checks).await
}

async fn start(builder: MockServerBuilder) -> Result<RunningServer, String> {
    builder.start().await.map_err(|err| err.to_string())
}

async fn start_with_fault(fault: Fault) -> Result<RunningServer, String> {
    start(MockServer::builder().fault(session(), fault)).await
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

async fn documented_examples() -> Result<u64, String> {
    let server = start(MockServer::builder()).await?;
    let client = one_shot(server.client_builder())?;
    let mut tally = Tally::default();
    let sessions = builtin::documented();
    for example in Example::for_status(200) {
        let expected: serde_json::Value = serde_json::from_str(example.json)
            .map_err(|err| format!("example {}: {err}", example.name))?;
        let Some(session) = sessions.iter().find(|s| s.name == example.name) else {
            tally.case(
                example.name,
                Err("no built-in session serves this example (see veriff_mock::builtin)".into()),
            );
            continue;
        };
        let outcome = client.list_attempts(session.session_id).await;
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
        tally.case(example.name, result);
    }
    let empty = builtin::no_attempts();
    let outcome = client.list_attempts(empty.session_id).await;
    let result = match &outcome {
        Ok(response) if response.verifications.is_empty() => Ok(()),
        other => Err(format!(
            "expected Ok with no attempts, got {}",
            describe(other)
        )),
    };
    tally.case(empty.name, result);
    tally.finish()
}

async fn responses_valid_against_spec() -> Result<u64, String> {
    let view = SpecView::load()?;
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
        tally.case(name, raw.and_then(|raw| raw.check_against_spec(&view)));
    };
    for example in builtin::all() {
        for secret in ["first", "second"] {
            let raw = http::signed_get(
                &raw_client,
                &base,
                &key,
                secret.as_bytes(),
                &example.session_id.to_string(),
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
        http::signed_get(&raw_client, &base, &key, b"third", &session()).await,
    );
    check(
        "API key not a UUID",
        http::signed_get(&raw_client, &base, "nope", b"first", &session()).await,
    );
    check(
        "unknown API key",
        http::signed_get(&raw_client, &base, UNKNOWN_SESSION, b"first", &session()).await,
    );
    let url = format!("{base}{}", http::attempts_path(&session()));
    let signature = veriff_attempts::signature::sign(b"first", session().as_bytes());
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
    for &status in spec::ERROR_STATUSES {
        let server = start_with_fault(Fault::status(status)).await?;
        let raw = http::signed_get(
            &raw_client,
            server.base_url(),
            server.api_key(),
            server.shared_secret(),
            &session(),
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
    let url = format!("{base}{}", http::attempts_path(&session()));
    let signature = veriff_attempts::signature::sign(server.shared_secret(), session().as_bytes());
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
        let outcome = one_shot(builder)?.list_attempts(session()).await;
        tally.case(name, expect_api(&outcome, 401, code));
    }
    // The SDK always sends both headers, so the SDK's side of 1801 and 1812 is
    // shown with the server's 401 injected.
    for code in ["1801", "1812"] {
        let injected = start_with_fault(Fault::status(401).with_code(code)).await?;
        let outcome = one_shot(injected.client_builder())?
            .list_attempts(session())
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

/// The 400s of a malformed session id, the 404 of an unknown session, and every
/// documented error status injected: each with the page's code, through the SDK.
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
        expect_api(&outcome, 404, &page_code(404).unwrap_or_default()),
    );
    for &status in spec::ERROR_STATUSES {
        let injected = start_with_fault(Fault::status(status)).await?;
        let outcome = one_shot(injected.client_builder())?
            .list_attempts(session())
            .await;
        let result = match page_code(status) {
            Some(code) => expect_api(&outcome, status, &code),
            None => Err(format!("the spec documents no example for {status}")),
        };
        tally.case(&format!("{status} via the SDK (injected)"), result);
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
            .list_attempts(session())
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
        .list_attempts(session())
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
    let url = format!("{}{}", server.base_url(), http::attempts_path(&session()));
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
    let not_found = page_code(404).unwrap_or_default();
    let result = raw.and_then(|raw| {
        raw.expect_error(404, &not_found)
            .and_then(|()| raw.signed_with(server.shared_secret()))
    });
    tally.case("unknown path -> 404 signed with the first secret", result);
    let prefixed = server
        .client_builder()
        .base_url(format!("{}/wrong-prefix", server.base_url()));
    let outcome = one_shot(prefixed)?.list_attempts(session()).await;
    tally.case(
        "SDK with a wrong base URL path -> 404",
        expect_api(&outcome, 404, &not_found),
    );
    tally.finish()
}

/// One fault and the SDK outcome it must produce.
struct FaultCase {
    fault: Fault,
    expected: String,
    matches: Box<dyn Fn(&Listed) -> bool>,
    request_timeout: Option<Duration>,
}

fn case(
    fault: Fault,
    expected: impl Into<String>,
    matches: impl Fn(&Listed) -> bool + 'static,
) -> FaultCase {
    FaultCase {
        fault,
        expected: expected.into(),
        matches: Box::new(matches),
        request_timeout: None,
    }
}

/// The faults of every documented error status (from the spec), then those of the
/// normal answer and of statuses the spec does not document.
fn fault_cases() -> Vec<FaultCase> {
    use SignatureProblem::{Duplicated, Mismatch};
    let mut cases = Vec::new();
    for &status in spec::ERROR_STATUSES {
        let code = page_code(status).unwrap_or_default();
        let signed = spec::is_signed(status);
        let note = if signed { "" } else { " (unsigned, accepted)" };
        let expected = format!("Api {status} {code}{note}");
        cases.push(case(Fault::status(status), expected, move |o| {
            matches!(o, Err(Error::Api { status: got, code: got_code, .. }) if *got == status && *got_code == code)
        }));
        if signed {
            cases.push(case(
                Fault::status(status).and(Fault::bad_signature()),
                format!("SignatureInvalid {status} Mismatch"),
                move |o| matches!(o, Err(Error::SignatureInvalid { status: got, problem: Mismatch }) if *got == status),
            ));
            cases.push(case(
                Fault::status(status).and(Fault::missing_signature()),
                format!("SignatureMissing {status}"),
                move |o| matches!(o, Err(Error::SignatureMissing { status: got }) if *got == status),
            ));
            cases.push(case(
                Fault::status(status).and(Fault::truncated_body()),
                format!("Decode {status}"),
                move |o| matches!(o, Err(Error::Decode { status: got, .. }) if *got == status),
            ));
        }
    }
    let undocumented = [502, 503]
        .into_iter()
        .filter(|status| !spec::STATUSES.contains(status));
    for status in undocumented {
        cases.push(case(
            Fault::status(status),
            format!("UnexpectedStatus {status}"),
            move |o| matches!(o, Err(Error::UnexpectedStatus { status: got, retry_after: None }) if *got == status),
        ));
    }
    if !spec::STATUSES.contains(&429) {
        cases.push(case(
            Fault::too_many_requests(7),
            "UnexpectedStatus 429 with retry_after 7s",
            |o| {
                matches!(o, Err(Error::UnexpectedStatus { status, retry_after: Some(wait) })
                if *status == 429 && *wait == Duration::from_secs(7))
            },
        ));
    }
    cases.extend([
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
            Fault::missing_signature(),
            "SignatureMissing 200",
            |o| matches!(o, Err(Error::SignatureMissing { status }) if *status == 200),
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
        case(Fault::disconnect_mid_body(), "Transport", |o| {
            matches!(o, Err(Error::Transport(_)))
        }),
        case(
            Fault::content_type("text/html"),
            "Ok (the verified body decides, not the label)",
            Result::is_ok,
        ),
    ]);
    cases
}

async fn run_fault_case(case: FaultCase) -> Result<u64, String> {
    let server = start_with_fault(case.fault).await?;
    let mut builder = server.client_builder();
    if let Some(timeout) = case.request_timeout {
        builder = builder.request_timeout(timeout);
    }
    let outcome = one_shot(builder)?.list_attempts(session()).await;
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
    // Retries are off: never a second request. (A request the client gave up on
    // before the server read it, under a short timeout, may not be counted at all.)
    let requests = server.requests_for(session());
    let once = if requests <= 1 {
        Ok(())
    } else {
        Err(format!(
            "the server saw {requests} requests with retries off, expected at most 1"
        ))
    };
    tally.case("no retry", once);
    tally.finish()
}

async fn fail_then_succeed() -> Result<u64, String> {
    let flaky = || Fault::service_unavailable().times(2);
    let mut tally = Tally::default();

    let server = start_with_fault(flaky()).await?;
    let client = one_shot(server.client_builder())?;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let outcome = client.list_attempts(session()).await;
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
    let outcome = client.list_attempts(session()).await;
    tally.case("with the SDK's default retries", expect_ok(&outcome));
    let requests = server.requests_for(session());
    let result = if requests == 3 {
        Ok(())
    } else {
        Err(format!("the server saw {requests} requests, expected 3"))
    };
    tally.case("retried twice", result);
    tally.finish()
}
