//! Why a scan stops, and the signals that stop it.
//!
//! Ctrl-C (or SIGTERM) stops a scan cleanly: no new request is started, the
//! requests in flight finish (each within the per-session timeout) and their
//! records are written, everything is flushed, and the exit status is 130. Every
//! session that was fetched is therefore in the output, and `--resume` fetches
//! none of them again. A second Ctrl-C abandons the requests still in flight:
//! their sessions are not written, and `--resume` fetches them.

use std::io;

use super::record::Failure;

/// What ended the scan.
#[derive(Debug)]
pub enum Stop {
    /// The input ended and every session was written.
    Finished,
    /// Ctrl-C or SIGTERM; `abandoned` is set after a second one.
    Interrupted { abandoned: bool },
    /// Veriff refused the credentials: every other request would be refused too.
    Unauthorised(Failure),
    /// The records could not be written.
    Output(io::Error),
    /// Standard output was closed by its reader (`veriff scan | head`): stop quietly.
    ClosedPipe,
    /// The input could not be read.
    Input(String),
}

/// Ctrl-C and, on Unix, SIGTERM. The handlers are installed when this is made, so
/// a signal from then on is never the default "die at once".
pub struct StopSignals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    pub fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    /// The next stop signal (never, if no handler could be installed).
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                () = next(self.interrupt.as_mut()) => {}
                () = next(self.terminate.as_mut()) => {}
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// The next delivery of `signal`; never, without a handler or once the runtime's
/// signal driver is gone.
#[cfg(unix)]
async fn next(signal: Option<&mut tokio::signal::unix::Signal>) {
    if let Some(signal) = signal
        && signal.recv().await.is_some()
    {
        return;
    }
    std::future::pending::<()>().await;
}
