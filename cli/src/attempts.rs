//! `veriff attempts <SESSION_ID>`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use veriff_attempts::{Client, Error, SessionAttemptsResponse, SessionId};

use crate::output::{
    self, EXIT_API, EXIT_INTERNAL, EXIT_RESPONSE, EXIT_SIGNATURE, EXIT_TRANSPORT, EXIT_USAGE,
};

#[derive(clap::Args)]
pub struct Args {
    /// The verification session id (a UUID).
    session_id: String,

    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    output: Option<Format>,

    /// Seconds allowed for the whole command's call, retries included (e.g. 2.5);
    /// each request gets the same bound [default: 30 per request, 60 in all].
    #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
    timeout: Option<Duration>,

    /// API URL, e.g. https://stationapi.veriff.com (see your integration's page).
    #[arg(long, env = "VERIFF_BASE_URL")]
    base_url: String,

    /// The integration's API key.
    #[arg(long, env = "VERIFF_API_KEY", hide_env_values = true)]
    api_key: String,

    /// The integration's shared secret (prefer the environment variable: arguments
    /// are visible to other users of the machine).
    #[arg(long, env = "VERIFF_SHARED_SECRET", hide_env_values = true)]
    shared_secret: String,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// One row per attempt.
    Table,
    /// The response object as the SDK parsed it.
    Json,
}

fn parse_timeout(value: &str) -> Result<Duration, String> {
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

pub async fn run(args: Args) -> ExitCode {
    // Refuse a bad id before building a client or sending anything.
    let session_id: SessionId = match args.session_id.parse() {
        Ok(id) => id,
        Err(err) => return fail(&Error::InvalidInput(err)),
    };
    let mut builder = Client::builder()
        .base_url(args.base_url)
        .api_key(args.api_key)
        .shared_secret(args.shared_secret);
    if let Some(timeout) = args.timeout {
        builder = builder.request_timeout(timeout).deadline(timeout);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(err) => return fail(&err),
    };
    let response = match client.list_attempts(session_id).await {
        Ok(response) => response,
        Err(err) => return fail(&err),
    };
    let format = args.output.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let text = match format {
        Format::Json => match serde_json::to_string_pretty(&response) {
            Ok(json) => json + "\n",
            Err(err) => {
                output::error_line(&err);
                return ExitCode::from(EXIT_INTERNAL);
            }
        },
        Format::Table => table(&response),
    };
    match output::print(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::error_line(&err);
            ExitCode::from(EXIT_INTERNAL)
        }
    }
}

fn fail(error: &Error) -> ExitCode {
    output::error_line(error);
    ExitCode::from(match error.last_attempt() {
        Error::Api { .. } => EXIT_API,
        Error::SignatureMissing { .. } | Error::SignatureInvalid { .. } => EXIT_SIGNATURE,
        Error::Decode { .. } | Error::UnexpectedStatus { .. } | Error::BodyTooLarge { .. } => {
            EXIT_RESPONSE
        }
        Error::Timeout(_) | Error::Transport(_) => EXIT_TRANSPORT,
        Error::InvalidInput(_) => EXIT_USAGE,
        _ => EXIT_INTERNAL,
    })
}

/// One row per attempt: id, status, creation time, custom statuses.
fn table(response: &SessionAttemptsResponse) -> String {
    let rows: Vec<[String; 4]> = response
        .verifications
        .iter()
        .map(|attempt| {
            let custom: Vec<String> = attempt
                .user_defined_data
                .iter()
                .map(|s| match &s.reason_code {
                    Some(reason) => format!("{} ({reason})", s.status_code),
                    None => s.status_code.clone(),
                })
                .collect();
            [
                attempt.id.to_string(),
                attempt.status.to_string(),
                attempt
                    .created_time
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                if custom.is_empty() {
                    "-".to_owned()
                } else {
                    custom.join(", ")
                },
            ]
        })
        .collect();
    let header = ["ATTEMPT ID", "STATUS", "CREATED (UTC)", "CUSTOM STATUSES"].map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    if rows.is_empty() {
        text.push_str("(no attempts)\n");
    }
    text
}
