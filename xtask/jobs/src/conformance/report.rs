//! The report: a table for people, JUnit XML for CI systems.

use std::fmt::Write as _;
use std::time::Duration;

use ::conformance::Outcome;

pub struct Report {
    title: String,
    rows: Vec<Outcome>,
    /// Wall-clock time of the whole run (rows overlap: they run concurrently).
    wall: Duration,
}

impl Report {
    pub fn new(title: String, rows: Vec<Outcome>, wall: Duration) -> Self {
        Self { title, rows, wall }
    }

    pub fn passed(&self) -> bool {
        !self.rows.is_empty() && self.rows.iter().all(|row| row.failure.is_none())
    }

    fn failed(&self) -> usize {
        self.rows.iter().filter(|row| row.failure.is_some()).count()
    }

    fn total_time(&self) -> Duration {
        self.wall
    }

    /// The table, then each failure's reasons, then `N passed, M failed`.
    pub fn text(&self) -> String {
        let width = self
            .rows
            .iter()
            .map(|row| row.check.chars().count())
            .chain([5])
            .max()
            .unwrap_or(5);
        let mut text = format!("\n{}\n\n", self.title);
        let _ = writeln!(
            text,
            "{:<width$}  {:>6}  {:<6}  {:>9}",
            "check", "cases", "result", "time"
        );
        let _ = writeln!(text, "{}", "-".repeat(width + 2 + 6 + 2 + 6 + 2 + 9));
        for row in &self.rows {
            let result = match (&row.failure, row.notes.is_empty()) {
                (Some(_), _) => "FAIL",
                (None, false) => "drift",
                (None, true) => "pass",
            };
            let _ = writeln!(
                text,
                "{:<width$}  {:>6}  {:<6}  {:>9}",
                row.check,
                row.cases,
                result,
                millis(row.elapsed)
            );
        }
        for row in self.rows.iter().filter(|row| !row.notes.is_empty()) {
            let _ = writeln!(text, "\nDRIFT (tolerated by the SDK): {}", row.check);
            for line in &row.notes {
                let _ = writeln!(text, "  {line}");
            }
        }
        for row in self.rows.iter().filter(|row| row.failure.is_some()) {
            let _ = writeln!(text, "\nFAILED: {}", row.check);
            for line in row.failure.as_deref().unwrap_or_default().lines() {
                let _ = writeln!(text, "  {line}");
            }
        }
        let passed = self.rows.len() - self.failed();
        let _ = writeln!(
            text,
            "\n{}: {passed} passed, {} failed in {} (wall clock; checks run concurrently)",
            self.title_word(),
            self.failed(),
            millis(self.total_time())
        );
        text
    }

    fn title_word(&self) -> &str {
        self.title.split_whitespace().next().unwrap_or("checks")
    }

    /// JUnit XML: one test suite, one test case per row.
    pub fn junit(&self) -> String {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let (tests, failures, time) = (self.rows.len(), self.failed(), seconds(self.total_time()));
        let name = escape(&self.title);
        let _ = writeln!(
            xml,
            "<testsuites name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" time=\"{time}\">"
        );
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{time}\">"
        );
        for row in &self.rows {
            let (group, _) = row.check.split_once(':').unwrap_or(("conformance", ""));
            let _ = write!(
                xml,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\">",
                escape(group),
                escape(&row.check),
                seconds(row.elapsed)
            );
            let mut out = format!("cases: {}", row.cases);
            for note in &row.notes {
                out.push_str("\ndrift: ");
                out.push_str(note);
            }
            let _ = write!(xml, "<system-out>{}</system-out>", escape(&out));
            if let Some(failure) = &row.failure {
                let first = failure.lines().next().unwrap_or_default();
                let _ = write!(
                    xml,
                    "<failure message=\"{}\">{}</failure>",
                    escape(first),
                    escape(failure)
                );
            }
            xml.push_str("</testcase>\n");
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        xml
    }
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn seconds(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64())
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(check: &str, failure: Option<&str>) -> Outcome {
        Outcome {
            check: check.to_owned(),
            cases: 3,
            failure: failure.map(str::to_owned),
            notes: Vec::new(),
            elapsed: Duration::from_millis(12),
        }
    }

    #[test]
    fn the_table_lists_every_row_then_the_failures() {
        let report = Report::new(
            "conformance".into(),
            vec![row("a: one", None), row("b: two", Some("x\ny"))],
            Duration::from_millis(24),
        );
        let text = report.text();
        assert!(text.contains("a: one       3  pass      12.0 ms"), "{text}");
        assert!(text.contains("b: two       3  FAIL      12.0 ms"), "{text}");
        assert!(text.contains("FAILED: b: two\n  x\n  y\n"), "{text}");
        assert!(
            text.contains("conformance: 1 passed, 1 failed in 24.0 ms (wall clock"),
            "{text}"
        );
        assert!(!report.passed());
        assert!(Report::new("c".into(), vec![row("a", None)], Duration::ZERO).passed());
        assert!(
            !Report::new("c".into(), vec![], Duration::ZERO).passed(),
            "no checks is not a pass"
        );
    }

    #[test]
    fn drift_is_shown_without_failing() {
        let mut drifted = row("live: drift", None);
        drifted.notes = vec!["$.x: member `x` is not in the spec".into()];
        let report = Report::new("live checks".into(), vec![drifted], Duration::ZERO);
        let text = report.text();
        assert!(text.contains("live: drift       3  drift"), "{text}");
        assert!(
            text.contains("DRIFT (tolerated by the SDK): live: drift\n  $.x: member `x`"),
            "{text}"
        );
        assert!(report.passed());
        assert!(report.junit().contains("drift: $.x: member `x`"));
    }

    #[test]
    fn junit_escapes_and_counts() {
        let report = Report::new(
            "conformance".into(),
            vec![row("a: <one> & \"two\"", Some("bad\u{1}\nworse"))],
            Duration::from_millis(12),
        );
        let xml = report.junit();
        assert!(xml.contains("tests=\"1\" failures=\"1\""), "{xml}");
        assert!(
            xml.contains(
                "classname=\"a\" name=\"a: &lt;one&gt; &amp; &quot;two&quot;\" time=\"0.012\""
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<failure message=\"bad\">bad\nworse</failure>"),
            "{xml}"
        );
    }
}
