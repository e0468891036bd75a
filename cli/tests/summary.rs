//! `veriff summary` and `veriff scan --summary` on a data set whose figures were
//! computed by hand, and the refusal of files that are not a scan's output.

mod support;

use serde_json::{Value, json};
use support::*;
use veriff_mock::{Fault, MockServer, RunningServer};

/// The data set. Times are minutes and hours apart so that the figures are easy to
/// check by hand:
///
/// | line | session | attempts (oldest first) |
/// |---|---|---|
/// | 1 | S1 | 10:00 resubmission_requested [custom_a; custom_b (reason_y)], 10:01 resubmission_requested, 10:04 approved [custom_a (reason_x)] |
/// | 2 | S2 | 09:00 declined, 10:00 `escalated_to_human` (a status the spec does not list) |
/// | 3 | S3 | 12:00 approved [custom_b (reason_y)] |
/// | 4 | S4 | none |
/// | 5 | S5 | unknown session: 404 |
/// | 6 | `not-a-session` | malformed |
async fn data_set() -> (RunningServer, String) {
    let s1 = session_id(1);
    let s2 = session_id(2);
    let s3 = session_id(3);
    let s4 = session_id(4);
    let s5 = session_id(5);
    let day = "2024-05-06T";
    // The reference server only serves the spec's statuses from fixtures; a status
    // Veriff may add later comes as a drifted body.
    let drifted = body_with(vec![
        attempt_json(
            &attempt_id(22),
            "escalated_to_human",
            &format!("{day}10:00:00.000Z"),
            &[],
        ),
        attempt_json(
            &attempt_id(21),
            "declined",
            &format!("{day}09:00:00.000Z"),
            &[],
        ),
    ]);
    let server = MockServer::builder()
        .session(
            s1.as_str(),
            vec![
                attempt(
                    &attempt_id(11),
                    "resubmission_requested",
                    &format!("{day}10:00:00.000Z"),
                    &[("custom_a", None), ("custom_b", Some("reason_y"))],
                ),
                attempt(
                    &attempt_id(12),
                    "resubmission_requested",
                    &format!("{day}10:01:00.000Z"),
                    &[],
                ),
                attempt(
                    &attempt_id(13),
                    "approved",
                    &format!("{day}10:04:00.000Z"),
                    &[("custom_a", Some("reason_x"))],
                ),
            ],
        )
        .fault(s2.as_str(), Fault::json_body(drifted))
        .session(
            s3.as_str(),
            vec![attempt(
                &attempt_id(31),
                "approved",
                &format!("{day}12:00:00.000Z"),
                &[("custom_b", Some("reason_y"))],
            )],
        )
        .session(s4.as_str(), Vec::new())
        .start()
        .await
        .expect("server");
    let input = format!("{s1}\n{s2}\n{s3}\n{s4}\n{s5}\nnot-a-session\n");
    (server, input)
}

/// The figures, computed by hand from the table above.
fn expected() -> Value {
    json!({
        "sessions": 6,
        "sessions_failed": 2,
        "attempts": 6,
        "sessions_with_multiple_attempts": 2,
        "attempts_per_session": {"0": 1, "1": 1, "2": 1, "3": 1},
        "statuses": {
            "approved": 2,
            "declined": 1,
            "escalated_to_human": 1,
            "resubmission_requested": 2
        },
        // S1 of S1, S2, S3 (the sessions with attempts).
        "resubmission_rate": 1.0 / 3.0,
        "custom_statuses": {"custom_a": 2, "custom_b": 2},
        "reason_codes": {"reason_x": 1, "reason_y": 2},
        // Pairs: S1 60 s and 180 s, S2 3600 s. Sorted 60, 180, 3600: median 180;
        // p90 at rank 0.9 × 2 = 1.8: 180 + 0.8 × (3600 − 180) = 2916.
        "time_between_attempts_seconds": {"median": 180.0, "p90": 2916.0},
        // First to last: S1 240 s, S2 3600 s: median 1920; p90 240 + 0.9 × 3360 = 3264.
        "time_first_to_last_seconds": {"median": 1920.0, "p90": 3264.0}
    })
}

async fn scanned(test: &str) -> (RunningServer, std::path::PathBuf, String) {
    let (server, input) = data_set().await;
    let dir = temp_dir(test);
    let out = dir.join("scan.ndjson");
    let output = veriff(
        &server,
        &["scan", "--out", &path_arg(&out), "--summary"],
        &input,
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(1),
        "two sessions fail: {}",
        stderr(&output)
    );
    (server, out, stdout(&output))
}

#[tokio::test]
async fn summary_json_has_the_figures_computed_by_hand() {
    let (server, out, _) = scanned("summary-json").await;
    let output = veriff(
        &server,
        &["summary", &path_arg(&out), "--format", "json"],
        "",
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(report, expected());
}

#[tokio::test]
async fn the_text_summary_shows_the_same_figures_with_a_histogram() {
    let (server, out, printed_by_scan) = scanned("summary-text").await;
    let output = veriff(&server, &["summary", &path_arg(&out)], "").await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(
        text, printed_by_scan,
        "scan --summary prints the same summary"
    );
    let line = |start: &str| {
        text.lines()
            .find(|line| line.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no {start:?} line in:\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(line("sessions")[1], "6");
    assert_eq!(line("failed")[1], "2");
    assert_eq!(line("with more than one attempt")[5], "2");
    assert_eq!(line("attempts ")[1], "6");
    assert_eq!(line("resubmission rate")[2], "33.3%");
    assert_eq!(
        line("escalated_to_human")[1],
        "1",
        "an unknown status is counted as received"
    );
    assert_eq!(&line("between consecutive attempts")[3..5], ["180", "2916"]);
    assert_eq!(&line("from first to last attempt")[5..7], ["1920", "3264"]);
    // One histogram row per number of attempts, bars proportional (all equal here).
    let bars: Vec<&str> = text.lines().filter(|line| line.contains('│')).collect();
    assert_eq!(bars.len(), 4, "{text}");
    for (n, bar) in bars.iter().enumerate() {
        assert!(bar.trim_start().starts_with(&format!("{n} │█")), "{bar}");
        assert!(bar.ends_with(" 1"), "{bar}");
    }
}

#[tokio::test]
async fn summary_reads_standard_input() {
    let (server, out, _) = scanned("summary-stdin").await;
    let output = veriff(&server, &["summary", "-", "--format", "json"], &read(&out)).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(report, expected());

    let empty = veriff(&server, &["summary", "-", "--format", "json"], "").await;
    let report: Value = serde_json::from_str(&stdout(&empty)).expect("JSON");
    assert_eq!(report["sessions"], 0);
    assert_eq!(report["resubmission_rate"], Value::Null);
    assert_eq!(
        report["time_between_attempts_seconds"],
        json!({"median": null, "p90": null})
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_scan_is_refused_with_its_line_number_and_nothing_printed() {
    let (server, out, _) = scanned("summary-refuse").await;
    let scan = read(&out);
    let mut lines: Vec<String> = scan.lines().map(str::to_owned).collect();
    // `veriff attempts --output json` output, a record of a newer schema, plain text.
    let newer = lines[3].replacen("\"v\":1", "\"v\":2", 1);
    for (bad, what) in [
        (
            "{\"status\":\"success\",\"verifications\":[]}".to_owned(),
            "missing field `v`",
        ),
        (newer, "record version 2"),
        ("session,attempts".to_owned(), "expected value"),
    ] {
        lines.insert(3, bad);
        let path = out.with_extension(format!("bad{}", lines.len()));
        std::fs::write(&path, lines.join("\n") + "\n").expect("write");
        lines.remove(3);
        for format in ["text", "json"] {
            let output = veriff(
                &server,
                &["summary", &path_arg(&path), "--format", format],
                "",
            )
            .await;
            assert_eq!(output.status.code(), Some(2), "{what}");
            assert!(
                stdout(&output).is_empty(),
                "nothing half-printed: {}",
                stdout(&output)
            );
            let err = stderr(&output);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.contains("line 4 is not a veriff scan record") && err.contains(what),
                "{err}"
            );
        }
    }
}
