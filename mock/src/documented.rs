//! What the spec documents, in the form this server sends it: the endpoint's path,
//! the page's example bodies, and which statuses are signed. All of it comes from
//! `veriff_attempts::spec`, generated from the spec, so a spec change reaches the
//! reference server when the SDK is regenerated, with no edit here.
//!
//! Where this server must fill in a body the spec only shows by example (an error
//! with one of Veriff's codes, the attempts of a fixture session), it starts from
//! the documented example and replaces only the members it is about (`code`,
//! `message`; `verifications`), so members the spec adds later are carried along.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use bytes::Bytes;
use serde_json::{Map, Value};
use veriff_attempts::{Attempt, spec};

/// The first documented example body of each status, parsed once.
static EXAMPLES: LazyLock<BTreeMap<u16, Map<String, Value>>> = LazyLock::new(|| {
    let mut by_status = BTreeMap::new();
    for example in spec::EXAMPLES {
        if let Ok(Value::Object(body)) = serde_json::from_str(example.json) {
            by_status.entry(example.status).or_insert(body);
        }
    }
    by_status
});

/// The member of a 200 body that holds the attempts.
const ATTEMPTS_MEMBER: &str = "verifications";

/// The route of the endpoint, in axum's syntax (which is OpenAPI's: `/{id}/`).
pub(crate) fn route() -> &'static str {
    spec::PATH
}

/// The path around the one parameter: `("/v1/sessions/", "/attempts")`.
pub(crate) fn path_around_parameter() -> (&'static str, &'static str) {
    match (spec::PATH.find('{'), spec::PATH.find('}')) {
        (Some(open), Some(close)) if open < close => {
            (&spec::PATH[..open], &spec::PATH[close + 1..])
        }
        _ => (spec::PATH, ""),
    }
}

/// Whether the spec documents responses with `status` as signed.
pub(crate) fn is_signed(status: u16) -> bool {
    spec::is_signed(status)
}

/// Whether `status` is a documented error status (its body is Veriff's error
/// object).
pub(crate) fn is_error_status(status: u16) -> bool {
    spec::ERROR_STATUSES.contains(&status)
}

/// The page's example error body for `status`: its `code` and `message`.
pub(crate) fn page_error(status: u16) -> Option<(String, String)> {
    let body = EXAMPLES.get(&status)?;
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    Some((text("code")?, text("message")?))
}

/// Veriff's error body: the page's example for `status` (or, for a status the page
/// gives no example of, its first error example) with `code` and `message`.
pub(crate) fn error_body(status: u16, code: &str, message: &str) -> Bytes {
    let template = EXAMPLES.get(&status).cloned().or_else(|| {
        spec::ERROR_STATUSES
            .iter()
            .find_map(|status| EXAMPLES.get(status).cloned())
    });
    let mut body = template.unwrap_or_default();
    body.insert("code".to_owned(), Value::from(code));
    body.insert("message".to_owned(), Value::from(message));
    serde_json::to_vec(&body)
        .map(Bytes::from)
        .unwrap_or_default()
}

/// The 200 body of a session: the first documented 200 example with its attempts
/// replaced by these, newest first.
pub(crate) fn attempts_body(mut attempts: Vec<Attempt>) -> Result<Bytes, String> {
    attempts.sort_by_key(|attempt| std::cmp::Reverse(attempt.created_time));
    let mut body = EXAMPLES
        .get(&200)
        .cloned()
        .ok_or("the spec documents no 200 example to build a body from")?;
    let attempts = serde_json::to_value(&attempts).map_err(|err| err.to_string())?;
    body.insert(ATTEMPTS_MEMBER.to_owned(), attempts);
    serde_json::to_vec(&body)
        .map(Bytes::from)
        .map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_splits_around_its_parameter() {
        let (before, after) = path_around_parameter();
        assert_eq!(format!("{before}{{id}}{after}"), spec::PATH);
        assert!(
            before.ends_with('/') && after.starts_with('/'),
            "{before} {after}"
        );
    }

    #[test]
    fn error_bodies_keep_the_page_s_members_and_replace_code_and_message() {
        for &status in spec::ERROR_STATUSES {
            let body: Value =
                serde_json::from_slice(&error_body(status, "1818", "m")).unwrap_or_default();
            assert_eq!(
                (body["code"].as_str(), body["message"].as_str()),
                (Some("1818"), Some("m"))
            );
            let page: Value = spec::Example::for_status(status)
                .next()
                .and_then(|e| serde_json::from_str(e.json).ok())
                .unwrap_or_default();
            for (key, value) in page.as_object().into_iter().flatten() {
                if key != "code" && key != "message" {
                    assert_eq!(&body[key], value, "{status} {key}");
                }
            }
        }
    }
}
