//! Sections `build` and `conformance`: the clean debug build of the `sdk` crate in
//! an empty target directory and its dependency count; the main job's wall time,
//! its build done beforehand.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::table::{Table, Target};

const SDK: &str = "veriff-attempts";

/// `cargo build -p veriff-attempts` with `CARGO_TARGET_DIR` in `temp`, timed.
pub fn clean_build(root: &Path, temp: &Path, table: &mut Table) {
    let target = temp.join("clean-build-target");
    let _ = std::fs::remove_dir_all(&target);
    eprintln!(
        "bench: build: clean debug build of {SDK} in {}",
        target.display()
    );
    let started = Instant::now();
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["build", "--quiet", "--package", SDK])
        .env("CARGO_TARGET_DIR", &target)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status();
    let elapsed = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&target);
    let name = format!("clean debug build of {SDK} (sdk)");
    match status {
        Ok(status) if status.success() => table.judged(
            "build",
            name,
            format!("{elapsed:.1} s"),
            elapsed,
            "s",
            Target::AtMost(30.0),
            "< 30 s",
        ),
        Ok(status) => table.missing(
            "build",
            name,
            format!("cargo build failed ({status})"),
            "< 30 s",
        ),
        Err(err) => table.missing("build", name, format!("cannot run cargo: {err}"), "< 30 s"),
    }
    match dependency_count(root) {
        Ok(count) => table.value(
            "build",
            format!("dependencies of {SDK} (normal, unique crates)"),
            count.to_string(),
            count as f64,
            "crates",
        ),
        Err(why) => table.missing("build", format!("dependencies of {SDK}"), why, ""),
    }
}

/// The unique crates `cargo tree -e normal` lists under the SDK, itself excluded.
fn dependency_count(root: &Path) -> Result<usize, String> {
    let output = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "tree",
            "--quiet",
            "--package",
            SDK,
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .output()
        .map_err(|err| format!("cannot run cargo tree: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(unique_crates(&String::from_utf8_lossy(&output.stdout), SDK))
}

/// Unique `name version` pairs of `cargo tree --prefix none`, `root` excluded.
pub fn unique_crates(tree: &str, root: &str) -> usize {
    tree.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?, words.next()?))
        })
        .filter(|(name, _)| *name != root)
        .collect::<BTreeSet<_>>()
        .len()
}

/// `cargo xtask conformance`, timed after one untimed run of the same command.
///
/// The warm-up is the command itself, not a `cargo build` of both packages: cargo
/// builds `xtask` and `xtask-jobs` one at a time there, and a build of anything
/// else in between (other features, or a nested cargo's environment) can make the
/// first run rebuild ring and rustls (measured: 13.9 s, then 3.9 s).
pub fn conformance(root: &Path, table: &mut Table) {
    let name = "cargo xtask conformance (build excluded)";
    let run = || {
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .current_dir(root)
            .args(["run", "--quiet", "--package", "xtask", "--", "conformance"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        (status, started.elapsed().as_secs_f64())
    };
    eprintln!("bench: conformance: warm-up run (builds what it needs)");
    let (warm_up, _) = run();
    if !warm_up.is_ok_and(|status| status.success()) {
        table.missing("conformance", name, "the warm-up run failed", "< 10 s");
        return;
    }
    eprintln!("bench: conformance: cargo xtask conformance");
    let (status, elapsed) = run();
    match status {
        Ok(status) if status.success() => table.judged(
            "conformance",
            name,
            format!("{elapsed:.1} s"),
            elapsed,
            "s",
            Target::AtMost(10.0),
            "< 10 s",
        ),
        Ok(status) => table.missing(
            "conformance",
            name,
            format!("failed after {elapsed:.1} s ({status})"),
            "< 10 s",
        ),
        Err(err) => table.missing(
            "conformance",
            name,
            format!("cannot run cargo: {err}"),
            "< 10 s",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_counted_once_each() {
        let tree = "veriff-attempts v0.3.0 (/w/sdk)\nbytes v1.10.1\nhmac v0.12.1\n\
                    digest v0.10.7\nbytes v1.10.1 (*)\nsyn v1.0.109\nsyn v2.0.100\n\n";
        assert_eq!(unique_crates(tree, "veriff-attempts"), 5);
    }
}
