//! The xtask commands that drive the SDK, the reference server and the conformance
//! suite: `conformance` and `bench`. They link the generated code, so `cargo xtask`
//! starts this binary as a separate build (`cargo run -p xtask-jobs`) only after it
//! has checked that the generated files are fresh; the generator itself never links
//! anything generated (see `xtask/src/main.rs`).

mod bench;
mod conformance;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project automation for the Veriff attempts SDK (the commands that run the SDK)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The main job: spec, generated code, conformance suite, and the SDK against
    /// the reference server (or, with --base-url, read-only live checks).
    Conformance(conformance::Args),
    /// Every performance figure with its target: the SDK, the reference server
    /// under load, the scan, the build and the main job (built optimised).
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = codegen::workspace_root();
    match cli.command {
        Command::Conformance(args) => conformance::run(&root, args),
        Command::Bench(args) => bench::run(args),
    }
}
