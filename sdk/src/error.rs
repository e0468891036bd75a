//! The one error type of the crate.

use std::time::Duration;

use http::StatusCode;

use crate::signature::SignatureProblem;

/// Everything that can go wrong when listing attempts.
///
/// No variant carries the API key, the shared secret or a signature. Variants that
/// come from a response say which HTTP status it had. `Error` is
/// `Send + Sync + 'static`, so it crosses tasks and fits in `Box<dyn Error>`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Veriff answered with one of the endpoint's documented error statuses
    /// (400, 401, 404 or 500) and a well-formed error body. For 400, 404 and 500 the
    /// body's signature was verified first; 401 is documented as unsigned, so its
    /// `code` and `message` are reported as received.
    #[error("Veriff returned HTTP {status}: code {code}: {message}")]
    Api {
        /// The HTTP status of the response.
        status: StatusCode,
        /// Veriff's error code, e.g. `"1818"`.
        code: String,
        /// Veriff's human-readable message.
        message: String,
    },

    /// A response that Veriff signs (200, 400, 404, 500) came without an
    /// `X-HMAC-SIGNATURE` header. Its body was discarded unread.
    #[error(
        "response signature missing: the HTTP {status} response has no X-HMAC-SIGNATURE header, so its body was discarded"
    )]
    SignatureMissing {
        /// The HTTP status of the response.
        status: StatusCode,
    },

    /// A signed response's `X-HMAC-SIGNATURE` header did not verify against the raw
    /// body. Its body was discarded unread.
    #[error(
        "response signature invalid on the HTTP {status} response ({problem}), so its body was discarded"
    )]
    SignatureInvalid {
        /// The HTTP status of the response.
        status: StatusCode,
        /// What was wrong with the header.
        problem: SignatureProblem,
    },

    /// The (verified) body of a documented status is not the JSON the spec
    /// describes: not JSON, truncated, or of the wrong shape.
    #[error("the HTTP {status} response body could not be decoded: {source}")]
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// What the JSON decoder reported, with line and column.
        #[source]
        source: serde_json::Error,
        /// The body as received (its signature verified where Veriff signs), for
        /// inspection or logging. Not part of the error's `Display`: it may be large
        /// and hold personal data.
        body: bytes::Bytes,
    },

    /// The server answered with a status the endpoint does not document (e.g. 302,
    /// 429, 502, 503). Its body is not signed and was not read into any value.
    #[error("the server answered HTTP {status}, which this endpoint does not document{}", retry_hint(*retry_after))]
    UnexpectedStatus {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The server's `Retry-After`, when it sent one in seconds.
        retry_after: Option<Duration>,
    },

    /// The response body was larger than the configured limit; reading stopped there.
    #[error("the HTTP {status} response body is larger than the {limit}-byte limit")]
    BodyTooLarge {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The configured limit in bytes.
        limit: usize,
    },

    /// No complete response arrived within the configured timeout.
    #[error("no complete response within {0:?}")]
    Timeout(Duration),

    /// The request could not be sent or the response not received (DNS, connect,
    /// TLS, connection reset, ...).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),

    /// An argument or configuration value was refused before anything was sent.
    #[error("invalid input: {0}")]
    InvalidInput(#[from] InputError),

    /// Every attempt failed; `last` is the final attempt's error. Only returned when
    /// more than one attempt was made (see [`RetryPolicy`](crate::RetryPolicy)).
    #[error("gave up after {attempts} attempts: {last}")]
    RetriesExhausted {
        /// How many requests were sent (first attempt included).
        attempts: u32,
        /// The error of the last attempt.
        #[source]
        last: Box<Error>,
    },

    /// The generated client reported a condition that this crate's hooks rule out.
    /// Seeing it means a bug in this crate; please report it.
    #[error("internal error: {0}")]
    Internal(&'static str),
}

fn retry_hint(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (Retry-After: {}s)", d.as_secs()))
        .unwrap_or_default()
}

impl From<std::convert::Infallible> for Error {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl Error {
    /// The error behind any retries: the last attempt's for
    /// [`RetriesExhausted`](Error::RetriesExhausted), otherwise `self`.
    pub fn last_attempt(&self) -> &Error {
        match self {
            Error::RetriesExhausted { last, .. } => last.last_attempt(),
            other => other,
        }
    }

    /// The HTTP status of the response this error came from, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::SignatureMissing { status }
            | Error::SignatureInvalid { status, .. }
            | Error::Decode { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Transport(err) => err.status(),
            Error::RetriesExhausted { last, .. } => last.status(),
            Error::Timeout(_) | Error::InvalidInput(_) | Error::Internal(_) => None,
        }
    }
}

/// An argument or configuration value that was refused before any request was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The session id is not a UUID.
    #[error(
        "session id {value:?} is not a UUID (expected e.g. f04bdb47-d3be-4b28-b028-a652feb060b5)"
    )]
    SessionId {
        /// The value as given.
        value: String,
    },
    /// A required client setting was not given.
    #[error("{0} is required: set it on the client builder")]
    Missing(&'static str),
    /// The base URL cannot be used.
    #[error("base URL {value:?} is not usable: {reason}")]
    BaseUrl {
        /// The value as given.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A setting was given an empty or unusable value (the value itself is not
    /// repeated, as it may be a secret).
    #[error("{field} is not usable: {reason}")]
    Setting {
        /// Which setting.
        field: &'static str,
        /// Why it was refused.
        reason: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_static() {
        fn assert_bounds<T: Send + Sync + 'static + std::error::Error>() {}
        assert_bounds::<Error>();
    }
}
