//! The client users hold: cheap to clone, one connection pool, shared settings.

use std::future::Future;
use std::sync::Arc;

use tracing::Instrument;

use crate::call;
use crate::config::{ClientBuilder, Settings};
use crate::error::Error;
use crate::generated::types::SessionAttemptsResponse;
use crate::session_id::SessionId;

/// A client of Veriff's list-attempts endpoint. Build one with [`Client::builder`];
/// clones share the connection pool and settings, and it is `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    settings: Arc<Settings>,
}

impl Client {
    /// Starts a [`ClientBuilder`]; base URL, API key and shared secret are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_parts(http: reqwest::Client, settings: Arc<Settings>) -> Self {
        Self { http, settings }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.settings.base_url
    }

    /// Lists the attempts of a verification session, newest first.
    ///
    /// `session_id` is a [`SessionId`], a `uuid::Uuid` or a string; a string that is
    /// not a UUID is refused with [`Error::InvalidInput`] before anything is sent.
    /// The request is signed; the response's signature is verified over its raw
    /// bytes before it is decoded.
    pub async fn list_attempts<S>(&self, session_id: S) -> Result<SessionAttemptsResponse, Error>
    where
        S: TryInto<SessionId>,
        S::Error: Into<Error>,
    {
        let session_id = session_id.try_into().map_err(Into::into)?;
        let span =
            tracing::info_span!("veriff", operation = "list_attempts", session_id = %session_id);
        let settings = &self.settings;
        let calls = settings.retry.run(settings.request_timeout, |attempt| {
            let call = call::list_attempts_once(&self.http, settings, session_id, None);
            traced(attempt, call)
        });
        calls.instrument(span).await
    }

    /// Runs a response obtained elsewhere (recorded, replayed, fuzzed) through the
    /// same path as a live one: body limit, signature check over the raw bytes,
    /// status classification and decoding. Nothing is sent and nothing is retried.
    ///
    /// `session_id` is the session the response answers; it only affects what a
    /// request would have signed.
    pub async fn decode_response<S>(
        &self,
        session_id: S,
        response: http::Response<bytes::Bytes>,
    ) -> Result<SessionAttemptsResponse, Error>
    where
        S: TryInto<SessionId>,
        S::Error: Into<Error>,
    {
        let session_id = session_id.try_into().map_err(Into::into)?;
        call::list_attempts_once(&self.http, &self.settings, session_id, Some(response)).await
    }
}

/// One attempt, with its number, final status and latency recorded for tracing.
/// Nothing secret is in scope here: only the outcome's status and error text.
async fn traced<T>(attempt: u32, call: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    let started = std::time::Instant::now();
    let result = call.await;
    let latency_ms = started.elapsed().as_millis() as u64;
    match &result {
        Ok(_) => tracing::info!(attempt, status = 200, latency_ms, "attempts listed"),
        Err(error) => {
            let status = error.status().map(|s| s.as_u16());
            tracing::info!(attempt, status, latency_ms, error = %error, "call failed");
        }
    }
    result
}
