//! `veriff`: list a session's attempts from the command line, or run the reference
//! server.

mod attempts;
mod output;
mod serve;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::filter::LevelFilter;

#[derive(Parser)]
#[command(
    name = "veriff",
    version,
    about = "Veriff session attempts: query the API, run a reference server"
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
    Attempts(attempts::Args),
    /// Run the reference server of the endpoint (built-in examples, fixtures, faults).
    Serve(serve::Args),
}

impl Command {
    /// What is logged without `-v`: a server logs each request; a client only warnings.
    fn quiet_level(&self) -> LevelFilter {
        match self {
            Command::Attempts(_) => LevelFilter::WARN,
            Command::Serve(_) => LevelFilter::INFO,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            output::error_line(&err);
            return ExitCode::from(output::EXIT_INTERNAL);
        }
    };
    match cli.command {
        Command::Attempts(args) => runtime.block_on(attempts::run(args)),
        Command::Serve(args) => runtime.block_on(serve::run(args)),
    }
}
