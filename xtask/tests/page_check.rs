//! `cargo xtask page-check` as a user runs it: the built binary, its exit codes
//! (0 agree, 1 differ, 2 not the page) and its two output formats.

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("page-check")
        .args(args)
        .output()
    {
        Ok(output) => output,
        Err(err) => panic!("cannot start xtask: {err}"),
    }
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn saved_page() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/vendor-page.txt");
    match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => panic!("{}: {err}", path.display()),
    }
}

/// A page file in the temporary directory, removed when dropped.
struct TempPage(PathBuf);

impl TempPage {
    fn new(name: &str, contents: &[u8]) -> Self {
        let path =
            std::env::temp_dir().join(format!("page-check-{}-{name}.txt", std::process::id()));
        if let Err(err) = std::fs::write(&path, contents) {
            panic!("{}: {err}", path.display());
        }
        Self(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

impl Drop for TempPage {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn the_saved_page_exits_0_and_says_so() {
    let output = run(&[]);
    assert_eq!(
        code(&output),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let text = stdout(&output);
    println!("{text}");
    assert!(text.contains("the page and the spec agree"), "{text}");
    // As many recorded differences as the library finds on the saved page.
    let recorded = pagecheck::check_file(&codegen::workspace_root().join(pagecheck::PAGE_FILE))
        .map(|report| report.recorded.len())
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(
        text.contains(&format!("{recorded} recorded differences")),
        "{text}"
    );
    assert!(text.contains("checked in"), "{text}");
}

#[test]
fn a_changed_page_exits_1_with_one_line_per_difference() {
    let page = saved_page()
        .replacen("reason\nstring | null\n", "reason\nstring\n", 1)
        .replacen(
            "Description\n\nApr 24, 2026",
            "Description\n\nMay 12, 2026\n\nNew statuses\n\nApr 24, 2026",
            1,
        );
    let file = TempPage::new("changed", page.as_bytes());
    let output = run(&[file.arg()]);
    let text = stdout(&output);
    println!("{text}");
    assert_eq!(code(&output), Some(1), "{text}");
    assert!(text.contains("2 differences"), "{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].contains("verifications[].userDefinedData[].reason"),
        "{text}"
    );
    assert!(lines[1].contains("2026-05-12"), "{text}");
}

#[test]
fn json_lists_the_same_differences() {
    let page = saved_page().replacen("reason\nstring | null\n", "reason\nstring\n", 1);
    let file = TempPage::new("json", page.as_bytes());
    let output = run(&[file.arg(), "--format", "json"]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = match serde_json::from_slice(&output.stdout) {
        Ok(json) => json,
        Err(err) => panic!("not JSON ({err}): {}", stdout(&output)),
    };
    assert_eq!(json["agree"], false);
    assert_eq!(json["differences"][0]["kind"], "type");
    let line = page
        .find("reason\nstring\n")
        .map(|at| page[..at].matches('\n').count() + 2)
        .unwrap_or_default();
    assert_eq!(json["differences"][0]["page_line"], line);
    assert_eq!(
        json["differences"][0]["spec_pointer"],
        "/components/schemas/UserStatus/properties/reason"
    );
}

#[test]
fn text_that_is_not_the_page_exits_2_with_what_is_missing() {
    let empty = TempPage::new("empty", b"");
    let output = run(&[empty.arg()]);
    assert_eq!(code(&output), Some(2));
    assert!(
        stderr(&output).contains("the file is empty"),
        "{}",
        stderr(&output)
    );

    // Cut inside the schema tree, well before the changelog.
    let page = saved_page();
    let cut = page.lines().position(|l| l == "Expand All").unwrap_or(0) + 20;
    let truncated: String = page.lines().take(cut).collect::<Vec<_>>().join("\n");
    let truncated = TempPage::new("truncated", truncated.as_bytes());
    let output = run(&[truncated.arg(), "--format", "json"]);
    assert_eq!(code(&output), Some(2));
    assert!(stderr(&output).contains("truncated"), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    assert!(
        json["error"]
            .as_str()
            .unwrap_or_default()
            .contains("before the page's changelog"),
        "{json}"
    );
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    let output = run(&["/nonexistent/vendor-page.txt"]);
    assert_eq!(code(&output), Some(2));
    assert!(
        stderr(&output).contains("/nonexistent/vendor-page.txt: cannot read the page"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_bad_format_is_a_usage_error() {
    let output = run(&["--format", "yaml"]);
    assert_eq!(code(&output), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("text"), "{}", stderr(&output));
}
