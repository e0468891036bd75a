//! `cargo xtask spec-diff` as a maintainer and CI run it: formats and exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};

const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

fn real_spec() -> Value {
    let root = codegen::workspace_root();
    match veriff_spec::Spec::from_file(&root.join(codegen::SPEC)) {
        Ok(spec) => spec.document().clone(),
        Err(err) => panic!("{err}"),
    }
}

/// Writes a spec (as JSON, which is YAML) to a temp file of its own.
fn write(name: &str, spec: &Value) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-spec-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{err}"));
    let path = dir.join(name);
    std::fs::write(&path, spec.to_string()).unwrap_or_else(|err| panic!("{err}"));
    path
}

fn spec_diff(args: &[&str]) -> Output {
    Command::new(XTASK)
        .arg("spec-diff")
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("cannot run xtask: {err}"))
}

fn files(base: &Value, head: &Value, name: &str) -> (String, String) {
    let base = write(&format!("{name}-base.json"), base);
    let head = write(&format!("{name}-head.json"), head);
    (base.display().to_string(), head.display().to_string())
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn no_change_exits_0_and_says_so() {
    let spec = real_spec();
    let (base, head) = files(&spec, &spec, "same");
    let output = spec_diff(&[
        "--base-file",
        &base,
        "--head-file",
        &head,
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("no change to the spec"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_compatible_change_passes_fail_on_breaking() {
    let base = real_spec();
    let mut head = base.clone();
    head["components"]["schemas"]["SessionAttemptsResponseVerification"]["properties"]["probeAddedByATest"] =
        json!({"type": "number"});
    let (base, head) = files(&base, &head, "compatible");
    let output = spec_diff(&[
        "--base-file",
        &base,
        "--head-file",
        &head,
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("compatible  /components/schemas/SessionAttemptsResponseVerification/properties/probeAddedByATest"), "{text}");
    assert!(text.contains("version bump: minor"), "{text}");
}

#[test]
fn a_breaking_change_fails_only_when_asked_and_every_format_shows_it() {
    let base = real_spec();
    let mut head = base.clone();
    head["components"]["schemas"]["UserStatus"]["properties"]["statusCode"]["nullable"] =
        json!(true);
    let (base, head) = files(&base, &head, "breaking");
    let plain = spec_diff(&["--base-file", &base, "--head-file", &head]);
    assert_eq!(plain.status.code(), Some(0));
    let failing = spec_diff(&[
        "--base-file",
        &base,
        "--head-file",
        &head,
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(failing.status.code(), Some(1));
    assert!(
        stdout(&failing)
            .contains("breaking    /components/schemas/UserStatus/properties/statusCode/nullable")
    );
    let markdown = spec_diff(&[
        "--base-file",
        &base,
        "--head-file",
        &head,
        "--format",
        "markdown",
    ]);
    assert!(
        stdout(&markdown)
            .contains("### Changed\n\n- **Breaking:** `UserStatus.statusCode`: made nullable"),
        "{}",
        stdout(&markdown)
    );
    let json = spec_diff(&[
        "--base-file",
        &base,
        "--head-file",
        &head,
        "--format",
        "json",
    ]);
    let value: Value = serde_json::from_str(&stdout(&json)).unwrap_or_default();
    assert_eq!(value["breaking"], 1);
    assert_eq!(value["bump"], "major");
}

#[test]
fn an_unusable_spec_or_revision_exits_2_with_the_reason() {
    let spec = real_spec();
    let mut old = spec.clone();
    old["openapi"] = json!("3.1.0");
    let (base, head) = files(&old, &spec, "unusable");
    let output = spec_diff(&["--base-file", &base, "--head-file", &head]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("3.1.0") && err.contains("/openapi"), "{err}");
    let missing = spec_diff(&["--base-file", "/nonexistent/spec.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/spec.yaml"));
    let revision = spec_diff(&["--base", "no-such-revision-anywhere"]);
    assert_eq!(revision.status.code(), Some(2));
}

#[test]
fn the_default_base_is_head() {
    let output = spec_diff(&[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout(&output).starts_with("spec-diff: HEAD ("),
        "{}",
        stdout(&output)
    );
}
