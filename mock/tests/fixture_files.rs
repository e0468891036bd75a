//! Fixture files: sessions and faults from JSON, and errors that say where.

mod support;

use std::path::PathBuf;

use http::StatusCode;
use veriff_attempts::Error;
use veriff_mock::{FixtureError, Fixtures, MockServer};

const PLAIN: &str = "6c0b1f0e-1f0a-4c55-9a77-0c3f2a1d9e01";
const FLAKY: &str = "6c0b1f0e-1f0a-4c55-9a77-0c3f2a1d9e02";
const BROKEN: &str = "6c0b1f0e-1f0a-4c55-9a77-0c3f2a1d9e03";

/// Writes `text` to a file of its own under the system's temp directory.
fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("veriff-mock-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    path
}

/// Two attempts as the spec documents them (one with a member the spec does not
/// know yet), an empty session and two faults.
fn fixture_text() -> String {
    let started = support::attempt_json(
        "0f8e2d1c-3b4a-4c5d-8e6f-7a8b9c0d1e2f",
        "started",
        "2024-01-01T09:00:00.000Z",
    );
    let mut approved = support::attempt_json(
        "1f8e2d1c-3b4a-4c5d-8e6f-7a8b9c0d1e2f",
        "approved",
        "2024-01-02T09:00:00.000Z",
    );
    approved["someFutureField"] = true.into();
    let file = serde_json::json!({
        PLAIN: [started, approved],
        FLAKY: [],
        "faults": {
            FLAKY: {"status": 503, "retryAfter": 1, "times": 1},
            BROKEN: {"body": "truncated"}
        }
    });
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

#[tokio::test]
async fn a_fixture_file_sets_sessions_and_faults() {
    let path = write_temp("good.json", &fixture_text());
    let fixtures = Fixtures::from_path(&path).unwrap_or_else(|err| panic!("{err}"));
    let server = MockServer::builder()
        .fixtures(fixtures)
        .start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let client = support::client(&server);

    let listed = client
        .list_attempts(PLAIN)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let statuses: Vec<String> = listed
        .verifications
        .iter()
        .map(|a| a.status.to_string())
        .collect();
    assert_eq!(
        statuses,
        ["approved", "started"],
        "newest first, whatever the file's order"
    );

    let first = client.list_attempts(FLAKY).await;
    assert!(
        matches!(&first, Err(Error::UnexpectedStatus { status, .. }) if *status == 503),
        "{first:?}"
    );
    let second = client.list_attempts(FLAKY).await;
    assert_eq!(second.map(|r| r.verifications.len()).ok(), Some(0));

    let broken = client.list_attempts(BROKEN).await;
    assert!(
        matches!(&broken, Err(Error::Decode { .. })),
        "a fault-only session: {broken:?}"
    );

    let builtin = support::get_signed(&server, support::session()).await;
    assert_eq!(
        builtin.status,
        StatusCode::NOT_FOUND,
        "a fixture file replaces the built-in data"
    );
}

#[test]
fn a_bad_fixture_file_names_the_file_and_the_json_path() {
    let text = fixture_text().replace("\"started\"", "42");
    let path = write_temp("bad-status.json", &text);
    let err = Fixtures::from_path(&path)
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert_eq!(
        err.json_path(),
        Some(format!("$[\"{PLAIN}\"][0].status").as_str()),
        "{message}"
    );
    let line = text
        .lines()
        .position(|l| l.contains(": 42"))
        .map_or(0, |index| index + 1);
    assert!(message.contains(&format!("at line {line} ")), "{message}");
    assert!(matches!(err, FixtureError::Invalid { .. }));
}

#[test]
fn a_bad_fault_names_its_session_in_the_path() {
    let text = fixture_text().replace("\"truncated\"", "\"shortened\"");
    let path = write_temp("bad-fault.json", &text);
    let err = Fixtures::from_path(&path)
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert_eq!(
        err.json_path(),
        Some(format!("$.faults[\"{BROKEN}\"].body").as_str()),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("unknown variant `shortened`, expected one of"),
        "{err}"
    );
}

#[test]
fn malformed_json_is_reported_with_line_and_column() {
    let path = write_temp("truncated.json", &fixture_text()[..100]);
    let message = Fixtures::from_path(&path)
        .err()
        .map(|err| err.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("EOF while parsing") && message.contains("line "),
        "{message}"
    );
}

#[test]
fn an_unreadable_file_is_named() {
    let path = std::env::temp_dir().join("veriff-mock-tests-does-not-exist.json");
    let err = Fixtures::from_path(&path)
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert!(matches!(err, FixtureError::Read { .. }));
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}
