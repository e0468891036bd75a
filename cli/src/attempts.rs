//! `veriff attempts <SESSION_ID>`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use veriff_attempts::{Attempt, Error, SessionAttemptsResponse, SessionId};

use crate::connection::{Connection, parse_timeout};
use crate::hint;
use crate::output::{self, EXIT_INTERNAL};

pub const EXAMPLES: &str = "\
Examples:
  export VERIFF_BASE_URL=https://stationapi.veriff.com VERIFF_API_KEY=... VERIFF_SHARED_SECRET=...
  veriff attempts f04bdb47-d3be-4b28-b028-a652feb060b5
  veriff attempts f04bdb47-d3be-4b28-b028-a652feb060b5 --output json | jq '.verifications[].status'
  veriff -v attempts f04bdb47-d3be-4b28-b028-a652feb060b5 --timeout 5

Exit status: 0 listed, 2 bad arguments or settings (nothing sent), 3 API error,
4 missing or bad response signature, 5 unusable response, 6 no response.";

#[derive(clap::Args)]
pub struct Args {
    /// The verification session id (a UUID).
    session_id: String,

    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    output: Option<Format>,

    /// Seconds allowed for the whole call, retries included (e.g. 2.5); each request
    /// gets the same bound [default: 30 per request, 60 in all].
    #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
    timeout: Option<Duration>,

    #[command(flatten)]
    connection: Connection,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// One row per attempt: id, status, created time (UTC), custom statuses.
    Table,
    /// The response object as the SDK parsed it.
    Json,
}

pub async fn run(args: Args) -> ExitCode {
    // Refuse a bad id before building a client or sending anything.
    let session_id: SessionId = match args.session_id.parse() {
        Ok(id) => id,
        Err(err) => return fail(&Error::InvalidInput(err)),
    };
    let client = match args.connection.client(args.timeout, None) {
        Ok(client) => client,
        Err(code) => return ExitCode::from(code),
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
            ExitCode::from(output::EXIT_IO)
        }
    }
}

fn fail(error: &Error) -> ExitCode {
    output::error_with_hint(&output::error_text(error), hint::for_error(error));
    ExitCode::from(hint::exit_code(error))
}

/// An attempt's custom statuses as one cell: `statusCode (reasonCode); ...`
/// (`statusCode` alone when there is no reason code); empty when there are none.
pub fn custom_statuses(attempt: &Attempt) -> String {
    let custom: Vec<String> = attempt
        .user_defined_data
        .iter()
        .map(|s| match &s.reason_code {
            Some(reason) => format!("{} ({reason})", s.status_code),
            None => s.status_code.clone(),
        })
        .collect();
    custom.join("; ")
}

/// One row per attempt: id, status, creation time, custom statuses.
fn table(response: &SessionAttemptsResponse) -> String {
    let rows: Vec<[String; 4]> = response
        .verifications
        .iter()
        .map(|attempt| {
            let custom = custom_statuses(attempt);
            [
                attempt.id.to_string(),
                attempt.status.as_str().to_owned(),
                // Veriff's timestamps are UTC; written back with the digits received.
                attempt.created_time.to_string(),
                if custom.is_empty() {
                    "-".to_owned()
                } else {
                    custom
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
        text.push_str(output::one_line(cells.join("  ").trim_end()).as_str());
        text.push('\n');
    }
    if rows.is_empty() {
        text.push_str("(no attempts)\n");
    }
    text
}
