//! `veriff serve`: the reference server of the list-attempts endpoint.

use std::fmt::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use veriff_mock::{Fixtures, MockServer, RunningServer, builtin};

use crate::output::{self, EXIT_INTERNAL, EXIT_TRANSPORT, EXIT_USAGE};

/// How long in-flight requests may take to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// Sessions listed at start-up; the rest are counted.
const LISTED_SESSIONS: usize = 20;

pub const EXAMPLES: &str = "\
Examples:
  veriff serve --api-key my-key --shared-secret my-secret
  veriff serve --addr 127.0.0.1:0 --api-key my-key --shared-secret s1 --shared-secret s2
  veriff serve --api-key my-key --shared-secret my-secret --fixtures fixtures.json

  Then, in another terminal:
  VERIFF_BASE_URL=http://127.0.0.1:8080 VERIFF_API_KEY=my-key VERIFF_SHARED_SECRET=my-secret \\
    veriff attempts 00000000-0000-4000-8000-000000000002

Fixture files and faults: see mock/README.md. Ctrl-C or SIGTERM stops it (exit 0);
2 bad arguments or fixture file, 6 the address cannot be used.";

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: String,

    /// The API key clients must send in X-AUTH-CLIENT.
    #[arg(long, env = "VERIFF_API_KEY", hide_env_values = true)]
    api_key: String,

    /// A shared secret clients may sign with; repeat for up to five.
    #[arg(
        long = "shared-secret",
        value_name = "SECRET",
        env = "VERIFF_SHARED_SECRET",
        hide_env_values = true,
        required = true
    )]
    shared_secrets: Vec<String>,

    /// JSON file of sessions and faults to serve instead of the built-in data set:
    /// {"<session id>": [attempt, ...], "faults": {"<session id>": {...}}}.
    #[arg(long, value_name = "FILE")]
    fixtures: Option<PathBuf>,
}

pub async fn run(args: Args) -> ExitCode {
    let (fixtures, origin) = match &args.fixtures {
        Some(path) => match Fixtures::from_path(path) {
            Ok(fixtures) => (fixtures, format!("from {}", path.display())),
            Err(err) => return fail(&err, EXIT_USAGE),
        },
        None => (Fixtures::builtin(), "built-in data set".to_owned()),
    };
    let addr = match resolve(&args.addr) {
        Ok(addr) => addr,
        Err(message) => return fail(&*message, EXIT_USAGE),
    };
    let description = describe(&fixtures, &origin);
    let mut builder = MockServer::builder()
        .addr(addr)
        .api_key(args.api_key)
        .fixtures(fixtures);
    for secret in args.shared_secrets {
        builder = builder.shared_secret(secret);
    }
    let server = match builder.start().await {
        Ok(server) => server,
        Err(err @ veriff_mock::StartError::Bind { .. }) => return fail(&err, EXIT_TRANSPORT),
        Err(err) => return fail(&err, EXIT_USAGE),
    };
    let banner = format!(
        "veriff reference server listening on {}\n{description}Press Ctrl-C to stop.\n",
        server.base_url()
    );
    if let Err(err) = output::print(&banner) {
        return fail(&err, EXIT_INTERNAL);
    }
    tracing::info!(base_url = server.base_url(), "listening");
    wait_for_stop_signal().await;
    stop(server).await
}

fn fail(error: &dyn std::error::Error, code: u8) -> ExitCode {
    output::error_line(error);
    ExitCode::from(code)
}

/// `HOST:PORT` to the first address it resolves to.
fn resolve(addr: &str) -> Result<SocketAddr, Box<dyn std::error::Error>> {
    let mut addrs = addr
        .to_socket_addrs()
        .map_err(|err| format!("--addr {addr:?} is not a usable HOST:PORT: {err}"))?;
    addrs
        .next()
        .ok_or_else(|| format!("--addr {addr:?} resolves to no address").into())
}

/// The sessions and faults being served, for the start-up banner.
fn describe(fixtures: &Fixtures, origin: &str) -> String {
    let sessions: Vec<_> = fixtures.sessions().collect();
    let mut text = format!("sessions ({origin}):\n");
    for (id, attempts) in sessions.iter().take(LISTED_SESSIONS) {
        let count = match attempts.len() {
            1 => "1 attempt".to_owned(),
            n => format!("{n} attempts"),
        };
        let name = builtin::name_of(*id).unwrap_or_default();
        let line = format!("  {id}  {count:<11} {name}");
        let _ = writeln!(text, "{}", line.trim_end());
    }
    if sessions.len() > LISTED_SESSIONS {
        let _ = writeln!(text, "  ... and {} more", sessions.len() - LISTED_SESSIONS);
    }
    let _ = writeln!(
        text,
        "  any other session id answers 404, e.g. {}",
        builtin::UNKNOWN_SESSION
    );
    let faults: Vec<_> = fixtures.faults().collect();
    if faults.is_empty() {
        text.push_str("faults: none\n");
    } else {
        text.push_str("faults:\n");
        for (id, fault) in faults {
            let _ = writeln!(text, "  {id}  {fault}");
        }
    }
    text
}

/// Ctrl-C, or SIGTERM on Unix (how containers and process managers stop a server).
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    // Without a SIGTERM handler, Ctrl-C alone; if even that cannot be installed,
    // stopping right away beats running with no way to stop cleanly.
    let _ = tokio::signal::ctrl_c().await;
}

/// Stops accepting, lets in-flight requests finish within the grace period.
async fn stop(server: RunningServer) -> ExitCode {
    tracing::info!("shutting down");
    match tokio::time::timeout(SHUTDOWN_GRACE, server.shutdown()).await {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(_) => {
            tracing::warn!(
                grace_secs = SHUTDOWN_GRACE.as_secs(),
                "requests still in flight after the grace period; stopping anyway"
            );
            ExitCode::SUCCESS
        }
    }
}
