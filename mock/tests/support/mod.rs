//! Helpers shared by the integration tests: raw HTTP requests (to see exactly what
//! the server sends) and SDK clients without retries (to see each answer).

#![allow(dead_code)]

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use veriff_attempts::signature;
use veriff_attempts::{AUTH_CLIENT_HEADER, Client, SIGNATURE_HEADER};
use veriff_mock::RunningServer;

/// A response as received, before any parsing.
#[derive(Debug)]
pub struct Raw {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Raw {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "body is not JSON ({err}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// `(code, message)` of a Veriff error body.
    pub fn error(&self) -> (String, String) {
        let json = self.json();
        let field = |name: &str| {
            json[name]
                .as_str()
                .unwrap_or_else(|| panic!("no {name}: {json}"))
                .to_owned()
        };
        (field("code"), field("message"))
    }

    /// The single `X-HMAC-SIGNATURE` header, if there is one.
    pub fn signature(&self) -> Option<String> {
        let values: Vec<_> = self.headers.get_all(SIGNATURE_HEADER).iter().collect();
        assert!(values.len() <= 1, "several signatures: {values:?}");
        values
            .first()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
    }

    /// Whether the body is signed with `secret`.
    pub fn is_signed_with(&self, secret: &[u8]) -> bool {
        self.signature()
            .is_some_and(|sig| signature::verify(secret, &self.body, sig.as_bytes()).is_ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A plain reqwest client: no redirects, nothing added.
pub fn raw_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|err| panic!("reqwest client: {err}"))
}

/// Sends `method path` with the given headers and reads the whole response.
pub async fn send(
    server: &RunningServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Raw {
    let method = http::Method::from_bytes(method.as_bytes()).unwrap_or_else(|err| panic!("{err}"));
    let mut request = raw_client().request(method, format!("{}{path}", server.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|err| panic!("{path}: {err}"));
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .unwrap_or_else(|err| panic!("{path}: body: {err}"));
    Raw {
        status,
        headers,
        body,
    }
}

/// `GET /v1/sessions/{id}/attempts` with the server's API key, signed with `secret`.
pub async fn get_signed_with(server: &RunningServer, session_id: &str, secret: &[u8]) -> Raw {
    let signature = signature::sign(secret, session_id.as_bytes());
    let headers = [
        (AUTH_CLIENT_HEADER, server.api_key()),
        (SIGNATURE_HEADER, signature.as_str()),
    ];
    send(server, "GET", &attempts_path(session_id), &headers).await
}

/// `GET /v1/sessions/{id}/attempts` signed with the server's first secret.
pub async fn get_signed(server: &RunningServer, session_id: &str) -> Raw {
    get_signed_with(server, session_id, server.shared_secret()).await
}

pub fn attempts_path(session_id: &str) -> String {
    format!("/v1/sessions/{session_id}/attempts")
}

/// An SDK client for `server` that never retries, so each call is one request.
pub fn client(server: &RunningServer) -> Client {
    server
        .client_builder()
        .max_retries(0)
        .build()
        .unwrap_or_else(|err| panic!("client: {err}"))
}

/// The first built-in session with attempts (what faults attach to), as a string.
pub fn session() -> &'static str {
    static SESSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        veriff_mock::builtin::with_attempts()
            .map(|session| session.session_id.to_string())
            .unwrap_or_default()
    });
    &SESSION
}

/// The page's example error of a status, `(code, message)`, from the spec.
pub fn page_error(status: u16) -> (String, String) {
    let body: serde_json::Value = veriff_attempts::spec::Example::for_status(status)
        .next()
        .and_then(|example| serde_json::from_str(example.json).ok())
        .unwrap_or_else(|| panic!("the spec documents no {status} example"));
    let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
    (field("code"), field("message"))
}

/// The documented 200 body with its attempts replaced by `attempts`: what the
/// server answers for a session given as attempts.
pub fn body_with(attempts: serde_json::Value) -> serde_json::Value {
    let mut body: serde_json::Value = veriff_attempts::spec::Example::for_status(200)
        .next()
        .and_then(|example| serde_json::from_str(example.json).ok())
        .unwrap_or_default();
    body["verifications"] = attempts;
    body
}

/// An attempt as the spec documents it (the first documented attempt), with its id,
/// status and creation time replaced: whatever members the spec adds, it has them.
pub fn attempt_json(id: &str, status: &str, created: &str) -> serde_json::Value {
    let mut attempt = veriff_attempts::spec::Example::for_status(200)
        .filter_map(|example| serde_json::from_str::<serde_json::Value>(example.json).ok())
        .find_map(|body| body["verifications"].get(0).cloned())
        .unwrap_or_else(|| panic!("the spec documents no attempt"));
    attempt["id"] = id.into();
    attempt["status"] = status.into();
    attempt["createdTime"] = created.into();
    attempt
}

/// [`attempt_json`], decoded by the SDK.
pub fn attempt(id: &str, status: &str, created: &str) -> veriff_attempts::Attempt {
    serde_json::from_value(attempt_json(id, status, created)).unwrap_or_else(|err| panic!("{err}"))
}
