//! `veriff scan` as a user runs it, against the reference server in this process:
//! good and bad ids, faults mid-scan, input order under concurrency, Ctrl-C,
//! `--resume`, CSV, `--rate`, refused credentials.

mod support;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::*;
use veriff_mock::{Fault, MockServer, RunningServer, builtin};

/// The spec's example error body for `status` (what the reference server answers).
fn spec_error(status: u16) -> Value {
    veriff_attempts::spec::Example::for_status(status)
        .next()
        .and_then(|example| serde_json::from_str(example.json).ok())
        .unwrap_or_else(|| panic!("the spec documents no {status} example"))
}

/// One session per id, each with one attempt (derived from the documented one).
fn with_sessions(ids: &[String]) -> veriff_mock::MockServerBuilder {
    ids.iter()
        .enumerate()
        .fold(MockServer::builder(), |builder, (n, id)| {
            let created = format!("2024-03-01T10:{:02}:00.000Z", n % 60);
            builder.session(
                id.as_str(),
                vec![attempt(&attempt_id(n as u64), "approved", &created, &[])],
            )
        })
}

fn lines(ids: &[String]) -> String {
    ids.iter().map(|id| format!("{id}\n")).collect()
}

fn session_ids(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["session_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn good_ids_give_one_record_per_session_in_input_order() {
    let server = MockServer::start().await.expect("server");
    let mut sessions = builtin::all();
    sessions.reverse();
    let mut input = String::from("# sessions to check\n\n");
    for session in &sessions {
        input.push_str(&format!("  {}  \n", session.session_id));
    }
    let output = veriff(&server, &["scan"], &input).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).is_empty(),
        "quiet when all is well: {}",
        stderr(&output)
    );
    let records = records(&stdout(&output));
    assert_eq!(records.len(), sessions.len());
    for (n, (record, session)) in records.iter().zip(&sessions).enumerate() {
        let expected = json!({
            "v": 1,
            "line": n + 3,
            "session_id": session.session_id.to_string(),
            "attempts": serde_json::to_value(session.attempts()).expect("JSON"),
        });
        assert_eq!(record, &expected, "{}", session.name);
        assert_eq!(
            server.requests_for(session.session_id),
            1,
            "{}",
            session.name
        );
    }
    assert_no_secret(&server, &output);
}

#[tokio::test]
async fn malformed_lines_are_reported_without_a_request() {
    // Nothing listens here: a request would be a transport error, not this record.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let long = "x".repeat(5000);
    let input = format!("not-a-uuid\n# comment\n{{{}}}\n\n{long}\n", session_id(1));
    let mut command = std::process::Command::new(VERIFF);
    command
        .arg("scan")
        .env("VERIFF_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("VERIFF_API_KEY", "key")
        .env("VERIFF_SHARED_SECRET", "secret");
    let output = run(command, &input).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let records = records(&stdout(&output));
    let lines: Vec<u64> = records
        .iter()
        .map(|r| r["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(lines, [1, 3, 5]);
    for record in &records {
        let error = &record["error"];
        assert_eq!(error["kind"], "invalid_session_id", "{record}");
        assert_eq!(error["requests"], 0, "{record}");
        assert_eq!(error["http_status"], Value::Null, "{record}");
        assert!(record.get("attempts").is_none(), "{record}");
    }
    assert_eq!(records[0]["session_id"], "not-a-uuid");
    assert!(
        records[0]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("\"not-a-uuid\" is not a UUID")),
        "{}",
        records[0]
    );
    assert!(
        records[2]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("longer than")),
        "{}",
        records[2]
    );
    assert!(
        stderr(&output).contains("3 of 3 sessions failed"),
        "{}",
        stderr(&output)
    );

    // Mixed with good ids, only the good ones reach the server.
    let server = MockServer::start().await.expect("server");
    let good = builtin::documented()[0].session_id;
    let output = veriff(&server, &["scan"], &format!("nope\n{good}\n{good}x\n")).await;
    let mixed = support::records(&stdout(&output));
    assert_eq!(mixed.len(), 3);
    assert!(mixed[1]["attempts"].is_array(), "{}", mixed[1]);
    assert_eq!(server.requests_for(good), 1);
}

#[tokio::test]
async fn failing_sessions_mid_scan_never_stop_it() {
    let ids: Vec<String> = (1..=8).map(session_id).collect();
    let server = with_sessions(&ids)
        // 429 with Retry-After once, then the answer.
        .fault(ids[1].as_str(), Fault::too_many_requests(1).times(1))
        // Connection closed mid-body once, then the answer.
        .fault(ids[2].as_str(), Fault::disconnect_mid_body().times(1))
        // Every time.
        .fault(ids[3].as_str(), Fault::disconnect_mid_body())
        .fault(ids[4].as_str(), Fault::too_many_requests(1))
        .fault(ids[5].as_str(), Fault::internal_server_error())
        .start()
        .await
        .expect("server");
    let unknown = session_id(404);
    let mut input = lines(&ids[..7]);
    input.push_str(&format!("{unknown}\n{}\n", ids[7]));
    let started = Instant::now();
    let output = veriff(
        &server,
        &["scan", "--retries", "1", "--concurrency", "4"],
        &input,
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let records = records(&stdout(&output));
    let mut expected_order: Vec<String> = ids[..7].to_vec();
    expected_order.extend([unknown.clone(), ids[7].clone()]);
    assert_eq!(session_ids(&records), expected_order);

    for n in [0, 1, 2, 6, 8] {
        assert!(records[n]["attempts"].is_array(), "{}", records[n]);
    }
    assert_eq!(
        server.requests_for(ids[1].as_str()),
        2,
        "429 then the answer"
    );
    assert_eq!(
        server.requests_for(ids[2].as_str()),
        2,
        "disconnect then the answer"
    );
    assert!(
        elapsed >= Duration::from_secs(1),
        "Retry-After: 1 was honoured: {elapsed:?}"
    );

    let error = |n: usize| &records[n]["error"];
    assert_eq!(error(3)["kind"], "transport", "{}", records[3]);
    assert_eq!(error(3)["http_status"], Value::Null);
    assert_eq!(error(3)["requests"], 2);
    assert_eq!(error(4)["kind"], "unexpected_status", "{}", records[4]);
    assert_eq!(error(4)["http_status"], 429);
    assert_eq!(error(4)["code"], Value::Null);
    assert_eq!(error(4)["requests"], 2);
    let documented_500 = spec_error(500);
    assert_eq!(error(5)["kind"], "api", "{}", records[5]);
    assert_eq!(error(5)["http_status"], 500);
    assert_eq!(error(5)["code"], documented_500["code"]);
    assert_eq!(error(5)["message"], documented_500["message"]);
    assert_eq!(error(5)["requests"], 2, "500 is retried");
    let documented_404 = spec_error(404);
    assert_eq!(error(7)["http_status"], 404, "{}", records[7]);
    assert_eq!(error(7)["code"], documented_404["code"]);
    assert_eq!(error(7)["requests"], 1, "404 is not retried");
    assert!(
        stderr(&output).contains("4 of 9 sessions failed"),
        "{}",
        stderr(&output)
    );
    assert_no_secret(&server, &output);
}

#[tokio::test]
async fn input_order_is_kept_when_later_sessions_finish_first() {
    let ids: Vec<String> = (1..=10).map(session_id).collect();
    // The first session is the slowest, the last the fastest.
    let server = ids
        .iter()
        .enumerate()
        .fold(with_sessions(&ids), |builder, (n, id)| {
            let delay = Duration::from_millis(80 * (10 - n as u64));
            builder.fault(id.as_str(), Fault::delay(delay))
        })
        .start()
        .await
        .expect("server");
    let started = Instant::now();
    let output = veriff(&server, &["scan", "--concurrency", "10"], &lines(&ids)).await;
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(session_ids(&records(&stdout(&output))), ids);
    // One after the other they would take 4.4 s; concurrently, the slowest's 0.8 s.
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

/// Waits for the child's exit, killing it after `limit`.
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

fn complete_lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|text| text.matches('\n').count())
        .unwrap_or(0)
}

/// Twelve slow sessions scanned two at a time into `out`, interrupted with SIGINT
/// once two records are in the file. Returns the exit code and stderr.
async fn interrupted_scan(
    server: &RunningServer,
    ids: &[String],
    dir: &Path,
) -> (Option<i32>, String) {
    let input = dir.join("ids.txt");
    std::fs::write(&input, lines(ids)).expect("write input");
    let out = dir.join("scan.ndjson");
    let mut command = command(
        server,
        &[
            "scan",
            "--input",
            &path_arg(&input),
            "--out",
            &path_arg(&out),
            "--concurrency",
            "2",
        ],
    );
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap_or_else(|err| panic!("{err}"));
        let until = Instant::now() + Duration::from_secs(20);
        while complete_lines(&out) < 2 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        let interrupted = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        assert!(interrupted.is_ok_and(|s| s.success()));
        let status = wait_with_limit(&mut child, Duration::from_secs(20));
        let output = child
            .wait_with_output()
            .unwrap_or_else(|err| panic!("{err}"));
        (
            status.and_then(|s| s.code()),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    })
    .await
    .unwrap_or_else(|err| panic!("join: {err}"))
}

async fn slow_server(ids: &[String]) -> RunningServer {
    ids.iter()
        .fold(with_sessions(ids), |builder, id| {
            builder.fault(id.as_str(), Fault::delay(Duration::from_millis(250)))
        })
        .start()
        .await
        .expect("server")
}

#[tokio::test]
async fn ctrl_c_stops_cleanly_with_every_finished_record_written() {
    let ids: Vec<String> = (1..=12).map(session_id).collect();
    let server = slow_server(&ids).await;
    let dir = temp_dir("ctrl-c");
    let (code, err) = interrupted_scan(&server, &ids, &dir).await;
    assert_eq!(code, Some(130), "{err}");
    assert!(
        err.contains("interrupted") && err.contains("--resume"),
        "{err}"
    );
    assert_eq!(
        err.trim_end()
            .lines()
            .last()
            .map(|l| l.starts_with("error: interrupted")),
        Some(true),
        "{err}"
    );

    let text = read(&dir.join("scan.ndjson"));
    assert!(text.ends_with('\n'), "only whole records: {text:?}");
    let written = session_ids(&records(&text));
    assert!(
        written.len() >= 2 && written.len() < ids.len(),
        "{written:?}"
    );
    assert_eq!(
        written,
        ids[..written.len()],
        "a prefix of the input, in order"
    );
    // The requests in flight at Ctrl-C finished and were written: every session
    // fetched is in the file, and none in the file was fetched twice.
    for id in &ids {
        let expected = u64::from(written.contains(id));
        assert_eq!(server.requests_for(id.as_str()), expected, "{id}");
    }
}

#[tokio::test]
async fn resume_after_an_interrupted_scan_fetches_nothing_twice_and_loses_nothing() {
    let ids: Vec<String> = (1..=12).map(session_id).collect();
    let server = slow_server(&ids).await;
    let dir = temp_dir("resume");
    let (code, err) = interrupted_scan(&server, &ids, &dir).await;
    assert_eq!(code, Some(130), "{err}");
    let before = session_ids(&records(&read(&dir.join("scan.ndjson")))).len();

    let input = path_arg(&dir.join("ids.txt"));
    let out = path_arg(&dir.join("scan.ndjson"));
    let output = veriff(
        &server,
        &[
            "scan",
            "--input",
            &input,
            "--out",
            &out,
            "--resume",
            "--concurrency",
            "4",
        ],
        "",
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("it has {before} sessions")),
        "{}",
        stderr(&output)
    );
    let records = records(&read(&dir.join("scan.ndjson")));
    assert_eq!(
        session_ids(&records),
        ids,
        "every session once, in input order"
    );
    let numbers: Vec<u64> = records
        .iter()
        .map(|r| r["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(numbers, (1..=12).collect::<Vec<u64>>());
    for id in &ids {
        assert_eq!(server.requests_for(id.as_str()), 1, "{id} fetched once");
    }
}

#[tokio::test]
async fn resume_drops_an_unfinished_last_record_and_fetches_that_session_again() {
    let ids: Vec<String> = (1..=5).map(session_id).collect();
    for format in ["ndjson", "csv"] {
        let server = with_sessions(&ids)
            .session(
                ids[4].as_str(),
                vec![
                    attempt(&attempt_id(50), "approved", "2024-03-02T10:00:00.000Z", &[]),
                    attempt(
                        &attempt_id(51),
                        "resubmission_requested",
                        "2024-03-01T10:00:00.000Z",
                        &[],
                    ),
                ],
            )
            .start()
            .await
            .expect("server");
        let dir = temp_dir(&format!("crash-{format}"));
        let input = dir.join("ids.txt");
        std::fs::write(&input, lines(&ids)).expect("write");
        let out = dir.join("scan.out");
        let args = [
            "scan",
            "--input",
            &path_arg(&input),
            "--out",
            &path_arg(&out),
            "--output",
            format,
        ];
        let output = veriff(&server, &args, "").await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            stderr(&output)
        );
        let whole = read(&out);

        // A crash while writing the last session: its last line is cut short (in
        // CSV, the session's second row).
        let last_line_start = whole.trim_end().rfind('\n').map_or(0, |at| at + 1);
        let cut = last_line_start + (whole.len() - last_line_start) / 2;
        std::fs::write(&out, &whole[..cut]).expect("cut");

        let mut resumed = args.to_vec();
        resumed.push("--resume");
        let output = veriff(&server, &resumed, "").await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("dropped its unfinished last record"),
            "{format}: {}",
            stderr(&output)
        );
        assert_eq!(
            read(&out),
            whole,
            "{format}: the same file as an uninterrupted scan"
        );
        for id in &ids[..4] {
            assert_eq!(server.requests_for(id.as_str()), 1, "{format} {id}");
        }
        assert_eq!(
            server.requests_for(ids[4].as_str()),
            2,
            "{format}: fetched again"
        );
    }
}

#[tokio::test]
async fn resume_refuses_a_file_that_is_not_a_scan_and_never_overwrites_one() {
    let server = MockServer::start().await.expect("server");
    let dir = temp_dir("refuse");
    let id = builtin::documented()[0].session_id.to_string();
    let out = dir.join("scan.ndjson");

    // A previous scan, then a line that is no record.
    let first = veriff(
        &server,
        &["scan", "--out", &path_arg(&out)],
        &format!("{id}\n"),
    )
    .await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let mut text = read(&out);
    text.push_str("{\"status\":\"success\",\"verifications\":[]}\n");
    text.push_str(&read(&out));
    std::fs::write(&out, &text).expect("write");

    let output = veriff(
        &server,
        &["scan", "--out", &path_arg(&out), "--resume"],
        &format!("{id}\n"),
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("line 2") && err.contains("missing field `v`"),
        "{err}"
    );
    assert_eq!(read(&out), text, "left alone");

    // Without --resume an existing scan is never overwritten.
    let output = veriff(
        &server,
        &["scan", "--out", &path_arg(&out)],
        &format!("{id}\n"),
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("hint: add --resume"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(&out), text, "left alone");
    assert_eq!(
        server.requests_for(id.as_str()),
        1,
        "nothing fetched after the first scan"
    );
}

#[tokio::test]
async fn csv_has_one_row_per_attempt() {
    let multi = session_id(1);
    let empty = session_id(2);
    let unknown = session_id(3);
    let server = MockServer::builder()
        .session(
            multi.as_str(),
            vec![
                attempt(
                    &attempt_id(1),
                    "resubmission_requested",
                    "2024-03-01T10:00:00.000Z",
                    &[("looks_odd", Some("glare, blur"))],
                ),
                attempt(
                    &attempt_id(2),
                    "approved",
                    "2024-03-01T11:00:00.500Z",
                    &[("vip", None), ("looks_odd", Some("ok"))],
                ),
            ],
        )
        .session(empty.as_str(), Vec::new())
        .start()
        .await
        .expect("server");
    let input = format!("{multi}\n{empty}\n{unknown}\nbad id\n");
    let output = veriff(&server, &["scan", "--output", "csv"], &input).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let documented_404 = spec_error(404);
    let text = stdout(&output);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 6, "{text}");
    assert_eq!(
        rows[0],
        "session_id,attempts,attempt_id,status,created_time,custom_statuses,http_status,error_code,error"
    );
    // Newest first, as the API lists them; a comma in a field is quoted.
    assert_eq!(
        rows[1],
        format!(
            "{multi},2,{},approved,2024-03-01T11:00:00.500Z,vip; looks_odd (ok),,,",
            attempt_id(2)
        )
    );
    assert_eq!(
        rows[2],
        format!(
            "{multi},2,{},resubmission_requested,2024-03-01T10:00:00.000Z,\"looks_odd (glare, blur)\",,,",
            attempt_id(1)
        )
    );
    assert_eq!(rows[3], format!("{empty},0,,,,,,,"));
    assert_eq!(
        rows[4],
        format!(
            "{unknown},,,,,,404,{},{}",
            documented_404["code"].as_str().unwrap_or_default(),
            documented_404["message"].as_str().unwrap_or_default()
        )
    );
    assert!(
        rows[5].starts_with("bad id,,,,,,,,\"session id \"\"bad id\"\" is not a UUID"),
        "{}",
        rows[5]
    );
}

#[tokio::test]
async fn rate_spaces_the_requests() {
    let server = MockServer::start().await.expect("server");
    let id = builtin::documented()[0].session_id.to_string();
    let input = format!("{id}\n").repeat(5);
    let started = Instant::now();
    let output = veriff(
        &server,
        &["scan", "--rate", "5", "--concurrency", "5"],
        &input,
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(records(&stdout(&output)).len(), 5);
    // Starts at 0, 200, 400, 600 and 800 ms.
    assert!(elapsed >= Duration::from_millis(780), "{elapsed:?}");
}

#[tokio::test]
async fn refused_credentials_stop_the_scan_with_a_hint() {
    let server = MockServer::start().await.expect("server");
    let input: String = (1..=40)
        .map(|_| format!("{}\n", builtin::documented()[0].session_id))
        .collect();
    let mut command = command(&server, &["scan"]);
    command.env("VERIFF_SHARED_SECRET", "not-the-secret");
    let output = run(command, &input).await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stdout(&output).is_empty(),
        "no record of a refused request: {}",
        stdout(&output)
    );
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("401") && err.contains("1818"), "{err}");
    assert!(err.contains("hint: check VERIFF_SHARED_SECRET"), "{err}");
    assert!(!err.contains("not-the-secret"), "{err}");
}

#[tokio::test]
async fn missing_settings_are_one_line_with_a_hint_and_nothing_is_read() {
    let output = tokio::task::spawn_blocking(|| {
        std::process::Command::new(VERIFF)
            .args(["scan", "--input", "/nonexistent/ids.txt"])
            .env_remove("VERIFF_BASE_URL")
            .env_remove("VERIFF_API_KEY")
            .env_remove("VERIFF_SHARED_SECRET")
            .output()
    })
    .await
    .expect("join")
    .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("hint: set VERIFF_BASE_URL, VERIFF_API_KEY and VERIFF_SHARED_SECRET"),
        "{err}"
    );
}
