//! Read-only checks against a real deployment: three GET requests in all (the
//! given session twice, once raw and once through the SDK, and one unknown
//! session). Nothing secret is printed: no header, no key, no secret, no signature.
//!
//! A response the SDK tolerates but the spec does not describe (a value of an open
//! enum, an undeclared property) is drift, not a failure: it is reported with the
//! spec change it calls for, and fails the run only with `--strict`. Everything
//! the SDK would reject still fails.

use std::time::{Duration, Instant};

use ::conformance::Outcome;
use ::conformance::drift::{self, Classified};
use veriff_mock::builtin::UNKNOWN_SESSION;

use super::http::{self, Raw, SpecView};

/// Where and as whom to run the live checks.
pub struct Target {
    pub base_url: String,
    pub api_key: String,
    pub shared_secret: String,
    pub session_id: String,
    /// Fail on drift too.
    pub strict: bool,
}

/// Every live check, as report rows.
pub async fn run(target: &Target) -> Vec<Outcome> {
    let client = match http::client() {
        Ok(client) => client,
        Err(why) => return vec![row("live: HTTP client", Err(why), Duration::ZERO)],
    };
    let view = match SpecView::load() {
        Ok(view) => view,
        Err(why) => return vec![row("live: load the spec", Err(why), Duration::ZERO)],
    };
    let secret = target.shared_secret.as_bytes();
    let (base_url, api_key) = (&target.base_url, &target.api_key);

    let started = Instant::now();
    let known = http::signed_get(&client, base_url, api_key, secret, &target.session_id).await;
    let known_time = started.elapsed();
    let started = Instant::now();
    let unknown = http::signed_get(&client, base_url, api_key, secret, UNKNOWN_SESSION).await;
    let unknown_time = started.elapsed();

    let mut rows = vec![
        row(
            "live: request signing accepted",
            signing_accepted(&known),
            known_time,
        ),
        described_by_spec(&known, &view, target.strict),
        row(
            "live: response signature valid",
            signature_valid(&known, secret),
            Duration::ZERO,
        ),
        row(
            "live: unknown session gives 404",
            unknown_is_404(&unknown, &view, secret),
            unknown_time,
        ),
    ];
    let started = Instant::now();
    let listed = sdk_lists(target).await;
    rows.push(row(
        "live: the SDK lists the session",
        listed,
        started.elapsed(),
    ));
    rows
}

fn row(check: &str, result: Result<u64, String>, elapsed: Duration) -> Outcome {
    let (cases, failure) = match result {
        Ok(cases) => (cases, None),
        Err(why) => (0, Some(why)),
    };
    Outcome {
        check: check.to_owned(),
        cases,
        failure,
        notes: Vec::new(),
        elapsed,
    }
}

/// The response, measured against the spec: valid, valid but for drift the SDK
/// tolerates (a note, or a failure with `--strict`), or invalid.
fn described_by_spec(known: &Result<Raw, String>, view: &SpecView, strict: bool) -> Outcome {
    let check = "live: response described by the spec";
    let raw = match known {
        Ok(raw) => raw,
        Err(why) => return row(check, Err(why.clone()), Duration::ZERO),
    };
    let classified = raw
        .documented_body(view)
        .map(|(body, schema)| drift::classify(&view.spec, &view.validator, &schema, &body))
        .and_then(|classified| raw.check_headers().map(|()| classified));
    let mut outcome = match classified {
        Err(why) => row(check, Err(why), Duration::ZERO),
        Ok(Classified {
            invalid: Some(why), ..
        }) => row(
            check,
            Err(format!(
                "HTTP {} body is not valid against the spec: {why}",
                raw.status
            )),
            Duration::ZERO,
        ),
        Ok(Classified {
            drift,
            invalid: None,
        }) => {
            let notes: Vec<String> = drift.iter().map(ToString::to_string).collect();
            let result = if strict && !notes.is_empty() {
                Err(format!(
                    "--strict: the response has {} thing(s) the spec does not describe:\n{}",
                    notes.len(),
                    notes.join("\n")
                ))
            } else {
                Ok(1)
            };
            let mut outcome = row(check, result, Duration::ZERO);
            if !strict {
                outcome.notes = notes;
            }
            outcome
        }
    };
    outcome.cases = outcome.cases.max(u64::from(outcome.failure.is_none()));
    outcome
}

fn signing_accepted(known: &Result<Raw, String>) -> Result<u64, String> {
    let raw = known.as_ref().map_err(Clone::clone)?;
    if raw.status != 401 {
        return Ok(1);
    }
    let detail = raw.error().map_or_else(
        |why| why,
        |(code, message)| format!("code {code}: {message}"),
    );
    Err(format!(
        "the signed request was refused with 401 ({detail}); check the API key and shared secret"
    ))
}

fn signature_valid(known: &Result<Raw, String>, secret: &[u8]) -> Result<u64, String> {
    let raw = known.as_ref().map_err(Clone::clone)?;
    if !veriff_attempts::spec::is_signed(raw.status) {
        return Err(format!(
            "HTTP {} is not a signed status; no signature to check",
            raw.status
        ));
    }
    raw.signed_with(secret).map(|()| 1)
}

fn unknown_is_404(
    unknown: &Result<Raw, String>,
    view: &SpecView,
    secret: &[u8],
) -> Result<u64, String> {
    let raw = unknown.as_ref().map_err(Clone::clone)?;
    if raw.status != 404 {
        return Err(format!(
            "session {UNKNOWN_SESSION} answered HTTP {}, expected 404",
            raw.status
        ));
    }
    raw.check_against_spec(view)?;
    raw.signed_with(secret)?;
    Ok(3)
}

async fn sdk_lists(target: &Target) -> Result<u64, String> {
    let client = veriff_attempts::Client::builder()
        .base_url(target.base_url.as_str())
        .api_key(target.api_key.as_str())
        .shared_secret(target.shared_secret.as_str())
        .max_retries(0)
        .build()
        .map_err(|err| err.to_string())?;
    client
        .list_attempts(target.session_id.as_str())
        .await
        .map_err(|err| err.to_string())?;
    Ok(1)
}
