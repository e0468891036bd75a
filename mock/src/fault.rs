//! Faults: what a session's responses do wrong, on purpose.
//!
//! A [`Fault`] is a set of deviations from the normal answer (another status, a delay,
//! a bad or missing signature, a broken body, another content type), optionally
//! limited to a session's first N requests. It is built in code with the
//! constructors and combinators below, or read from the `"faults"` object of a
//! fixture file (see the crate README for the JSON form).

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// What happens to the `X-HMAC-SIGNATURE` of a response the endpoint signs
/// (200, 400, 404, 500). Unsigned responses (401, undocumented statuses) are left
/// alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureFault {
    /// Signed correctly, with the secret that verified the request.
    #[default]
    Valid,
    /// A well-formed signature made with a key that is not any configured secret.
    Bad,
    /// No `X-HMAC-SIGNATURE` header at all.
    Missing,
    /// Two `X-HMAC-SIGNATURE` headers, both valid.
    Duplicated,
}

/// What happens to the body of a response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFault {
    /// The whole body.
    #[default]
    Intact,
    /// Only the first half of the body, correctly framed and (where the status is
    /// signed) signed over those bytes: a verified body that is not valid JSON.
    Truncated,
    /// `Content-Length` announces the whole body, half of it is sent, then the
    /// connection is closed: a transport error on the client's side.
    Disconnect,
}

/// Deliberate misbehaviour of one session's responses.
///
/// Faults apply only to requests that pass authentication (API key and request
/// signature), so a misconfigured client still gets its 401. Effects combine: a
/// fault can, say, wait 2 s and then answer 503, or answer 500 with a bad
/// signature.
///
/// ```
/// use std::time::Duration;
/// use veriff_mock::Fault;
///
/// // 503 for the first two requests, then the normal answer.
/// let flaky = Fault::service_unavailable().times(2);
/// // A slow, rate-limited answer.
/// let throttled = Fault::too_many_requests(7).and(Fault::delay(Duration::from_millis(300)));
/// assert_eq!(flaky.to_string(), "status 503, first 2 requests only");
/// assert_eq!(throttled.to_string(), "status 429, Retry-After 7s, delay 300ms");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "FaultSpec")]
pub struct Fault {
    pub(crate) status: Option<u16>,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) retry_after: Option<u64>,
    pub(crate) delay: Option<Duration>,
    pub(crate) signature: SignatureFault,
    pub(crate) body: BodyFault,
    pub(crate) content_type: Option<String>,
    pub(crate) times: Option<u32>,
    /// A JSON body to answer with instead of the normal one.
    pub(crate) json_body: Option<serde_json::Value>,
}

impl Fault {
    /// Answer with `status` instead of the normal response. The spec's error
    /// statuses (400, 401, 404 and 500 today: `veriff_attempts::spec::ERROR_STATUSES`)
    /// carry the vendor page's example error body for that status (signed as
    /// documented; see [`with_code`](Self::with_code)); any other status a short
    /// `text/plain` body, unsigned, as a proxy would send. Must be 300–599.
    pub fn status(status: u16) -> Self {
        Self {
            status: Some(status),
            ..Self::default()
        }
    }

    /// `500 Internal Server Error` with the page's example body, signed.
    pub fn internal_server_error() -> Self {
        Self::status(500)
    }

    /// `503 Service Unavailable`, unsigned `text/plain`, as a load balancer sends.
    pub fn service_unavailable() -> Self {
        Self::status(503)
    }

    /// `429 Too Many Requests` with `Retry-After: <seconds>`.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::status(429).with_retry_after(retry_after_secs)
    }

    /// Wait this long before answering.
    pub fn delay(delay: Duration) -> Self {
        Self {
            delay: Some(delay),
            ..Self::default()
        }
    }

    /// Sign the response with a key that is not the shared secret.
    pub fn bad_signature() -> Self {
        Self {
            signature: SignatureFault::Bad,
            ..Self::default()
        }
    }

    /// Send the response without `X-HMAC-SIGNATURE`.
    pub fn missing_signature() -> Self {
        Self {
            signature: SignatureFault::Missing,
            ..Self::default()
        }
    }

    /// Send two (valid) `X-HMAC-SIGNATURE` headers.
    pub fn duplicated_signature() -> Self {
        Self {
            signature: SignatureFault::Duplicated,
            ..Self::default()
        }
    }

    /// Send the first half of the body, framed and signed as if it were whole.
    pub fn truncated_body() -> Self {
        Self {
            body: BodyFault::Truncated,
            ..Self::default()
        }
    }

    /// Announce the whole body, send half of it, and close the connection.
    pub fn disconnect_mid_body() -> Self {
        Self {
            body: BodyFault::Disconnect,
            ..Self::default()
        }
    }

    /// Send this `Content-Type` instead of `application/json`; the body and its
    /// signature are unchanged.
    pub fn content_type(value: impl Into<String>) -> Self {
        Self {
            content_type: Some(value.into()),
            ..Self::default()
        }
    }

    /// Answer with this JSON body instead of the session's (status 200 unless the
    /// fault also sets one; signed where the spec documents the status as signed).
    /// This is how to serve what the spec does not describe yet, such as an attempt
    /// status or a property Veriff adds, and see how a client copes with the drift.
    ///
    /// ```
    /// use veriff_mock::Fault;
    ///
    /// let drifted = Fault::json_body(serde_json::json!({"status": "success", "verifications": [],
    ///     "riskScore": 0.3}));
    /// assert_eq!(drifted.to_string(), "JSON body");
    /// ```
    pub fn json_body(body: serde_json::Value) -> Self {
        Self {
            json_body: Some(body),
            ..Self::default()
        }
    }

    /// Veriff error code of the error body (only with status 400, 401, 404 or 500).
    /// The message defaults to Veriff's text for a code it knows.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Message of the error body (only with status 400, 401, 404 or 500).
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Add `Retry-After: <seconds>` to the response.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Apply the fault to the session's first `n` requests only; later requests get
    /// the normal answer ("fail N times, then succeed").
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Both faults at once; where both set the same thing, `other` wins.
    pub fn and(self, other: Fault) -> Self {
        fn pick<T: PartialEq + Default>(mine: T, theirs: T) -> T {
            if theirs == T::default() { mine } else { theirs }
        }
        Self {
            status: other.status.or(self.status),
            code: other.code.or(self.code),
            message: other.message.or(self.message),
            retry_after: other.retry_after.or(self.retry_after),
            delay: other.delay.or(self.delay),
            signature: pick(self.signature, other.signature),
            body: pick(self.body, other.body),
            content_type: other.content_type.or(self.content_type),
            times: other.times.or(self.times),
            json_body: other.json_body.or(self.json_body),
        }
    }

    /// Whether the fault applies to a session's `nth` request (1-based).
    pub(crate) fn applies_to(&self, nth: u64) -> bool {
        self.times.is_none_or(|times| nth <= u64::from(times))
    }

    /// Checks that the fault is usable; the error says what to change.
    pub fn check(&self) -> Result<(), String> {
        self.check_status()?;
        self.check_error_body()?;
        self.check_content_type()?;
        if self.times == Some(0) {
            return Err(
                "\"times\" is 0, so the fault would never apply: use 1 or more, or leave it out"
                    .into(),
            );
        }
        if self.is_noop() {
            return Err(
                "the fault changes nothing: set at least one of status, retryAfter, delayMs, \
                        signature, body, contentType or jsonBody"
                    .into(),
            );
        }
        Ok(())
    }

    fn check_status(&self) -> Result<(), String> {
        match self.status {
            Some(status) if !(300..=599).contains(&status) => Err(format!(
                "status {status} is not a fault status: use 300-599 (leave \"status\" out to answer normally)"
            )),
            _ => Ok(()),
        }
    }

    fn check_error_body(&self) -> Result<(), String> {
        let has_error_body = self.status.is_some_and(crate::documented::is_error_status);
        if (self.code.is_some() || self.message.is_some()) && self.json_body.is_some() {
            return Err("\"code\" and \"message\" set an error body, \"jsonBody\" a whole body: use one or the other".into());
        }
        if (self.code.is_some() || self.message.is_some()) && !has_error_body {
            let statuses: Vec<String> = veriff_attempts::spec::ERROR_STATUSES
                .iter()
                .map(u16::to_string)
                .collect();
            return Err(format!(
                "\"code\" and \"message\" need a status with Veriff's error body: {}",
                statuses.join(", ")
            ));
        }
        Ok(())
    }

    fn check_content_type(&self) -> Result<(), String> {
        match &self.content_type {
            Some(value) if value.is_empty() || http::HeaderValue::from_str(value).is_err() => Err(
                format!("content type {value:?} is not a usable header value"),
            ),
            _ => Ok(()),
        }
    }

    fn is_noop(&self) -> bool {
        self.status.is_none()
            && self.retry_after.is_none()
            && self.delay.is_none()
            && self.signature == SignatureFault::Valid
            && self.body == BodyFault::Intact
            && self.content_type.is_none()
            && self.json_body.is_none()
    }
}

/// A compact summary, e.g. `status 503, first 2 requests only`.
impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(status) = self.status {
            parts.push(format!("status {status}"));
        }
        if let Some(code) = &self.code {
            parts.push(format!("code {code}"));
        }
        if self.message.is_some() {
            parts.push("custom message".to_owned());
        }
        if let Some(seconds) = self.retry_after {
            parts.push(format!("Retry-After {seconds}s"));
        }
        if let Some(delay) = self.delay {
            parts.push(format!("delay {delay:?}"));
        }
        match self.signature {
            SignatureFault::Valid => {}
            SignatureFault::Bad => parts.push("bad signature".to_owned()),
            SignatureFault::Missing => parts.push("no signature".to_owned()),
            SignatureFault::Duplicated => parts.push("duplicated signature".to_owned()),
        }
        match self.body {
            BodyFault::Intact => {}
            BodyFault::Truncated => parts.push("truncated body".to_owned()),
            BodyFault::Disconnect => parts.push("disconnect mid-body".to_owned()),
        }
        if let Some(content_type) = &self.content_type {
            parts.push(format!("content type {content_type}"));
        }
        if self.json_body.is_some() {
            parts.push("JSON body".to_owned());
        }
        if let Some(times) = self.times {
            let noun = if times == 1 { "request" } else { "requests" };
            parts.push(format!("first {times} {noun} only"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// The JSON form of a fault, as written in a fixture file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FaultSpec {
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
    retry_after: Option<u64>,
    delay_ms: Option<u64>,
    signature: Option<SignatureFault>,
    body: Option<BodyFault>,
    content_type: Option<String>,
    times: Option<u32>,
    json_body: Option<serde_json::Value>,
}

impl TryFrom<FaultSpec> for Fault {
    type Error = String;

    fn try_from(spec: FaultSpec) -> Result<Self, Self::Error> {
        let fault = Fault {
            status: spec.status,
            code: spec.code,
            message: spec.message,
            retry_after: spec.retry_after,
            delay: spec.delay_ms.map(Duration::from_millis),
            signature: spec.signature.unwrap_or_default(),
            body: spec.body.unwrap_or_default(),
            content_type: spec.content_type,
            times: spec.times,
            json_body: spec.json_body,
        };
        fault.check()?;
        Ok(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Fault, String> {
        serde_json::from_str(json).map_err(|err| err.to_string())
    }

    #[test]
    fn json_form_maps_to_the_same_fault_as_the_builder() {
        let cases = [
            (
                r#"{"status": 503, "times": 2}"#,
                Fault::service_unavailable().times(2),
            ),
            (
                r#"{"status": 429, "retryAfter": 7}"#,
                Fault::too_many_requests(7),
            ),
            (
                r#"{"delayMs": 1500}"#,
                Fault::delay(Duration::from_millis(1500)),
            ),
            (r#"{"signature": "bad"}"#, Fault::bad_signature()),
            (r#"{"signature": "missing"}"#, Fault::missing_signature()),
            (
                r#"{"signature": "duplicated"}"#,
                Fault::duplicated_signature(),
            ),
            (r#"{"body": "truncated"}"#, Fault::truncated_body()),
            (r#"{"body": "disconnect"}"#, Fault::disconnect_mid_body()),
            (
                r#"{"contentType": "text/html"}"#,
                Fault::content_type("text/html"),
            ),
            (
                r#"{"status": 401, "code": "1818", "message": "m"}"#,
                Fault::status(401).with_code("1818").with_message("m"),
            ),
            (
                r#"{"jsonBody": {"status": "success", "verifications": []}}"#,
                Fault::json_body(serde_json::json!({"status": "success", "verifications": []})),
            ),
            (
                r#"{"status": 500, "signature": "bad", "delayMs": 5}"#,
                Fault::internal_server_error()
                    .and(Fault::bad_signature())
                    .and(Fault::delay(Duration::from_millis(5))),
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(parse(json), Ok(expected), "{json}");
        }
    }

    #[test]
    fn unusable_faults_are_refused_with_the_reason() {
        let cases = [
            (r#"{}"#, "changes nothing"),
            (r#"{"times": 3}"#, "changes nothing"),
            (r#"{"status": 200}"#, "not a fault status"),
            (r#"{"status": 99}"#, "not a fault status"),
            (
                r#"{"status": 503, "code": "1818"}"#,
                "\"code\" and \"message\" need",
            ),
            (r#"{"status": 503, "times": 0}"#, "never apply"),
            (r#"{"contentType": "a\nb"}"#, "not a usable header value"),
            (r#"{"statsu": 500}"#, "unknown field `statsu`"),
            (r#"{"signature": "wrong"}"#, "unknown variant `wrong`"),
            (r#"{"delayMs": -1}"#, "invalid value"),
        ];
        for (json, expected) in cases {
            let err = parse(json).err().unwrap_or_default();
            assert!(err.contains(expected), "{json}: {err}");
        }
    }

    #[test]
    fn times_limits_the_fault_to_the_first_requests() {
        let fault = Fault::service_unavailable().times(2);
        assert_eq!(
            [1, 2, 3, 4].map(|n| fault.applies_to(n)),
            [true, true, false, false]
        );
        assert!(Fault::service_unavailable().applies_to(1_000_000));
    }

    #[test]
    fn and_keeps_both_and_lets_the_second_win() {
        let both = Fault::status(500)
            .and(Fault::bad_signature())
            .and(Fault::status(503));
        assert_eq!(
            both,
            Fault {
                status: Some(503),
                signature: SignatureFault::Bad,
                ..Fault::default()
            }
        );
        assert_eq!(
            Fault::bad_signature()
                .and(Fault::delay(Duration::ZERO))
                .signature,
            SignatureFault::Bad
        );
    }

    #[test]
    fn display_summarises_every_effect() {
        let fault = Fault::status(401)
            .with_code("1818")
            .with_message("x")
            .and(Fault::missing_signature())
            .and(Fault::truncated_body())
            .and(Fault::content_type("text/html"))
            .times(1);
        assert_eq!(
            fault.to_string(),
            "status 401, code 1818, custom message, no signature, truncated body, content type text/html, \
             first 1 request only"
        );
    }
}
