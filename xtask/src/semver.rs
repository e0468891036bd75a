//! `cargo xtask semver`: does the `veriff-attempts` API change since its last
//! release match the version in `sdk/Cargo.toml`? It runs cargo-semver-checks
//! against a baseline chosen like this (and printed):
//!
//! - the baseline is the **release commit** of the current version: the last commit
//!   that changed the `version` line of `sdk/Cargo.toml`. Every change since then
//!   must be allowed by that version (a breaking change needs a new version);
//! - when HEAD *is* that release commit, the baseline is its parent, so the
//!   release itself is checked: the new version must be bumped enough for what
//!   changed since the previous one.
//!
//! `--baseline REV` overrides the choice.

use std::path::Path;
use std::process::{Command, ExitCode};

/// The crate whose public API is checked.
const PACKAGE: &str = "veriff-attempts";
const MANIFEST: &str = "sdk/Cargo.toml";
const INSTALL: &str = "cargo install --locked cargo-semver-checks";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Compare with this git revision instead of the release commit.
    #[arg(long, value_name = "REV")]
    baseline: Option<String>,
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The baseline revision and why it was chosen.
pub fn baseline(root: &Path) -> Result<(String, String), String> {
    let release = git(
        root,
        &[
            "log",
            "-n",
            "1",
            "--format=%H",
            "-G",
            "^version = ",
            "--",
            MANIFEST,
        ],
    )?;
    if release.is_empty() {
        return Err(format!(
            "no commit changed the version in {MANIFEST} (a shallow clone?): pass --baseline REV"
        ));
    }
    let head = git(root, &["rev-parse", "HEAD"])?;
    let short = |rev: &str| rev.get(..7).unwrap_or(rev).to_owned();
    if release == head {
        let parent = git(root, &["rev-parse", &format!("{release}^")]).map_err(|_| {
            format!(
                "the release commit {} has no parent to compare with",
                short(&release)
            )
        })?;
        Ok((
            parent.clone(),
            format!(
                "HEAD {} changes the version: compared with its parent {}",
                short(&release),
                short(&parent)
            ),
        ))
    } else {
        Ok((
            release.clone(),
            format!(
                "the release commit of the current version, {} (the last change of the version in {MANIFEST})",
                short(&release)
            ),
        ))
    }
}

/// Runs cargo-semver-checks; its exit code is this command's (2 if it cannot run).
pub fn run(root: &Path, args: &Args) -> ExitCode {
    let (rev, why) = match &args.baseline {
        Some(rev) => (rev.clone(), "given with --baseline".to_owned()),
        None => match baseline(root) {
            Ok(found) => found,
            Err(why) => {
                eprintln!("error: {why}");
                return ExitCode::from(2);
            }
        },
    };
    println!("semver: {PACKAGE} against {rev} ({why})");
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "semver-checks",
            "--package",
            PACKAGE,
            "--baseline-rev",
            &rev,
        ])
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => match status.code() {
            // cargo's own "no such command": the tool is not installed.
            Some(101) if !installed() => {
                eprintln!("error: cargo-semver-checks is not installed: run `{INSTALL}`");
                ExitCode::from(2)
            }
            _ => ExitCode::FAILURE,
        },
        Err(err) => {
            eprintln!("error: cannot run cargo: {err}");
            ExitCode::from(2)
        }
    }
}

fn installed() -> bool {
    Command::new(env!("CARGO"))
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|output| output.status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `version` of sdk/Cargo.toml at a revision.
    fn version_at(root: &Path, rev: &str) -> Option<String> {
        let manifest = git(root, &["show", &format!("{rev}:{MANIFEST}")]).ok()?;
        manifest
            .lines()
            .find_map(|line| line.strip_prefix("version = "))
            .map(|v| v.trim_matches('"').to_owned())
    }

    #[test]
    fn the_baseline_is_where_the_current_version_was_set() -> Result<(), String> {
        let root = codegen::workspace_root();
        let (rev, why) = baseline(&root)?;
        assert_eq!(rev.len(), 40, "{rev}");
        // The release commit is the baseline, or HEAD when HEAD is the release.
        let release = if why.contains("its parent") {
            "HEAD".to_owned()
        } else {
            rev
        };
        let current = version_at(&root, "HEAD");
        assert!(current.is_some(), "no version at HEAD");
        assert_eq!(version_at(&root, &release), current, "{why}");
        assert_ne!(version_at(&root, &format!("{release}^")), current, "{why}");
        Ok(())
    }
}
