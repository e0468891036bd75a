//! Client configuration: where to send requests and with which credentials.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, InputError};
use crate::retry::RetryPolicy;
use crate::signature::SigningKey;

/// The API URL seen most often in public code. Yours is on your integration's page
/// in the Veriff Customer Portal; pass it to [`ClientBuilder::base_url`] explicitly.
pub const STATION_API: &str = "https://stationapi.veriff.com";

/// Default limit on a response body: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one request, from sending to the last body byte.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The integration's API key, sent as `X-AUTH-CLIENT`. Its `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

/// The integration's shared secret, which keys every HMAC. Its `Debug` is redacted,
/// and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedSecret(Vec<u8>);

impl ApiKey {
    /// Wraps an API key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl SharedSecret {
    /// Wraps a shared secret (the bytes of the string shown in the Customer Portal).
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self(secret.into())
    }

    /// The secret's bytes, for keying an HMAC.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedSecret(<redacted>)")
    }
}

/// The settings every call shares. Built once by [`ClientBuilder::build`].
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) base_url: String,
    pub(crate) api_key_header: http::HeaderValue,
    /// The shared secret, prepared once for every HMAC of every call.
    pub(crate) signing_key: SigningKey,
    pub(crate) request_timeout: Duration,
    pub(crate) max_body_bytes: usize,
    pub(crate) retry: RetryPolicy,
}

/// Builds a [`Client`](crate::Client). Base URL, API key and shared secret are
/// required; there is no silent default URL.
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    api_key: Option<ApiKey>,
    shared_secret: Option<SharedSecret>,
    http: Option<reqwest::Client>,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    max_body_bytes: Option<usize>,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// The API URL, e.g. [`STATION_API`] or a reference server's URL. A path prefix
    /// is kept; a trailing `/` is ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The integration's API key (`X-AUTH-CLIENT`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey::new(key));
        self
    }

    /// The integration's shared secret, which signs requests and verifies responses.
    pub fn shared_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.shared_secret = Some(SharedSecret::new(secret));
        self
    }

    /// Use this `reqwest::Client` (and its connection pool, proxy and TLS settings)
    /// instead of building one. The connect timeout and redirect policy then are the
    /// given client's own (the default client follows no redirects, so that the
    /// credentials never travel to another host). A total timeout set on the given
    /// client applies too, besides [`request_timeout`](Self::request_timeout).
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Time allowed to establish a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    /// Applies to the client this builder creates, not to one given with
    /// [`reqwest_client`](Self::reqwest_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one request, from sending it to reading the last body byte,
    /// verified and decoded (default [`DEFAULT_REQUEST_TIMEOUT`]).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Largest response body accepted, in bytes (default [`DEFAULT_MAX_BODY_BYTES`]).
    /// A larger body is [`Error::BodyTooLarge`] and is not read past the limit.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// Retries after a transient failure (default
    /// [`DEFAULT_MAX_RETRIES`](crate::DEFAULT_MAX_RETRIES)); 0 disables retrying.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Time allowed for the whole call: every attempt and the waits between them
    /// (default [`DEFAULT_DEADLINE`](crate::DEFAULT_DEADLINE)).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.retry.deadline = deadline;
        self
    }

    /// The complete retry policy (backoff bounds included).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<crate::Client, Error> {
        let base_url = normalise_base_url(self.base_url.ok_or(InputError::Missing("base URL"))?)?;
        let api_key = self.api_key.ok_or(InputError::Missing("API key"))?;
        let mut api_key_header =
            http::HeaderValue::from_str(api_key.as_str()).map_err(|_| InputError::Setting {
                field: "API key",
                reason: "it must be visible ASCII to travel in the X-AUTH-CLIENT header",
            })?;
        if api_key.as_str().trim().is_empty() {
            return Err(InputError::Setting {
                field: "API key",
                reason: "it is empty",
            }
            .into());
        }
        api_key_header.set_sensitive(true);
        let shared_secret = self
            .shared_secret
            .ok_or(InputError::Missing("shared secret"))?;
        if shared_secret.expose().is_empty() {
            return Err(InputError::Setting {
                field: "shared secret",
                reason: "it is empty",
            }
            .into());
        }
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let request_timeout = self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT);
        let durations = [
            ("connect timeout", connect_timeout),
            ("request timeout", request_timeout),
            ("deadline", self.retry.deadline),
        ];
        for (field, value) in durations {
            if value.is_zero() {
                return Err(InputError::Setting {
                    field,
                    reason: "it must be longer than zero",
                }
                .into());
            }
        }
        let max_body_bytes = self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
        let http = match self.http {
            Some(http) => http,
            None => default_http_client(connect_timeout)?,
        };
        let settings = Settings {
            base_url,
            api_key_header,
            signing_key: SigningKey::new(shared_secret.expose()),
            request_timeout,
            max_body_bytes,
            retry: self.retry,
        };
        Ok(crate::Client::from_parts(http, Arc::new(settings)))
    }
}

fn normalise_base_url(value: String) -> Result<String, InputError> {
    let refuse = |reason: &str| InputError::BaseUrl {
        value: value.clone(),
        reason: reason.to_owned(),
    };
    let url = reqwest::Url::parse(&value).map_err(|err| refuse(&err.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("the scheme must be http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("it must not have a query or a fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("it must not carry credentials"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The client built when the caller brings none: rustls with the *ring* provider
/// (lighter to build than aws-lc), HTTP/1.1 and HTTP/2, no redirects.
fn default_http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    // reqwest is built with `rustls-no-provider`; it panics unless a process-wide
    // provider exists. Installing fails harmlessly if one already is.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        // Never follow a redirect: the request carries the API key and a signature,
        // and a redirect is not a documented answer of this endpoint.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .build()
        .map_err(Error::Transport)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_debug() {
        let builder = ClientBuilder::default()
            .base_url("http://localhost:1")
            .api_key("key-1234-visible?")
            .shared_secret("s3cr3t-value");
        let shown = format!("{builder:?}");
        assert!(
            !shown.contains("s3cr3t-value") && !shown.contains("key-1234"),
            "{shown}"
        );
        let client = builder.build().map_err(|e| e.to_string());
        let shown = format!("{client:?}");
        assert!(
            !shown.contains("s3cr3t-value") && !shown.contains("key-1234"),
            "{shown}"
        );
    }

    #[test]
    fn base_url_is_checked_and_normalised() {
        assert_eq!(
            normalise_base_url("http://h:1/prefix/".into()),
            Ok("http://h:1/prefix".into())
        );
        assert_eq!(
            normalise_base_url(STATION_API.into()),
            Ok(STATION_API.into())
        );
        for bad in [
            "",
            "stationapi.veriff.com",
            "ftp://h",
            "http://h/?q=1",
            "http://u:p@h",
        ] {
            assert!(
                matches!(
                    normalise_base_url(bad.into()),
                    Err(InputError::BaseUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_required_setting_is_named_when_missing() {
        let err = |b: ClientBuilder| b.build().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err(ClientBuilder::default()).contains("base URL is required"));
        let b = || ClientBuilder::default().base_url("http://h");
        assert!(err(b()).contains("API key is required"));
        assert!(err(b().api_key("k")).contains("shared secret is required"));
        assert!(err(b().api_key("k").shared_secret("")).contains("shared secret is not usable"));
        assert!(err(b().api_key("k\n").shared_secret("s")).contains("API key is not usable"));
        let zero = b()
            .api_key("k")
            .shared_secret("s")
            .request_timeout(Duration::ZERO);
        assert!(err(zero).contains("request timeout"));
    }
}
