//! `cargo xtask <command>`: the project's automation, one entry point.
//!
//! This binary links the code generator (`xtask/codegen`) and nothing compiled from
//! its output, so `cargo xtask generate` builds and runs whatever state the
//! generated files are in: fresh, stale, deleted or full of conflict markers
//! (rust-analyzer's rule for code generators). The commands that run the SDK
//! (`conformance`, `bench`) live in `xtask/jobs`, a separate binary that this one
//! builds and starts with `cargo run` after checking that the generated files are
//! fresh, so a stale file is reported with its diff and the fix, not as a compile
//! error.

mod page_check;
mod semver;
mod spec_diff;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project automation for the Veriff attempts SDK",
    after_help = "The maintainer's path when Veriff changes its page: README.md, \"When Veriff changes its docs\"."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate sdk/src/generated.rs and conformance/src/generated.rs from
    /// openapi/veriff-attempts.yaml.
    Generate {
        /// Write nothing; fail with a diff if a checked-in file is stale.
        #[arg(long)]
        check: bool,
    },
    /// What a change of the spec means: every change since a revision, classed
    /// breaking or compatible by Veriff's policy and by what the SDK tolerates,
    /// its effect on the Rust API, and the version bump it calls for.
    SpecDiff(spec_diff::Args),
    /// Check the veriff-attempts API against its last release with
    /// cargo-semver-checks: a breaking change needs a new version.
    Semver(semver::Args),
    /// The main job: spec, generated code, conformance suite, and the SDK against
    /// the reference server (or, with --base-url, read-only live checks).
    /// `cargo xtask conformance --help` lists its options.
    #[command(disable_help_flag = true)]
    Conformance {
        /// Passed to the job unchanged.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
    /// Compare the saved text of Veriff's page with the spec: one line per
    /// difference; exit 0 when they agree, 1 when they differ, 2 when the text is
    /// not the page.
    PageCheck(page_check::Args),
    /// Every performance figure beside its target: the SDK, the reference server
    /// under load, the scan, the build and the main job (built optimised).
    /// `cargo xtask bench --help` lists its options.
    #[command(disable_help_flag = true)]
    Bench {
        /// Passed to the benchmark unchanged.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = codegen::workspace_root();
    match cli.command {
        Command::Generate { check: false } => generate(&root),
        Command::Generate { check: true } => match codegen::check(&root) {
            Ok(()) => {
                println!(
                    "{} and {} are fresh",
                    codegen::SDK_OUTPUT,
                    codegen::CONFORMANCE_OUTPUT
                );
                ExitCode::SUCCESS
            }
            Err(err) => fail(&err),
        },
        Command::SpecDiff(args) => spec_diff::run(&root, &args),
        Command::Semver(args) => semver::run(&root, &args),
        Command::Conformance { args } => jobs(&root, "conformance", args),
        Command::PageCheck(args) => ExitCode::from(page_check::run(
            &args,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )),
        Command::Bench { args } => jobs(&root, "bench", args),
    }
}

fn generate(root: &std::path::Path) -> ExitCode {
    match codegen::write(root) {
        Ok(written) => {
            for file in &written {
                if file.changed {
                    println!(
                        "wrote {}; review it with `git diff {}`",
                        file.path, file.path
                    );
                } else {
                    println!("{} is up to date", file.path);
                }
            }
            if written.iter().any(|f| f.changed) {
                println!("what the spec change means for the SDK: `cargo xtask spec-diff`");
            }
            ExitCode::SUCCESS
        }
        Err(err) => fail(&err),
    }
}

fn fail(err: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {err}");
    ExitCode::FAILURE
}

/// Runs a command of `xtask/jobs` (which links the SDK) once the generated files
/// are known to be fresh; its exit code is this command's.
fn jobs(root: &std::path::Path, command: &str, args: Vec<OsString>) -> ExitCode {
    let asks_for_help = args.iter().any(|a| a == "--help" || a == "-h");
    if !asks_for_help && let Err(err) = codegen::check(root) {
        eprintln!("error: {err}");
        eprintln!("(`cargo xtask {command}` runs the SDK, which is compiled from these files)");
        return ExitCode::FAILURE;
    }
    let status = std::process::Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["run", "--quiet", "--package", "xtask-jobs", "--", command])
        .args(args)
        .status();
    match status {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            // Killed by a signal (Ctrl-C): not a success.
            None => ExitCode::FAILURE,
        },
        Err(err) => {
            eprintln!("error: cannot start `cargo run -p xtask-jobs`: {err}");
            ExitCode::FAILURE
        }
    }
}
