//! The endpoint itself: routing, authentication, answers, faults and signing.
//!
//! Order of checks for a request, as Veriff documents them: method (405), path
//! (404), API key (401: 1801, 1802, 1803), request signature (401: 1812, 1818),
//! session id (400: 1102 empty, 1104 not a UUID), then the session's fault, then the session (200 or 404).

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::any;
use bytes::Bytes;
use futures_util::StreamExt;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use uuid::Uuid;
use veriff_attempts::{AUTH_CLIENT_HEADER, Attempt, SIGNATURE_HEADER, SessionId, signature};

use crate::documented;
use crate::fault::{BodyFault, Fault, SignatureFault};
use crate::fixtures::unknown_status_problem;

const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";
/// The key of a deliberately bad signature; it is no configured secret.
const WRONG_KEY: &[u8] = b"veriff-mock: deliberately not the shared secret";
/// How long a disconnecting body waits after its first half before the connection
/// is closed, so that the half is on the wire.
const DISCONNECT_PAUSE: Duration = Duration::from_millis(20);

/// Everything a running server knows; shared by all connections.
pub(crate) struct App {
    pub(crate) api_key: String,
    /// One to five secrets; a request may be signed with any of them.
    pub(crate) secrets: Vec<Vec<u8>>,
    /// Sessions with attempts, a fault, or both.
    pub(crate) sessions: HashMap<Uuid, Session>,
}

pub(crate) struct Session {
    /// The serialised 200 body; `None` for a session that only has a fault.
    body: Option<Bytes>,
    fault: Option<Fault>,
    /// Authenticated requests for this session so far.
    pub(crate) requests: AtomicU64,
}

impl Session {
    /// Counts a request and returns the fault, if it applies to this request.
    fn next_fault(&self) -> Option<&Fault> {
        let nth = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        self.fault.as_ref().filter(|fault| fault.applies_to(nth))
    }
}

impl App {
    /// Serialises every session's 200 body once and attaches the faults. A session
    /// in `bodies` (a documented example) is served exactly as given.
    pub(crate) fn new(
        api_key: String,
        secrets: Vec<Vec<u8>>,
        sessions: BTreeMap<Uuid, Vec<Attempt>>,
        bodies: BTreeMap<Uuid, Bytes>,
        faults: BTreeMap<Uuid, Fault>,
    ) -> Result<Self, String> {
        let mut table = HashMap::with_capacity(sessions.len() + faults.len());
        for (id, attempts) in sessions {
            let body = match bodies.get(&id) {
                Some(body) => body.clone(),
                None => {
                    attempts_body(attempts).map_err(|problem| format!("session {id}: {problem}"))?
                }
            };
            table.insert(
                id,
                Session {
                    body: Some(body),
                    fault: None,
                    requests: AtomicU64::new(0),
                },
            );
        }
        for (id, fault) in faults {
            fault
                .check()
                .map_err(|problem| format!("fault for session {id}: {problem}"))?;
            let session = table.entry(id).or_insert_with(|| Session {
                body: None,
                fault: None,
                requests: AtomicU64::new(0),
            });
            session.fault = Some(fault);
        }
        Ok(Self {
            api_key,
            secrets,
            sessions: table,
        })
    }
}

/// The 200 body of a session: its attempts newest first, in the documented body.
fn attempts_body(attempts: Vec<Attempt>) -> Result<Bytes, String> {
    if let Some(problem) = attempts.iter().find_map(unknown_status_problem) {
        return Err(problem);
    }
    documented::attempts_body(attempts)
}

/// The service: the endpoint, a 404 for every other path, one log line per request.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(documented::route(), any(list_attempts))
        .fallback(unknown_path)
        .layer(middleware::from_fn(log_request))
        .with_state(app)
}

/// One `info` line per request: method, path, status, latency. No headers, no
/// query string, so no credentials.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    tracing::info!(%method, %path, status, latency = ?started.elapsed(), "request");
    response
}

async fn list_attempts(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, _body) = request.into_parts();
    let (reply, fault) = answer(&app, &parts).await;
    reply.render(&app, fault, &parts.headers)
}

async fn unknown_path(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, _body) = request.into_parts();
    // No request signature can be checked without a session id, so this documented
    // (signed) status is signed with the first configured secret.
    let (code, page_message) = documented::page_error(404)
        .unwrap_or_else(|| ("1101".to_owned(), "Resource not found".to_owned()));
    let message = format!(
        "{page_message}: this server only serves GET {}",
        documented::route()
    );
    let reply = Reply::error(StatusCode::NOT_FOUND, &code, &message, 0);
    reply.render(&app, None, &parts.headers)
}

/// Decides the answer to a request on the endpoint's path, and the fault to apply.
async fn answer<'a>(app: &'a App, request: &Parts) -> (Reply, Option<&'a Fault>) {
    if request.method != Method::GET {
        return (Reply::method_not_allowed(&request.method), None);
    }
    let raw_id = raw_session_id(request.uri.path());
    let signer = match authenticate(app, &request.headers, raw_id) {
        Ok(signer) => signer,
        Err(failure) => return (Reply::unauthorized(failure), None),
    };
    match raw_id.parse::<SessionId>() {
        Ok(session_id) => answer_session(app, session_id.as_uuid(), signer).await,
        Err(_) => (Reply::bad_session_id(raw_id, signer), None),
    }
}

/// The answer for an authenticated request about a well-formed session id.
async fn answer_session(app: &App, id: Uuid, signer: usize) -> (Reply, Option<&Fault>) {
    let session = app.sessions.get(&id);
    let fault = session.and_then(Session::next_fault);
    if let Some(delay) = fault.and_then(|fault| fault.delay) {
        tokio::time::sleep(delay).await;
    }
    let json_body = fault.and_then(|fault| fault.json_body.as_ref());
    let reply = match (fault, fault.and_then(|fault| fault.status)) {
        (Some(_), status) if json_body.is_some() => {
            let status = status.unwrap_or(200);
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let body = json_body.map(|json| json.to_string()).unwrap_or_default();
            Reply::json(
                code,
                Bytes::from(body),
                documented::is_signed(status).then_some(signer),
            )
        }
        (Some(fault), Some(status)) => Reply::injected(status, fault, signer),
        _ => match session.and_then(|session| session.body.clone()) {
            Some(body) => Reply::json(
                StatusCode::OK,
                body,
                documented::is_signed(200).then_some(signer),
            ),
            None => Reply::page_error(StatusCode::NOT_FOUND, signer),
        },
    };
    (reply, fault)
}

/// The session id exactly as it appears in the path (not percent-decoded): what
/// the client signed.
fn raw_session_id(path: &str) -> &str {
    let (prefix, suffix) = documented::path_around_parameter();
    path.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .unwrap_or_default()
}

/// Why a request was not authenticated; each is a 401 with Veriff's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AuthFailure {
    KeyMissing,
    KeyNotUuid,
    KeyUnknown,
    SignatureMissing,
    SignatureMalformed,
    SignatureMismatch,
}

impl AuthFailure {
    fn code(self) -> &'static str {
        match self {
            AuthFailure::KeyMissing => "1801",
            AuthFailure::KeyNotUuid => "1802",
            AuthFailure::KeyUnknown => "1803",
            AuthFailure::SignatureMissing | AuthFailure::SignatureMalformed => "1812",
            AuthFailure::SignatureMismatch => "1818",
        }
    }

    fn message(self) -> &'static str {
        match self {
            AuthFailure::SignatureMissing => {
                "Mandatory X-HMAC-SIGNATURE header containing the SHA256 hash is missing from the request."
            }
            other => known_message(other.code()).unwrap_or("Unauthorized"),
        }
    }
}

/// Veriff's meaning of the error codes this server sends.
fn known_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "1102" => {
            "Mandatory parameters are missing from the request: the session id in the path is empty."
        }
        "1104" => "Request includes invalid parameters: the session id in the path is not a UUID.",
        "1801" => {
            "Mandatory X-AUTH-CLIENT header containing the API key is missing from the request."
        }
        "1802" => "API key is not a valid UUID.",
        "1803" => "Integration with the API key was not found.",
        "1804" => "Integration with the API key is not active.",
        "1812" => "Signature is not a valid SHA256 hash.",
        "1818" => {
            "Signature does not match the HMAC-SHA256 of the session id and the integration's shared secret."
        }
        _ => return None,
    })
}

/// Checks the API key and the request signature; returns the index of the secret
/// that verified the signature.
fn authenticate(app: &App, headers: &HeaderMap, raw_id: &str) -> Result<usize, AuthFailure> {
    check_api_key(&app.api_key, headers)?;
    let signature = request_signature(headers)?;
    app.secrets
        .iter()
        .position(|secret| signature::verify(secret, raw_id.as_bytes(), signature).is_ok())
        .ok_or(AuthFailure::SignatureMismatch)
}

fn check_api_key(api_key: &str, headers: &HeaderMap) -> Result<(), AuthFailure> {
    let value = headers
        .get(AUTH_CLIENT_HEADER)
        .map(|value| value.as_bytes().trim_ascii())
        .filter(|value| !value.is_empty())
        .ok_or(AuthFailure::KeyMissing)?;
    if value == api_key.as_bytes() {
        return Ok(());
    }
    let is_uuid = std::str::from_utf8(value).is_ok_and(|text| text.parse::<SessionId>().is_ok());
    Err(if is_uuid {
        AuthFailure::KeyUnknown
    } else {
        AuthFailure::KeyNotUuid
    })
}

/// The request's `X-HMAC-SIGNATURE`: exactly one header of 64 hex digits.
fn request_signature(headers: &HeaderMap) -> Result<&[u8], AuthFailure> {
    let mut values = headers.get_all(SIGNATURE_HEADER).iter();
    let value = values
        .next()
        .ok_or(AuthFailure::SignatureMissing)?
        .as_bytes()
        .trim_ascii();
    if value.is_empty() {
        return Err(AuthFailure::SignatureMissing);
    }
    if values.next().is_some() || value.len() != 64 || !value.iter().all(u8::is_ascii_hexdigit) {
        return Err(AuthFailure::SignatureMalformed);
    }
    Ok(value)
}

/// A response before faults and signing are applied.
struct Reply {
    status: StatusCode,
    body: Bytes,
    content_type: &'static str,
    /// Index of the secret that signs it; `None` for a response sent unsigned.
    signer: Option<usize>,
    /// Whether to send `Allow: GET`.
    allow_get: bool,
}

impl Reply {
    fn json(status: StatusCode, body: Bytes, signer: Option<usize>) -> Self {
        Self {
            status,
            body,
            content_type: JSON,
            signer,
            allow_get: false,
        }
    }

    /// Veriff's error body, signed with secret `signer` if the spec documents the
    /// status as signed.
    fn error(status: StatusCode, code: &str, message: &str, signer: usize) -> Self {
        let body = documented::error_body(status.as_u16(), code, message);
        let signer = documented::is_signed(status.as_u16()).then_some(signer);
        Self::json(status, body, signer)
    }

    /// The vendor page's example error body for `status`.
    fn page_error(status: StatusCode, signer: usize) -> Self {
        let (code, message) = documented::page_error(status.as_u16())
            .unwrap_or_else(|| ("1101".to_owned(), "Something went wrong".to_owned()));
        Self::error(status, &code, &message, signer)
    }

    /// A short text body, unsigned: how a proxy answers with an undocumented status.
    fn text(status: StatusCode, text: String) -> Self {
        Self {
            status,
            body: text.into(),
            content_type: TEXT,
            signer: None,
            allow_get: false,
        }
    }

    fn method_not_allowed(method: &Method) -> Self {
        let text = format!(
            "405 Method Not Allowed: {method} is not supported; this endpoint only answers GET\n"
        );
        Self {
            allow_get: true,
            ..Self::text(StatusCode::METHOD_NOT_ALLOWED, text)
        }
    }

    /// 401, unsigned as documented (no secret verified the request anyway).
    fn unauthorized(failure: AuthFailure) -> Self {
        let reply = Self::error(
            StatusCode::UNAUTHORIZED,
            failure.code(),
            failure.message(),
            0,
        );
        Self {
            signer: None,
            ..reply
        }
    }

    /// 400 for an empty (1102) or malformed (1104) session id; signed, as the
    /// request signature was verified first.
    fn bad_session_id(raw_id: &str, signer: usize) -> Self {
        let code = if raw_id.is_empty() { "1102" } else { "1104" };
        let message = known_message(code).unwrap_or("Invalid parameters");
        Self::error(StatusCode::BAD_REQUEST, code, message, signer)
    }

    /// The status a fault asks for. Documented error statuses get Veriff's error
    /// body (the page's example unless the fault sets code or message), signed as
    /// documented; any other status a text body.
    fn injected(status: u16, fault: &Fault, signer: usize) -> Self {
        let code_status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if !documented::is_error_status(status) {
            let reason = code_status.canonical_reason().unwrap_or("Injected Fault");
            return Self::text(code_status, format!("{status} {reason}\n"));
        }
        let (page_code, page_message) = documented::page_error(status)
            .unwrap_or_else(|| ("1101".to_owned(), "Something went wrong".to_owned()));
        let code = fault.code.as_deref().unwrap_or(&page_code);
        let message = match (&fault.message, &fault.code) {
            (Some(message), _) => message.as_str(),
            (None, Some(code)) => known_message(code).unwrap_or(&page_message),
            (None, None) => &page_message,
        };
        Self::error(code_status, code, message, signer)
    }

    /// The final response: fault effects, signature, headers.
    fn render(self, app: &App, fault: Option<&Fault>, request_headers: &HeaderMap) -> Response {
        let body_fault = fault.map(|fault| fault.body).unwrap_or_default();
        let body = match body_fault {
            BodyFault::Truncated => self.body.slice(..self.body.len() / 2),
            BodyFault::Intact | BodyFault::Disconnect => self.body.clone(),
        };
        let mut headers = self.headers(app, fault, request_headers, &body);
        let body = match body_fault {
            BodyFault::Disconnect => {
                insert(
                    &mut headers,
                    header::CONTENT_LENGTH,
                    &body.len().to_string(),
                );
                disconnecting(body)
            }
            BodyFault::Intact | BodyFault::Truncated => Body::from(body),
        };
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        *response.headers_mut() = headers;
        response
    }

    /// Content type, API key echo, signature over `body`, `Retry-After`, `Allow`.
    fn headers(
        &self,
        app: &App,
        fault: Option<&Fault>,
        request_headers: &HeaderMap,
        body: &[u8],
    ) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let content_type = fault.and_then(|fault| fault.content_type.as_deref());
        insert(
            &mut headers,
            header::CONTENT_TYPE,
            content_type.unwrap_or(self.content_type),
        );
        if let Some(key) = request_headers.get(AUTH_CLIENT_HEADER) {
            headers.insert(AUTH_CLIENT_HEADER, key.clone());
        }
        if let Some(secret) = self.signer.and_then(|index| app.secrets.get(index)) {
            let signature_fault = fault.map(|fault| fault.signature).unwrap_or_default();
            sign(&mut headers, secret, body, signature_fault);
        }
        if let Some(seconds) = fault.and_then(|fault| fault.retry_after) {
            insert(&mut headers, header::RETRY_AFTER, &seconds.to_string());
        }
        if self.allow_get {
            insert(&mut headers, header::ALLOW, "GET");
        }
        headers
    }
}

fn insert(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    // Every value passed here is ASCII built by this module or checked by
    // `Fault::check`; an unusable one is left out rather than sent broken.
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// Adds `X-HMAC-SIGNATURE` over `body`, or the fault's version of it.
fn sign(headers: &mut HeaderMap, secret: &[u8], body: &[u8], fault: SignatureFault) {
    let valid = || signature::sign(secret, body);
    let values = match fault {
        SignatureFault::Valid => vec![valid()],
        SignatureFault::Bad => vec![signature::sign(WRONG_KEY, body)],
        SignatureFault::Missing => vec![],
        SignatureFault::Duplicated => vec![valid(), valid()],
    };
    for value in values {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.append(SIGNATURE_HEADER, value);
        }
    }
}

/// A body that sends its first half, pauses, then fails, which makes hyper close
/// the connection short of the announced `Content-Length`.
fn disconnecting(body: Bytes) -> Body {
    let half = body.slice(..body.len() / 2);
    let first = futures_util::stream::iter([Ok::<Bytes, io::Error>(half)]);
    let failure = futures_util::stream::once(async {
        tokio::time::sleep(DISCONNECT_PAUSE).await;
        Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "veriff-mock: disconnect fault",
        ))
    });
    Body::from_stream(first.chain(failure))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(value) {
                map.append(*name, value);
            }
        }
        map
    }

    #[test]
    fn raw_session_id_is_the_path_segment_as_sent() {
        assert_eq!(raw_session_id("/v1/sessions/abc%20d/attempts"), "abc%20d");
        assert_eq!(raw_session_id("/elsewhere"), "");
    }

    #[test]
    fn api_key_failures_have_veriffs_codes() {
        let key = "5ca1ab1e-0000-4000-8000-000000000001";
        assert_eq!(
            check_api_key(key, &headers(&[])),
            Err(AuthFailure::KeyMissing)
        );
        assert_eq!(
            check_api_key(key, &headers(&[(AUTH_CLIENT_HEADER, " ")])),
            Err(AuthFailure::KeyMissing)
        );
        assert_eq!(
            check_api_key(key, &headers(&[(AUTH_CLIENT_HEADER, "nope")])),
            Err(AuthFailure::KeyNotUuid)
        );
        let other = "5ca1ab1e-0000-4000-8000-000000000002";
        assert_eq!(
            check_api_key(key, &headers(&[(AUTH_CLIENT_HEADER, other)])),
            Err(AuthFailure::KeyUnknown)
        );
        assert_eq!(
            check_api_key(key, &headers(&[(AUTH_CLIENT_HEADER, key)])),
            Ok(())
        );
    }

    #[test]
    fn signature_header_must_be_one_sha256_hex() {
        let good = "a".repeat(64);
        let check =
            |pairs: &[(&'static str, &str)]| request_signature(&headers(pairs)).map(<[u8]>::to_vec);
        assert_eq!(check(&[]), Err(AuthFailure::SignatureMissing));
        assert_eq!(
            check(&[(SIGNATURE_HEADER, "")]),
            Err(AuthFailure::SignatureMissing)
        );
        assert_eq!(
            check(&[(SIGNATURE_HEADER, "abc")]),
            Err(AuthFailure::SignatureMalformed)
        );
        assert_eq!(
            check(&[(SIGNATURE_HEADER, &"g".repeat(64))]),
            Err(AuthFailure::SignatureMalformed)
        );
        assert_eq!(
            check(&[(SIGNATURE_HEADER, &good), (SIGNATURE_HEADER, &good)]),
            Err(AuthFailure::SignatureMalformed)
        );
        assert_eq!(
            check(&[(SIGNATURE_HEADER, &good.to_uppercase())]),
            Ok(good.to_uppercase().into_bytes())
        );
    }

    fn json(body: &[u8]) -> serde_json::Value {
        serde_json::from_slice(body).unwrap_or_default()
    }

    #[test]
    fn injected_statuses_use_the_page_examples_or_plain_text() {
        let fault = Fault::default();
        for &status in veriff_attempts::spec::ERROR_STATUSES {
            let reply = Reply::injected(status, &fault, 0);
            let page = veriff_attempts::spec::Example::for_status(status)
                .next()
                .map(|example| json(example.json.as_bytes()));
            assert_eq!(Some(json(&reply.body)), page, "{status}");
            let signed = veriff_attempts::spec::is_signed(status);
            assert_eq!(reply.signer, signed.then_some(0), "{status}");
        }
        let reply = Reply::injected(401, &fault.clone().with_code("1818"), 0);
        assert_eq!(reply.signer, None);
        let body = json(&reply.body);
        assert_eq!(body["code"], "1818");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Signature does not match")),
            "{body}"
        );
        let reply = Reply::injected(503, &fault, 0);
        assert_eq!(
            (reply.signer, reply.content_type, &reply.body[..]),
            (None, TEXT, &b"503 Service Unavailable\n"[..])
        );
    }

    #[test]
    fn attempts_are_sorted_newest_first() {
        // Two attempts as the spec documents them, an older one listed first.
        let documented = veriff_attempts::spec::Example::for_status(200)
            .map(|example| json(example.json.as_bytes()))
            .find_map(|body| body["verifications"].get(0).cloned())
            .unwrap_or_default();
        let mut older = documented.clone();
        older["id"] = "f2270684-8c51-4d03-88eb-dafd43e8b486".into();
        older["createdTime"] = "2023-09-17T14:22:15.123Z".into();
        let mut newer = documented;
        newer["id"] = "a1c68aea-7f4d-478d-80ab-ca9356074f69".into();
        newer["createdTime"] = "2023-09-18T08:33:30.047Z".into();
        let attempts: Result<Vec<Attempt>, _> =
            serde_json::from_value(serde_json::json!([older, newer]));
        let body = attempts
            .map_err(|e| e.to_string())
            .and_then(attempts_body)
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        let newer = text.find("a1c68aea").unwrap_or(usize::MAX);
        let older = text.find("f2270684").unwrap_or(0);
        assert!(newer < older, "{text}");
    }
}
