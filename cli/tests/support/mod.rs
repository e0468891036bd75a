//! Helpers for the CLI tests: running `veriff` as a user does, against the reference
//! server in this process, and fixture data derived from the spec's documented
//! examples (never hand-written attempt JSON: when the spec gains a property, an
//! example or an enum value, these fixtures follow).

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use veriff_attempts::Attempt;
use veriff_mock::{RunningServer, builtin};

pub const VERIFF: &str = env!("CARGO_BIN_EXE_veriff");

/// `veriff` with the server's base URL and credentials in the environment.
pub fn command(server: &RunningServer, args: &[&str]) -> Command {
    let secret = String::from_utf8_lossy(server.shared_secret()).into_owned();
    let mut command = Command::new(VERIFF);
    command
        .args(args)
        .env("VERIFF_BASE_URL", server.base_url())
        .env("VERIFF_API_KEY", server.api_key())
        .env("VERIFF_SHARED_SECRET", secret);
    command
}

/// Runs `command` with `stdin` as its standard input, off the test's runtime (the
/// server runs on it).
pub async fn run(mut command: Command, stdin: &str) -> Output {
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("{VERIFF}: {err}"));
        if let Some(mut pipe) = child.stdin.take() {
            // A closed pipe only means veriff stopped reading early.
            let _ = pipe.write_all(stdin.as_bytes());
        }
        child
            .wait_with_output()
            .unwrap_or_else(|err| panic!("{err}"))
    })
    .await
    .unwrap_or_else(|err| panic!("join: {err}"))
}

/// Runs `veriff <args>` against `server` with `stdin`.
pub async fn veriff(server: &RunningServer, args: &[&str], stdin: &str) -> Output {
    run(command(server, args), stdin).await
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The NDJSON records of a scan's output.
pub fn records(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"))
        })
        .collect()
}

/// Asserts that neither stream shows the server's credentials.
pub fn assert_no_secret(server: &RunningServer, output: &Output) {
    let secret = String::from_utf8_lossy(server.shared_secret()).into_owned();
    for text in [stdout(output), stderr(output)] {
        assert!(
            !text.contains(&secret) && !text.contains(server.api_key()),
            "credentials printed: {text}"
        );
    }
}

/// A session id for fixtures: `5ca40000-0000-4000-8000-<n>`.
pub fn session_id(n: u64) -> String {
    format!("5ca40000-0000-4000-8000-{n:012}")
}

/// An attempt id for fixtures.
pub fn attempt_id(n: u64) -> String {
    format!("a77e0000-0000-4000-8000-{n:012}")
}

/// The spec's first documented 200 body that has attempts, as JSON.
pub fn documented_body() -> Value {
    let session = builtin::with_attempts().unwrap_or_else(|| panic!("a documented attempt"));
    serde_json::from_str(session.body().unwrap_or_default())
        .unwrap_or_else(|err| panic!("documented body: {err}"))
}

/// The first documented attempt, as JSON.
pub fn documented_attempt() -> Value {
    documented_body()["verifications"][0].clone()
}

/// The first documented custom status (`userDefinedData` entry), as JSON.
pub fn documented_custom_status() -> Value {
    builtin::documented()
        .iter()
        .filter_map(|session| session.body())
        .filter_map(|body| serde_json::from_str::<Value>(body).ok())
        .flat_map(|body| {
            body["verifications"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find_map(|attempt| attempt["userDefinedData"].get(0).cloned())
        .unwrap_or_else(|| panic!("the spec documents no custom status"))
}

/// A documented attempt with only the members a test is about changed: its id,
/// status, creation time and custom statuses (`(statusCode, reasonCode)`).
pub fn attempt_json(
    id: &str,
    status: &str,
    created: &str,
    custom: &[(&str, Option<&str>)],
) -> Value {
    let mut attempt = documented_attempt();
    attempt["id"] = id.into();
    attempt["status"] = status.into();
    attempt["createdTime"] = created.into();
    attempt["userDefinedData"] = custom
        .iter()
        .map(|(code, reason)| {
            let mut entry = documented_custom_status();
            entry["statusCode"] = (*code).into();
            entry["reasonCode"] = reason.map_or(Value::Null, Into::into);
            entry
        })
        .collect();
    attempt
}

/// [`attempt_json`] as the SDK's type, for `MockServer::builder().session(..)`.
pub fn attempt(id: &str, status: &str, created: &str, custom: &[(&str, Option<&str>)]) -> Attempt {
    serde_json::from_value(attempt_json(id, status, created, custom))
        .unwrap_or_else(|err| panic!("a documented attempt with changed members: {err}"))
}

/// A documented 200 body with these attempts in place of its own.
pub fn body_with(attempts: Vec<Value>) -> Value {
    let mut body = documented_body();
    body["verifications"] = Value::Array(attempts);
    body
}

/// A fresh directory for a test's files.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("veriff-cli-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    dir
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

pub fn path_arg(path: &Path) -> String {
    path.display().to_string()
}
