//! `veriff`: list a session's attempts from the command line, scan many sessions and
//! summarise the scan, or run the reference server.

mod attempts;
mod completions;
mod connection;
mod hint;
mod output;
mod scan;
mod serve;
mod summary;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use tracing_subscriber::filter::LevelFilter;

#[derive(Parser)]
#[command(
    name = "veriff",
    version,
    about = "Veriff session attempts: query the API, scan many sessions, summarise, run a reference server",
    after_help = "\
Settings come from the environment (or the matching flags):
  VERIFF_BASE_URL       the API URL of your integration, e.g. https://stationapi.veriff.com
  VERIFF_API_KEY        the integration's API key
  VERIFF_SHARED_SECRET  the integration's shared secret (prefer the environment to --shared-secret)

Examples:
  veriff attempts f04bdb47-d3be-4b28-b028-a652feb060b5
  veriff scan --input ids.txt --out scan.ndjson --summary
  veriff summary scan.ndjson --format json
  veriff serve --api-key my-key --shared-secret my-secret
  veriff completions bash > ~/.local/share/bash-completion/completions/veriff"
)]
struct Cli {
    /// Show more on stderr: -v for each call's details, -vv for debugging.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the verification attempts of a session, newest first.
    #[command(after_help = attempts::EXAMPLES)]
    Attempts(attempts::Args),
    /// List the attempts of many sessions (ids one per line), concurrently, as
    /// NDJSON or CSV records in input order.
    #[command(after_help = scan::EXAMPLES)]
    Scan(scan::Args),
    /// Summarise a scan's NDJSON: counts, attempts per session, statuses,
    /// resubmission rate, custom statuses, reason codes, times between attempts.
    #[command(after_help = summary::EXAMPLES)]
    Summary(summary::Args),
    /// Run the reference server of the endpoint (built-in examples, fixtures, faults).
    #[command(after_help = serve::EXAMPLES)]
    Serve(serve::Args),
    /// Print a shell completion script.
    #[command(after_help = completions::EXAMPLES)]
    Completions(completions::Args),
}

impl Command {
    /// What is logged without `-v`: a server logs each request; `attempts` shows
    /// warnings (retries); a scan only errors, as its records say what failed.
    fn quiet_level(&self) -> LevelFilter {
        match self {
            Command::Attempts(_) => LevelFilter::WARN,
            Command::Serve(_) => LevelFilter::INFO,
            Command::Scan(_) | Command::Summary(_) | Command::Completions(_) => LevelFilter::ERROR,
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let level = match cli.verbose {
        0 => cli.command.quiet_level(),
        1 => LevelFilter::INFO.max(cli.command.quiet_level()),
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    if let Command::Completions(args) = &cli.command {
        return completions::run(args, Cli::command());
    }
    // A scan is one loop over many small requests: on one thread it never pays for
    // waking another (measured: faster than the multi-threaded runtime, see the
    // README's figures). Everything else keeps the multi-threaded default.
    let mut builder = match cli.command {
        Command::Scan(_) => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            output::error_line(&err);
            return ExitCode::from(output::EXIT_INTERNAL);
        }
    };
    match cli.command {
        Command::Attempts(args) => runtime.block_on(attempts::run(args)),
        Command::Scan(args) => runtime.block_on(scan::run(args)),
        Command::Summary(args) => runtime.block_on(summary::run(args)),
        Command::Serve(args) => runtime.block_on(serve::run(args)),
        Command::Completions(_) => ExitCode::SUCCESS,
    }
}

/// Help and version go to stdout as clap formats them; a usage error becomes one
/// line on stderr, with clap's explanation and where to read more.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(output::EXIT_USAGE));
    }
    let rendered = err.render().to_string();
    let parts: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("Usage:")
                && !line.starts_with("For more information")
        })
        .collect();
    let message = parts.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    output::error_with_hint(message, Some("add --help for usage and examples"));
    ExitCode::from(output::EXIT_USAGE)
}
