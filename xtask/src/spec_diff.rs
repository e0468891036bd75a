//! `cargo xtask spec-diff`: what a change of `openapi/veriff-attempts.yaml` means,
//! comparing the spec at a git revision (default `HEAD`) with the working tree's.
//! The comparison itself is `codegen::diff`; this is the command around it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use codegen::diff::{self, Report};

/// Output formats.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// One line per change, then the totals and the bump.
    Text,
    /// Keep-a-changelog sections for sdk/CHANGELOG.md and a review.
    Markdown,
    /// For machines.
    Json,
}

/// When to exit 1.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum FailOn {
    /// When a change is breaking (by Veriff's policy, the SDK's tolerance or the
    /// Rust API).
    Breaking,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The git revision whose spec is the old one.
    #[arg(
        long,
        value_name = "REV",
        default_value = "HEAD",
        conflicts_with = "base_file"
    )]
    base: String,
    /// Compare with this spec file instead of a git revision.
    #[arg(long, value_name = "FILE")]
    base_file: Option<PathBuf>,
    /// The new spec (default: the working tree's openapi/veriff-attempts.yaml).
    #[arg(long, value_name = "FILE")]
    head_file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Exit 1 when a change is breaking.
    #[arg(long, value_enum, value_name = "WHAT")]
    fail_on: Option<FailOn>,
}

/// Runs the command: 0 (no failing change), 1 (`--fail-on breaking` and a breaking
/// change), 2 (an unusable revision or spec).
pub fn run(root: &Path, args: &Args) -> ExitCode {
    match report(root, args) {
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::from(2)
        }
        Ok(report) => {
            print!(
                "{}",
                match args.format {
                    Format::Text => report.text(),
                    Format::Markdown => report.markdown(),
                    Format::Json => report.json(),
                }
            );
            match args.fail_on {
                Some(FailOn::Breaking) if report.breaking() > 0 => ExitCode::FAILURE,
                _ => ExitCode::SUCCESS,
            }
        }
    }
}

fn report(root: &Path, args: &Args) -> Result<Report, String> {
    let (base_text, base_name) = match &args.base_file {
        Some(path) => (read(path)?, path.display().to_string()),
        None => spec_at(root, &args.base)?,
    };
    let (head_text, head_name) = match &args.head_file {
        Some(path) => (read(path)?, path.display().to_string()),
        None => (read(&root.join(codegen::SPEC))?, "working tree".to_owned()),
    };
    let version = sdk_version(root);
    diff::compare(
        &base_text,
        &head_text,
        &base_name,
        &head_name,
        version.as_deref(),
    )
    .map_err(|err| err.to_string())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
}

/// The spec's text at a git revision, and a name for it (`HEAD (7447a86)`).
fn spec_at(root: &Path, rev: &str) -> Result<(String, String), String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map_err(|err| format!("cannot run git: {err}"))
    };
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        "--short",
        &format!("{rev}^{{commit}}"),
    ])?;
    if !commit.status.success() {
        return Err(format!(
            "`{rev}` is not a revision of this repository (try HEAD, a branch, a tag or a commit)"
        ));
    }
    let short = String::from_utf8_lossy(&commit.stdout).trim().to_owned();
    let shown = git(&["show", &format!("{rev}:{}", codegen::SPEC)])?;
    if !shown.status.success() {
        return Err(format!(
            "revision {rev} ({short}) has no {}: {}",
            codegen::SPEC,
            String::from_utf8_lossy(&shown.stderr).trim()
        ));
    }
    let text = String::from_utf8(shown.stdout)
        .map_err(|_| format!("{} at {rev} is not UTF-8", codegen::SPEC))?;
    Ok((text, format!("{rev} ({short})")))
}

/// The `veriff-attempts` version in sdk/Cargo.toml, if it can be read.
fn sdk_version(root: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(root.join("sdk/Cargo.toml")).ok()?;
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[package]")
        .find_map(|line| {
            let value = line
                .trim()
                .strip_prefix("version")?
                .trim_start()
                .strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_version_is_read_from_its_manifest() {
        let version = sdk_version(&codegen::workspace_root());
        assert!(
            version
                .as_deref()
                .is_some_and(|v| v.split('.').count() == 3),
            "{version:?}"
        );
    }

    #[test]
    fn an_unknown_revision_is_named() {
        let err = spec_at(&codegen::workspace_root(), "no-such-revision-anywhere")
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("`no-such-revision-anywhere` is not a revision"),
            "{err}"
        );
    }
}
