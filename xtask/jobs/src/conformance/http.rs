//! Raw HTTP, beside the SDK: to see the exact bytes and headers a server sends and
//! to send requests the SDK never would (no API key, a malformed signature).

use std::time::Duration;

use ::conformance::{Spec, SpecValidator};
use bytes::Bytes;
use http::HeaderMap;
use veriff_attempts::{AUTH_CLIENT_HEADER, SIGNATURE_HEADER, signature};
use veriff_spec::openapi::{self, Operation};

/// The spec as these checks read it: its schemas compiled, and the operation.
pub struct SpecView {
    pub spec: Spec,
    pub validator: SpecValidator,
    pub operation: Operation,
}

impl SpecView {
    /// Loads the workspace's spec and finds the SDK's operation in it.
    pub fn load() -> Result<Self, String> {
        let spec = Spec::load().map_err(|err| format!("cannot load the spec: {err}"))?;
        let validator = SpecValidator::new(&spec)
            .map_err(|err| format!("cannot compile the spec's schemas: {err}"))?;
        let (path, method) = (veriff_attempts::spec::PATH, veriff_attempts::spec::METHOD);
        let operation = openapi::operation(&spec, path, method)
            .ok_or_else(|| format!("the spec has no {method} {path}"))?;
        Ok(Self {
            spec,
            validator,
            operation,
        })
    }
}

/// A response as received, before any parsing.
pub struct Raw {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A plain client: no redirects, no retries, bounded in time.
pub fn client() -> Result<reqwest::Client, String> {
    // reqwest is built without a default crypto provider; HTTPS needs one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!(
            "veriff-attempts-conformance/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .map_err(|err| format!("cannot build an HTTP client: {err}"))
}

pub fn attempts_path(session_id: &str) -> String {
    format!("/v1/sessions/{session_id}/attempts")
}

/// Sends `method base_url+path` with `headers` and reads the whole response.
pub async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
) -> Result<Raw, String> {
    let method = http::Method::from_bytes(method.as_bytes()).map_err(|err| err.to_string())?;
    let mut request = client.request(method.clone(), url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    // The URL and method only: never the headers, which hold the credentials.
    let response = request
        .send()
        .await
        .map_err(|err| format!("{method} {url}: {err}"))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|err| format!("{method} {url}: reading the body: {err}"))?;
    Ok(Raw {
        status,
        headers,
        body,
    })
}

/// `GET` of a session's attempts, signed as the SDK signs it.
pub async fn signed_get(
    client: &reqwest::Client,
    base_url: &str,
    api_key: &str,
    secret: &[u8],
    session_id: &str,
) -> Result<Raw, String> {
    let signature = signature::sign(secret, session_id.as_bytes());
    let headers = [
        (AUTH_CLIENT_HEADER, api_key),
        (SIGNATURE_HEADER, signature.as_str()),
    ];
    send(
        client,
        "GET",
        &format!("{base_url}{}", attempts_path(session_id)),
        &headers,
    )
    .await
}

impl Raw {
    /// `(code, message)` of an error body.
    pub fn error(&self) -> Result<(String, String), String> {
        let json: serde_json::Value = serde_json::from_slice(&self.body)
            .map_err(|err| format!("HTTP {}: the body is not JSON: {err}", self.status))?;
        let field = |name: &str| json[name].as_str().map(str::to_owned);
        match (field("code"), field("message")) {
            (Some(code), Some(message)) => Ok((code, message)),
            _ => Err(format!(
                "HTTP {}: not an error body: {}",
                self.status,
                shorten(&json.to_string())
            )),
        }
    }

    /// Expects `status` with error `code`.
    pub fn expect_error(&self, status: u16, code: &str) -> Result<(), String> {
        let (got_code, message) = self.error()?;
        if self.status == status && got_code == code {
            Ok(())
        } else {
            Err(format!(
                "expected HTTP {status} code {code}, got HTTP {} code {got_code} ({message})",
                self.status
            ))
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The `X-HMAC-SIGNATURE` values.
    pub fn signatures(&self) -> Vec<&[u8]> {
        self.headers
            .get_all(SIGNATURE_HEADER)
            .iter()
            .map(|value| value.as_bytes())
            .collect()
    }

    /// Whether the response carries exactly one signature, valid under `secret`.
    pub fn signed_with(&self, secret: &[u8]) -> Result<(), String> {
        match self.signatures().as_slice() {
            [] => Err(format!("HTTP {} has no X-HMAC-SIGNATURE", self.status)),
            [one] => signature::verify(secret, &self.body, one)
                .map_err(|problem| format!("HTTP {} signature: {problem}", self.status)),
            many => Err(format!(
                "HTTP {} has {} X-HMAC-SIGNATURE headers",
                self.status,
                many.len()
            )),
        }
    }

    pub fn unsigned(&self) -> Result<(), String> {
        if self.signatures().is_empty() {
            Ok(())
        } else {
            Err(format!(
                "HTTP {} is signed, but the spec documents it unsigned",
                self.status
            ))
        }
    }

    /// The body as JSON, and the place of its schema in the spec.
    pub fn documented_body(
        &self,
        view: &SpecView,
    ) -> Result<(serde_json::Value, veriff_spec::Location), String> {
        let status = self.status.to_string();
        let schema = view
            .operation
            .body_schema(&view.spec, &status)
            .ok_or_else(|| {
                format!("HTTP {status} is not a status the spec documents with a body")
            })?;
        let json = serde_json::from_slice(&self.body)
            .map_err(|err| format!("HTTP {status}: the body is not JSON: {err}"))?;
        Ok((json, schema))
    }

    /// Checks the response against the spec: a documented status, a body valid
    /// against that status's schema, a JSON content type, and a signature header
    /// of the documented form exactly where the spec lists one.
    pub fn check_against_spec(&self, view: &SpecView) -> Result<(), String> {
        let (json, schema) = self.documented_body(view)?;
        view.validator.validate_at(&schema, &json).map_err(|why| {
            format!(
                "HTTP {} body is not valid against {}: {why}",
                self.status,
                schema.dotted()
            )
        })?;
        self.check_headers()
    }

    /// The content type and the signature header, as the spec documents them.
    pub fn check_headers(&self) -> Result<(), String> {
        let content_type = self.header("content-type").unwrap_or_default();
        if !content_type.starts_with("application/json") {
            return Err(format!(
                "HTTP {}: Content-Type {content_type:?}, not application/json",
                self.status
            ));
        }
        let signatures = self.signatures();
        let signed = veriff_attempts::spec::is_signed(self.status);
        match (signed, self.status, signatures.as_slice()) {
            (false, _, []) => Ok(()),
            (false, status, _) => Err(format!(
                "{status} carries X-HMAC-SIGNATURE, which the spec does not list for it"
            )),
            (true, _, [one]) if is_hex64(one) => Ok(()),
            (true, status, [one]) => Err(format!(
                "HTTP {status}: X-HMAC-SIGNATURE {:?} does not match ^[0-9a-fA-F]{{64}}$",
                String::from_utf8_lossy(one)
            )),
            (true, status, other) => Err(format!(
                "HTTP {status}: {} X-HMAC-SIGNATURE headers, expected one",
                other.len()
            )),
        }
    }
}

fn is_hex64(value: &[u8]) -> bool {
    value.len() == 64 && value.iter().all(u8::is_ascii_hexdigit)
}

/// At most 200 characters of `text`, for messages.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 200;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}
