//! `--help` texts, shell completions and usage errors, as a user sees them.

use std::process::{Command, Output};

const VERIFF: &str = env!("CARGO_BIN_EXE_veriff");

fn veriff(args: &[&str]) -> Output {
    Command::new(VERIFF)
        .args(args)
        .env_remove("VERIFF_BASE_URL")
        .env_remove("VERIFF_API_KEY")
        .env_remove("VERIFF_SHARED_SECRET")
        .output()
        .unwrap_or_else(|err| panic!("{VERIFF}: {err}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_command_explains_itself_with_examples() {
    let top = veriff(&["--help"]);
    assert!(top.status.success());
    let top = text(&top.stdout);
    for command in ["attempts", "scan", "summary", "serve", "completions"] {
        assert!(top.contains(command), "{command} missing from:\n{top}");
        let help = veriff(&[command, "--help"]);
        assert!(help.status.success(), "{command}");
        let help = text(&help.stdout);
        let examples = help.split_once("Examples:\n").map_or("", |(_, rest)| rest);
        assert!(
            examples.contains(&format!("  veriff {command} ")),
            "{command}:\n{help}"
        );
    }
    let scan = text(&veriff(&["scan", "--help"]).stdout);
    for flag in [
        "--input",
        "--concurrency",
        "--rate",
        "--output",
        "--out",
        "--resume",
        "--summary",
        "--timeout",
        "--retries",
        "Exit status:",
    ] {
        assert!(scan.contains(flag), "{flag} missing from:\n{scan}");
    }
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = veriff(&["completions", shell]);
        assert!(output.status.success(), "{shell}: {}", text(&output.stderr));
        let script = text(&output.stdout);
        assert!(
            script.contains("scan") && script.contains("--resume"),
            "{shell}:\n{script}"
        );
    }
    let unknown = veriff(&["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn usage_errors_are_one_line_with_a_hint() {
    for args in [
        &["scan", "--concurrency", "0"][..],
        &["scan", "--resume"],
        &["scan", "--rate", "fast"],
        &["scan", "--output", "xml"],
        &["attempts"],
        &["summary"],
        &["frobnicate"],
    ] {
        let output = veriff(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = text(&output.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains("hint: "),
            "{args:?}: {err}"
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    let resume = text(&veriff(&["scan", "--resume"]).stderr);
    assert!(resume.contains("--out"), "{resume}");
}
