//! Starting, reaching and stopping a reference server.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use veriff_attempts::{Attempt, SessionId};

use crate::app::{self, App};
use crate::fault::Fault;
use crate::fixtures::Fixtures;

/// The API key a server accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "5ca1ab1e-0000-4000-8000-000000000001";
/// The shared secret a server uses unless told otherwise.
pub const DEFAULT_SHARED_SECRET: &str = "5ec2e7a1-0000-4000-8000-000000000001";
/// Veriff allows up to five shared secrets per integration; so does the server.
pub const MAX_SHARED_SECRETS: usize = 5;

/// The reference server of `GET /v1/sessions/{id}/attempts`. Start one with
/// [`MockServer::start`] (built-in data, default credentials, an ephemeral port on
/// 127.0.0.1) or configure it with [`MockServer::builder`].
#[derive(Debug)]
pub struct MockServer(());

impl MockServer {
    /// A builder with the defaults: 127.0.0.1 on a free port, [`DEFAULT_API_KEY`],
    /// [`DEFAULT_SHARED_SECRET`], the built-in data set and no faults.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_key: DEFAULT_API_KEY.to_owned(),
            secrets: None,
            fixtures: Fixtures::builtin(),
            problems: Vec::new(),
        }
    }

    /// Starts a server with the defaults of [`builder`](Self::builder).
    pub async fn start() -> Result<RunningServer, StartError> {
        Self::builder().start().await
    }
}

/// Configures a [`MockServer`]. Problems with the settings are reported by
/// [`start`](Self::start), all at once.
#[must_use]
pub struct MockServerBuilder {
    addr: SocketAddr,
    api_key: String,
    secrets: Option<Vec<Vec<u8>>>,
    fixtures: Fixtures,
    problems: Vec<String>,
}

impl fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServerBuilder")
            .field("addr", &self.addr)
            .field("api_key", &"<redacted>")
            .field("shared_secrets", &self.secrets.as_ref().map_or(1, Vec::len))
            .field("fixtures", &self.fixtures)
            .finish_non_exhaustive()
    }
}

/// The server could not start. The message says which setting or address is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The listening socket could not be opened (address in use, no permission...).
    #[error("the reference server cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system reported.
        #[source]
        source: io::Error,
    },
    /// A setting, session or fault is unusable; every problem found is listed.
    #[error("invalid reference server setup: {}", .0.join("; "))]
    Setup(Vec<String>),
}

impl MockServerBuilder {
    /// Where to listen (default 127.0.0.1 with a free port, see
    /// [`RunningServer::base_url`]).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The API key clients must send in `X-AUTH-CLIENT`.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = api_key.into();
        self
    }

    /// A shared secret clients may sign with. Call it once per secret (up to
    /// [`MAX_SHARED_SECRETS`]); the first call replaces the default secret.
    pub fn shared_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.secrets
            .get_or_insert_with(Vec::new)
            .push(secret.into());
        self
    }

    /// Serve these sessions and faults instead of the built-in data set.
    pub fn fixtures(mut self, fixtures: Fixtures) -> Self {
        self.fixtures = fixtures;
        self
    }

    /// Serve `attempts` for `session_id` (served newest first), in addition to the
    /// data set, replacing that session if it has attempts already.
    pub fn session<S>(mut self, session_id: S, attempts: Vec<Attempt>) -> Self
    where
        S: TryInto<SessionId>,
        S::Error: fmt::Display,
    {
        match session_id.try_into() {
            Ok(id) => self.fixtures = self.fixtures.with_session(id, attempts),
            Err(err) => self.problems.push(format!("session: {err}")),
        }
        self
    }

    /// Apply `fault` to the requests for `session_id`, replacing any fault it had.
    pub fn fault<S>(mut self, session_id: S, fault: Fault) -> Self
    where
        S: TryInto<SessionId>,
        S::Error: fmt::Display,
    {
        match session_id.try_into() {
            Ok(id) => self.fixtures = self.fixtures.with_fault(id, fault),
            Err(err) => self.problems.push(format!("fault: {err}")),
        }
        self
    }

    /// Checks the settings, binds the address and starts serving on the current
    /// Tokio runtime. The server runs until the returned handle is dropped or
    /// [`shut down`](RunningServer::shutdown).
    pub async fn start(self) -> Result<RunningServer, StartError> {
        let requested = self.addr;
        let app = Arc::new(self.into_app()?);
        let listener = TcpListener::bind(requested)
            .await
            .map_err(|source| StartError::Bind {
                addr: requested,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: requested,
            source,
        })?;
        let listener = listener.tap_io(|stream| {
            // Small responses: send them without waiting for more data.
            let _ = stream.set_nodelay(true);
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let router = app::router(Arc::clone(&app));
        let task = tokio::spawn(async move {
            let signal = async move {
                // A send or a dropped sender both mean stop.
                let _ = stopped.await;
            };
            if let Err(err) = axum::serve(listener, router)
                .with_graceful_shutdown(signal)
                .await
            {
                tracing::error!(error = %err, "reference server stopped");
            }
        });
        Ok(RunningServer {
            addr,
            base_url: format!("http://{}", reachable(addr)),
            app,
            stop: Some(stop),
            task: Some(task),
        })
    }

    fn into_app(self) -> Result<App, StartError> {
        let mut problems = self.problems;
        let api_key = self.api_key.trim().to_owned();
        if api_key.is_empty() || http::HeaderValue::from_str(&api_key).is_err() {
            problems.push(
                "the API key must be non-empty visible ASCII (it travels in X-AUTH-CLIENT)".into(),
            );
        }
        let secrets = self
            .secrets
            .unwrap_or_else(|| vec![DEFAULT_SHARED_SECRET.as_bytes().to_vec()]);
        if secrets.len() > MAX_SHARED_SECRETS {
            problems.push(format!(
                "{} shared secrets given; Veriff allows at most {MAX_SHARED_SECRETS} per integration",
                secrets.len()
            ));
        }
        if let Some(position) = secrets.iter().position(Vec::is_empty) {
            problems.push(format!("shared secret #{} is empty", position + 1));
        }
        let parts = self.fixtures.into_parts();
        match App::new(api_key, secrets, parts.sessions, parts.bodies, parts.faults) {
            Ok(app) if problems.is_empty() => Ok(app),
            Ok(_) => Err(StartError::Setup(problems)),
            Err(problem) => {
                problems.push(problem);
                Err(StartError::Setup(problems))
            }
        }
    }
}

/// The address clients use: an unspecified bind address (0.0.0.0, ::) is reached
/// over loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => {
            SocketAddr::from((Ipv4Addr::LOCALHOST, v4.port()))
        }
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => {
            SocketAddr::from((Ipv6Addr::LOCALHOST, v6.port()))
        }
        other => other,
    }
}

/// A server serving in the background. Dropping it stops the server: it stops
/// accepting connections at once and closes each open connection after its
/// current request.
pub struct RunningServer {
    addr: SocketAddr,
    base_url: String,
    app: Arc<App>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningServer")
            .field("base_url", &self.base_url)
            .field("shared_secrets", &self.app.secrets.len())
            .field("sessions", &self.app.sessions.len())
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// The URL to give clients as their base URL, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key the server accepts.
    pub fn api_key(&self) -> &str {
        &self.app.api_key
    }

    /// The first shared secret (the only one, unless several were configured).
    pub fn shared_secret(&self) -> &[u8] {
        self.app.secrets.first().map_or(&[], Vec::as_slice)
    }

    /// Every shared secret, in the order they were configured.
    pub fn shared_secrets(&self) -> impl Iterator<Item = &[u8]> {
        self.app.secrets.iter().map(Vec::as_slice)
    }

    /// An SDK client builder already pointed at this server with its API key and
    /// first shared secret; add settings (timeouts, retries) and `build()` it.
    pub fn client_builder(&self) -> veriff_attempts::ClientBuilder {
        veriff_attempts::Client::builder()
            .base_url(self.base_url.as_str())
            .api_key(self.api_key())
            .shared_secret(self.shared_secret())
    }

    /// An SDK client for this server with the SDK's default settings.
    pub fn client(&self) -> Result<veriff_attempts::Client, veriff_attempts::Error> {
        self.client_builder().build()
    }

    /// How many authenticated requests reached `session_id` so far (faulted ones
    /// included). Counted for sessions that have attempts or a fault; 0 otherwise.
    pub fn requests_for<S: TryInto<SessionId>>(&self, session_id: S) -> u64 {
        let Ok(id) = session_id.try_into() else {
            return 0;
        };
        self.app
            .sessions
            .get(&id.as_uuid())
            .map_or(0, |session| session.requests.load(Ordering::Relaxed))
    }

    /// Stops accepting connections and waits until every in-flight request is
    /// answered and its connection closed.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            // The task only ends by finishing or by its runtime going away.
            let _ = task.await;
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
