//! `cargo xtask <command>`: the project's automation, one module per command.

mod bench;
mod conformance;
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project automation for the Veriff attempts SDK"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate sdk/src/generated.rs from openapi/veriff-attempts.yaml.
    Generate {
        /// Write nothing; fail with a diff if the checked-in file is stale.
        #[arg(long)]
        check: bool,
    },
    /// The main job: spec, generated code, conformance suite, and the SDK against
    /// the reference server (or, with --base-url, read-only live checks).
    Conformance(conformance::Args),
    /// Benchmark the SDK against a minimal hand-written client (built optimised).
    Bench(bench::Args),
}

/// The workspace root, found from this crate's manifest so the command works from
/// any directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let result = match cli.command {
        Command::Generate { check: false } => generate::write(&root),
        Command::Generate { check: true } => generate::check(&root),
        Command::Conformance(args) => return conformance::run(&root, args),
        Command::Bench(args) => return bench::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
