//! One call to the endpoint, readable top to bottom: **sign → send → verify →
//! classify**.
//!
//! progenitor's generated `send()` drives the call and runs our hooks in this order:
//! `pre` → `exec` → `post` → status match → JSON decoding. The hooks work like this:
//!
//! * [`pre`](ClientHooks::pre) **signs**: it sets `X-AUTH-CLIENT`, the
//!   `X-HMAC-SIGNATURE` of the session id and the User-Agent, and drops
//!   progenitor's `api-version` header, which Veriff does not document. The HMAC
//!   key is prepared once per client ([`SigningKey`]); a signature costs two
//!   SHA-256 blocks and no allocation but its header value.
//! * [`exec`](ClientHooks::exec) **sends** and **verifies**: it reads the raw body
//!   (never more than the configured limit) and, for each status Veriff signs,
//!   checks `X-HMAC-SIGNATURE` over those exact bytes before anything parses them.
//!   It then hands progenitor a rebuilt response with the same status and URL,
//!   whose body is the verified `Bytes` themselves (no copy); the headers, already
//!   read, stay behind.
//!   A rejected body is replaced by an empty one, so none of it can reach a caller.
//! * `exec` can only return a `reqwest::Error`, and `post` only progenitor's
//!   stringly `Error::Custom`. So a rejection is stored, typed, in the per-call
//!   [`CallContext`]; `post` merely stops progenitor from decoding, and
//!   [`classify`] returns the stored error. No error string is ever parsed.
//! * [`classify`] turns progenitor's result into this crate's [`Error`].
//!
//! A generated client is built per call (it is a base-URL string, a handle on the
//! shared connection pool and this context), which is what makes the context
//! per-call; under callgrind, building and dropping it is under 0.5 % of the
//! instructions of a call, so it stays.
//! Retries, tracing and time limits wrap [`list_attempts_once`] from outside: one
//! timer per attempt ends it at the request timeout or at the call's deadline,
//! whichever comes first (see `RetryPolicy::run`); the body limit lives in `exec`.
//!
//! [`SigningKey`]: crate::signature::SigningKey

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};

use crate::config::{Settings, USER_AGENT};
use crate::error::Error;
use crate::generated;
use crate::generated::types::{ErrorResponse, SessionAttemptsResponse};
use crate::session_id::SessionId;
use crate::signature;
use crate::spec;

/// Header carrying the API key.
pub const AUTH_CLIENT_HEADER: &str = "x-auth-client";
/// Header carrying an HMAC-SHA256 signature, on requests and on responses.
pub const SIGNATURE_HEADER: &str = "x-hmac-signature";

/// The header names `pre` and `exec` use, made once: a `&str` name is parsed, and
/// a custom one allocated, on every use.
static AUTH_CLIENT_NAME: HeaderName = HeaderName::from_static(AUTH_CLIENT_HEADER);
static SIGNATURE_NAME: HeaderName = HeaderName::from_static(SIGNATURE_HEADER);
/// progenitor adds it from the spec's `info.version`; Veriff does not document it.
static API_VERSION_NAME: HeaderName = HeaderName::from_static("api-version");

/// Per-call state, handed to the generated client as its inner value. (The
/// generated client derives `Clone` and `Debug`, hence the `Arc`.)
#[derive(Clone, Debug)]
pub struct CallContext {
    settings: Arc<Settings>,
    session_id: SessionId,
    observed: Arc<Observed>,
}

/// What `exec` saw of the response.
#[derive(Debug, Default)]
struct Observed {
    /// Status of the response, once one arrived.
    status: OnceLock<StatusCode>,
    /// `Retry-After` of the response, in seconds, if it had one.
    retry_after: OnceLock<Duration>,
    /// Set by `exec` when the response must not be decoded.
    rejection: OnceLock<Error>,
    /// A response to use instead of the network (see [`Client::decode_response`]).
    ///
    /// [`Client::decode_response`]: crate::Client::decode_response
    canned: Mutex<Option<http::Response<Bytes>>>,
}

/// Lists the attempts of one session with one HTTP exchange; with `canned`, that
/// response stands in for the server's and nothing is sent.
pub(crate) async fn list_attempts_once(
    http: &reqwest::Client,
    settings: &Arc<Settings>,
    session_id: SessionId,
    canned: Option<http::Response<Bytes>>,
) -> Result<SessionAttemptsResponse, Error> {
    let observed = Arc::new(Observed {
        canned: Mutex::new(canned),
        ..Observed::default()
    });
    let context = CallContext {
        settings: Arc::clone(settings),
        session_id,
        observed: Arc::clone(&observed),
    };
    let client = generated::Client::new_with_client(&settings.base_url, http.clone(), context);
    let result = client.list_attempts().id(session_id.as_uuid()).send().await;
    drop(client);
    classify(result, observed, settings.request_timeout)
}

impl ClientHooks<CallContext> for generated::Client {
    /// Sign.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let context = self.inner();
        let settings = &context.settings;
        // Veriff signs the session id exactly as it appears in the path. The path is
        // built from the same `SessionId` (canonical lowercase UUID), so they match.
        let mut session_id = uuid::Uuid::encode_buffer();
        let session_id = context
            .session_id
            .as_uuid()
            .hyphenated()
            .encode_lower(&mut session_id);
        let signature = settings.signing_key.sign_hex(session_id.as_bytes());
        let mut signature = HeaderValue::from_str(signature.as_str())?;
        signature.set_sensitive(true);
        let headers = request.headers_mut();
        headers.remove(&API_VERSION_NAME);
        headers.insert(AUTH_CLIENT_NAME.clone(), settings.api_key_header.clone());
        headers.insert(SIGNATURE_NAME.clone(), signature);
        headers.insert(
            http::header::USER_AGENT,
            HeaderValue::from_static(USER_AGENT),
        );
        Ok(())
    }

    /// Send, then verify the raw body before anything parses it.
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let canned = self
            .inner()
            .observed
            .canned
            .lock()
            .ok()
            .and_then(|mut slot| slot.take());
        let response = match canned {
            Some(canned) => {
                // It answers this request: give it the request's URL.
                let (mut parts, body) = canned.into_parts();
                parts
                    .extensions
                    .extend(url_extension(request.url().clone()));
                reqwest::Response::from(http::Response::from_parts(parts, body))
            }
            None => self.client().execute(request).await?,
        };
        self.inner().verify(response).await
    }

    /// Stop progenitor from decoding a rejected body.
    async fn post<E>(
        &self,
        _result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        match self.inner().observed.rejection.get() {
            // The typed error waits in the context for `classify`; this text is
            // never shown or parsed.
            Some(_) => Err(progenitor_client::Error::Custom("response rejected".into())),
            None => Ok(()),
        }
    }
}

impl CallContext {
    fn reject(&self, error: Error) {
        // Only the first rejection counts; `exec` runs once per context.
        let _ = self.observed.rejection.set(error);
    }

    /// Reads the body within the limit, checks the signature where Veriff signs, and
    /// returns an equivalent response whose body is the verified bytes (or empty).
    async fn verify(&self, mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
        let status = response.status();
        let _ = self.observed.status.set(status);
        if let Some(retry_after) = retry_after(response.headers()) {
            let _ = self.observed.retry_after.set(retry_after);
        }
        let limit = self.settings.max_body_bytes;
        let mut body = match read_capped(&mut response, limit).await? {
            Some(body) => body,
            None => {
                self.reject(Error::BodyTooLarge { status, limit });
                Bytes::new()
            }
        };
        // The spec says which statuses are signed (those that list X-HMAC-SIGNATURE;
        // the page lists none for 401). Undocumented statuses are never decoded.
        let must_verify =
            self.observed.rejection.get().is_none() && spec::is_signed(status.as_u16());
        if must_verify && let Err(error) = self.check_signature(status, response.headers(), &body) {
            self.reject(error);
            body = Bytes::new();
        }
        Ok(rebuild(response, body))
    }

    fn check_signature(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), Error> {
        let mut values = headers.get_all(&SIGNATURE_NAME).iter();
        let value = values.next().ok_or(Error::SignatureMissing { status })?;
        let extra = values.count();
        if extra > 0 {
            let problem = signature::SignatureProblem::Duplicated(extra + 1);
            return Err(Error::SignatureInvalid { status, problem });
        }
        self.settings
            .signing_key
            .verify(body, value.as_bytes())
            .map_err(|problem| Error::SignatureInvalid { status, problem })
    }
}

/// Reads the whole body, or returns `None` as soon as it exceeds `limit` bytes.
/// A body that arrives in one chunk (the usual case) is kept without a copy.
async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> reqwest::Result<Option<Bytes>> {
    if response
        .content_length()
        .is_some_and(|declared| declared > limit as u64)
    {
        return Ok(None);
    }
    let mut first: Option<Bytes> = None;
    let mut joined = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        let read = first.as_ref().map_or(0, Bytes::len) + joined.len();
        if read + chunk.len() > limit {
            return Ok(None);
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            earlier => {
                if let Some(earlier) = earlier {
                    joined.extend_from_slice(&earlier);
                }
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(Some(first.unwrap_or_else(|| joined.freeze())))
}

/// The same response (status, version, URL) with `body` as its body, for progenitor
/// to classify and decode.
///
/// Its headers are left behind: everything read from them (the signature,
/// `Retry-After`) was read before, and progenitor would only copy them into a
/// `ResponseValue` that [`classify`] drops.
fn rebuild(response: reqwest::Response, body: Bytes) -> reqwest::Response {
    // reqwest drops the URL on the way to `http::Response` and, on the way back,
    // parses a placeholder URL unless one is attached: attach the response's own.
    let url = response.url().clone();
    let http_response: http::Response<reqwest::Body> = response.into();
    let (mut parts, _consumed) = http_response.into_parts();
    parts.headers = HeaderMap::new();
    parts.extensions.extend(url_extension(url));
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

/// Extensions holding `url` where reqwest looks for a response's URL.
fn url_extension(url: reqwest::Url) -> http::Extensions {
    use reqwest::ResponseBuilderExt;
    let mut builder = http::Response::builder().url(url);
    builder
        .extensions_mut()
        .map(std::mem::take)
        .unwrap_or_default()
}

/// `Retry-After` in delta-seconds form (Veriff documents no rate limit; this is
/// what proxies and load balancers send).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Turns progenitor's outcome into this crate's error. A rejection recorded during
/// `exec` wins over whatever progenitor made of the (emptied) body.
fn classify(
    result: Result<ResponseValue<SessionAttemptsResponse>, progenitor_client::Error<ErrorResponse>>,
    observed: Arc<Observed>,
    request_timeout: Duration,
) -> Result<SessionAttemptsResponse, Error> {
    use progenitor_client::Error as Generated;

    // The generated client, and with it every other handle, is gone by now.
    let Some(Observed {
        status,
        retry_after,
        rejection,
        ..
    }) = Arc::into_inner(observed)
    else {
        return Err(Error::Internal("the call's context outlived the call"));
    };
    if let Some(error) = rejection.into_inner() {
        return Err(error);
    }
    // Every arm below that needs a status runs after `exec` recorded it.
    let status = status.into_inner().unwrap_or(StatusCode::OK);
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(Generated::ErrorResponse(value)) => {
            let status = value.status();
            let ErrorResponse { code, message, .. } = value.into_inner();
            Err(Error::Api {
                status,
                code,
                message,
            })
        }
        Err(Generated::InvalidResponsePayload(body, source)) => Err(Error::Decode {
            status,
            source,
            body,
        }),
        Err(Generated::UnexpectedResponse(response)) => Err(Error::UnexpectedStatus {
            status: response.status(),
            retry_after: retry_after.into_inner(),
        }),
        Err(Generated::CommunicationError(err) | Generated::ResponseBodyError(err)) => {
            Err(transport(err, request_timeout))
        }
        // The id is passed as a `Uuid` and no hook fails without a rejection, so
        // progenitor cannot produce these; map them rather than panic.
        Err(Generated::InvalidRequest(_) | Generated::InvalidUpgrade(_) | Generated::Custom(_)) => {
            Err(Error::Internal(
                "the generated client failed without a recorded cause",
            ))
        }
    }
}

fn transport(err: reqwest::Error, request_timeout: Duration) -> Error {
    if err.is_timeout() && !err.is_connect() {
        Error::Timeout(request_timeout)
    } else {
        Error::Transport(err)
    }
}

#[cfg(test)]
mod tests {
    use reqwest::ResponseBuilderExt;

    use super::*;

    #[tokio::test]
    async fn a_rebuilt_response_keeps_status_url_and_the_verified_bytes() -> Result<(), String> {
        let url = reqwest::Url::parse(
            "http://h:1/v1/sessions/f04bdb47-d3be-4b28-b028-a652feb060b5/attempts",
        )
        .map_err(|e| e.to_string())?;
        let received = http::Response::builder()
            .status(StatusCode::NOT_FOUND)
            .url(url.clone())
            .header(SIGNATURE_HEADER, "00")
            .body(Bytes::from_static(b"as received"))
            .map_err(|e| e.to_string())?;
        let verified = Bytes::from_static(b"verified");
        let rebuilt = rebuild(reqwest::Response::from(received), verified.clone());
        assert_eq!(rebuilt.status(), StatusCode::NOT_FOUND);
        assert_eq!(rebuilt.url(), &url);
        assert!(rebuilt.headers().is_empty());
        assert_eq!(rebuilt.bytes().await.map_err(|e| e.to_string())?, verified);
        Ok(())
    }

    #[test]
    fn the_url_extension_is_where_reqwest_reads_the_url() -> Result<(), String> {
        let url = reqwest::Url::parse("http://h:1/prefix").map_err(|e| e.to_string())?;
        let (mut parts, body) = http::Response::new(Bytes::new()).into_parts();
        parts.extensions.extend(url_extension(url.clone()));
        let response = reqwest::Response::from(http::Response::from_parts(parts, body));
        assert_eq!(response.url(), &url);
        Ok(())
    }

    #[test]
    fn the_prepared_header_names_are_the_documented_ones() {
        assert_eq!(AUTH_CLIENT_NAME.as_str(), AUTH_CLIENT_HEADER);
        assert_eq!(SIGNATURE_NAME.as_str(), SIGNATURE_HEADER);
        assert_eq!(API_VERSION_NAME.as_str(), "api-version");
    }
}
