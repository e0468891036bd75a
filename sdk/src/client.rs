//! The client users hold: cheap to clone, one connection pool, shared settings.

use std::sync::Arc;

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
        call::list_attempts_once(&self.http, &self.settings, session_id).await
    }
}
