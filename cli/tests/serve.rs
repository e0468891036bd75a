//! `veriff serve` as a user runs it: start-up banner, one log line per request
//! without secrets, clean exit on Ctrl-C, clear failure on a bad fixture file.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const VERIFF: &str = env!("CARGO_BIN_EXE_veriff");
const API_KEY: &str = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const SECRET: &str = "serve-test-secret-value";
/// A built-in session with several attempts (the data set comes from the spec).
fn several() -> veriff_mock::builtin::Session {
    veriff_mock::builtin::documented()
        .into_iter()
        .max_by_key(|session| session.attempts().len())
        .unwrap_or_else(|| panic!("the spec documents no 200 example"))
}

fn serve(addr: &str, extra: &[&str]) -> Command {
    let mut command = Command::new(VERIFF);
    command
        .args([
            "serve",
            "--addr",
            addr,
            "--api-key",
            API_KEY,
            "--shared-secret",
            SECRET,
        ])
        .args(extra)
        .env_remove("VERIFF_API_KEY")
        .env_remove("VERIFF_SHARED_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Removes ANSI colour sequences from log output.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Waits for the child to exit, killing it after `limit`.
fn wait_with_limit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

#[test]
fn serves_logs_each_request_and_stops_cleanly_on_ctrl_c() {
    let mut child = serve("127.0.0.1:0", &[])
        .spawn()
        .unwrap_or_else(|err| panic!("{VERIFF}: {err}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let base_url = first
        .strip_prefix("veriff reference server listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .to_owned();
    let banner: Vec<String> = lines
        .map_while(Result::ok)
        .take_while(|line| !line.starts_with("Press Ctrl-C"))
        .collect();
    let session = several();
    let id = session.session_id.to_string();
    assert!(
        banner
            .iter()
            .any(|line| line.contains(&id) && line.contains(session.name)),
        "{banner:?}"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|err| panic!("{err}"));
    let client = veriff_attempts::Client::builder()
        .base_url(&base_url)
        .api_key(API_KEY)
        .shared_secret(SECRET)
        .build()
        .unwrap_or_else(|err| panic!("{err}"));
    let listed = runtime.block_on(client.list_attempts(session.session_id));
    assert_eq!(
        listed.map(|r| r.verifications.len()).ok(),
        Some(session.attempts().len())
    );

    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(
        interrupted.as_ref().is_ok_and(|status| status.success()),
        "{interrupted:?}"
    );
    let status = wait_with_limit(&mut child, Duration::from_secs(10));
    assert!(
        status.is_some_and(|status| status.success()),
        "exit: {status:?}"
    );

    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .map(|mut pipe| pipe.read_to_string(&mut stderr));
    let log = plain(&stderr);
    let request_lines: Vec<&str> = log
        .lines()
        .filter(|line| line.contains(" request "))
        .collect();
    assert_eq!(request_lines.len(), 1, "one line per request: {log}");
    let line = request_lines[0];
    for part in [
        "method=GET",
        &format!("path={}", veriff_attempts::spec::PATH.replace("{id}", &id)),
        "status=200",
        "latency=",
    ] {
        assert!(line.contains(part), "{part:?} missing from {line:?}");
    }
    assert!(
        !log.contains(SECRET) && !log.contains(API_KEY),
        "credentials in the log: {log}"
    );
    assert!(log.contains("shutting down"), "{log}");
}

#[test]
fn a_bad_fixture_file_fails_naming_the_file_and_the_json_path() {
    const SESSION: &str = "00000000-0000-4000-8000-0000000000aa";
    let dir = std::env::temp_dir().join(format!("veriff-serve-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{err}"));
    let path = dir.join("fixtures.json");
    let text = format!(
        r#"{{"{SESSION}": [{{"id": "a1c68aea-7f4d-478d-80ab-ca9356074f69", "status": 3}}]}}"#
    );
    std::fs::write(&path, text).unwrap_or_else(|err| panic!("{err}"));
    let path_text = path.display().to_string();

    let mut child = serve("127.0.0.1:0", &["--fixtures", &path_text])
        .spawn()
        .unwrap_or_else(|err| panic!("{err}"));
    let status = wait_with_limit(&mut child, Duration::from_secs(10));
    assert_eq!(status.and_then(|status| status.code()), Some(2));
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .map(|mut pipe| pipe.read_to_string(&mut stderr));
    assert!(
        stderr.starts_with("error: invalid fixture file "),
        "{stderr}"
    );
    assert!(stderr.contains(&path_text), "{stderr}");
    assert!(
        stderr.contains(&format!("$[\"{SESSION}\"][0].status")),
        "{stderr}"
    );
    let mut stdout = String::new();
    let _ = child
        .stdout
        .take()
        .map(|mut pipe| pipe.read_to_string(&mut stdout));
    assert!(stdout.is_empty(), "nothing served: {stdout}");
}

#[test]
fn a_busy_address_fails_with_a_clear_message() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|err| panic!("{err}"));
    let addr = taken
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let output = serve(&addr, &[])
        .output()
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}
