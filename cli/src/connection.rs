//! Where to send requests and with which credentials: the settings `veriff attempts`
//! and `veriff scan` share, checked before anything is sent.

use std::time::Duration;

use veriff_attempts::Client;

use crate::hint;
use crate::output::{EXIT_USAGE, error_with_hint};

#[derive(clap::Args)]
pub struct Connection {
    /// API URL, e.g. https://stationapi.veriff.com (see your integration's page).
    #[arg(long, value_name = "URL", env = "VERIFF_BASE_URL")]
    base_url: Option<String>,

    /// The integration's API key.
    #[arg(
        long,
        value_name = "KEY",
        env = "VERIFF_API_KEY",
        hide_env_values = true
    )]
    api_key: Option<String>,

    /// The integration's shared secret (prefer the environment variable: arguments
    /// are visible to other users of the machine).
    #[arg(
        long,
        value_name = "SECRET",
        env = "VERIFF_SHARED_SECRET",
        hide_env_values = true
    )]
    shared_secret: Option<String>,
}

/// A setting that is missing: its name, its flag and its environment variable.
struct Missing {
    name: &'static str,
    flag: &'static str,
    env: &'static str,
}

impl Connection {
    /// Builds the SDK client; `timeout` bounds one session's call, retries included
    /// (and each request within it). On failure prints the one-line error with its
    /// hint and returns the exit code.
    pub fn client(self, timeout: Option<Duration>, retries: Option<u32>) -> Result<Client, u8> {
        let present = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty());
        let mut missing = Vec::new();
        if !present(&self.base_url) {
            missing.push(Missing {
                name: "base URL",
                flag: "--base-url",
                env: "VERIFF_BASE_URL",
            });
        }
        if !present(&self.api_key) {
            missing.push(Missing {
                name: "API key",
                flag: "--api-key",
                env: "VERIFF_API_KEY",
            });
        }
        if !present(&self.shared_secret) {
            missing.push(Missing {
                name: "shared secret",
                flag: "--shared-secret",
                env: "VERIFF_SHARED_SECRET",
            });
        }
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|m| m.name).collect();
            let envs: Vec<&str> = missing.iter().map(|m| m.env).collect();
            let flags: Vec<&str> = missing.iter().map(|m| m.flag).collect();
            error_with_hint(
                &format!("no {} given", names.join(", no ")),
                Some(&format!(
                    "set {} (or pass {})",
                    and_list(&envs),
                    flags.join(", ")
                )),
            );
            return Err(EXIT_USAGE);
        }
        let mut builder = Client::builder()
            .base_url(self.base_url.unwrap_or_default())
            .api_key(self.api_key.unwrap_or_default())
            .shared_secret(self.shared_secret.unwrap_or_default());
        if let Some(timeout) = timeout {
            builder = builder.request_timeout(timeout).deadline(timeout);
        }
        if let Some(retries) = retries {
            builder = builder.max_retries(retries);
        }
        builder.build().map_err(|err| {
            error_with_hint(&crate::output::error_text(&err), hint::for_error(&err));
            hint::exit_code(&err)
        })
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `--timeout SECS`: more than 0, at most a day; fractions allowed.
pub fn parse_timeout(value: &str) -> Result<Duration, String> {
    let seconds: f64 = value
        .parse()
        .map_err(|_| format!("{value:?} is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err(format!(
            "{value:?} must be more than 0 and at most 86400 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}
