//! The text form of a summary: aligned counts, a Unicode histogram of attempts per
//! session, the most frequent statuses, custom statuses and reason codes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::stats::{Report, Spread};

/// Widest histogram bar, in character cells.
const BAR_WIDTH: usize = 30;
/// Rows shown of the custom statuses and reason codes.
const TOP: usize = 10;
/// Eighths of a cell, for bars that end between cells.
const PARTIAL: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// Width of the label column.
const LABEL: usize = 32;

/// The whole text, built before anything is printed.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let details = &report.details;
    row(&mut out, "sessions", &report.sessions.to_string(), "");
    let failures: Vec<String> = details
        .failures
        .iter()
        .map(|(label, n)| format!("{label}: {n}"))
        .collect();
    let failures = if failures.is_empty() {
        String::new()
    } else {
        format!("({})", failures.join("; "))
    };
    row(
        &mut out,
        "  failed",
        &report.sessions_failed.to_string(),
        &failures,
    );
    row(
        &mut out,
        "  with more than one attempt",
        &report.sessions_with_multiple_attempts.to_string(),
        "",
    );
    row(&mut out, "attempts", &report.attempts.to_string(), "");
    match report.resubmission_rate {
        Some(rate) => row(
            &mut out,
            "resubmission rate",
            &format!("{:.1}%", rate * 100.0),
            &format!(
                "({} of {} sessions with attempts had one with status resubmission_requested)",
                details.sessions_with_resubmission, details.sessions_with_attempts
            ),
        ),
        None => row(
            &mut out,
            "resubmission rate",
            "-",
            "(no session with attempts)",
        ),
    }

    out.push_str("\nattempts per session (sessions listed)\n");
    if report.attempts_per_session.is_empty() {
        out.push_str("  (no session listed)\n");
    }
    let largest = report
        .attempts_per_session
        .values()
        .copied()
        .max()
        .unwrap_or(0);
    let label_width = report
        .attempts_per_session
        .keys()
        .map(|k| k.to_string().len())
        .max()
        .unwrap_or(1);
    for (attempts, sessions) in &report.attempts_per_session {
        let _ = writeln!(
            out,
            "  {attempts:>label_width$} │{:<BAR_WIDTH$} {sessions}",
            bar(*sessions, largest)
        );
    }

    section(&mut out, "statuses", &report.statuses, usize::MAX);
    section(
        &mut out,
        "custom statuses (statusCode), most frequent",
        &report.custom_statuses,
        TOP,
    );
    section(
        &mut out,
        "reason codes, most frequent",
        &report.reason_codes,
        TOP,
    );

    let _ = writeln!(
        out,
        "\n{:<LABEL$}{:>12}{:>12}",
        "times in seconds", "median", "p90"
    );
    spread_row(
        &mut out,
        "  between consecutive attempts",
        report.time_between_attempts_seconds,
        &plural(
            details.pairs as u64,
            "pair of attempts",
            "pairs of attempts",
        ),
    );
    spread_row(
        &mut out,
        "  from first to last attempt",
        report.time_first_to_last_seconds,
        &plural(
            report.sessions_with_multiple_attempts,
            "session",
            "sessions",
        ),
    );
    out
}

/// `label   value   note`, aligned.
fn row(out: &mut String, label: &str, value: &str, note: &str) {
    let line = format!("{label:<LABEL$}{value:>8}   {note}");
    out.push_str(line.trim_end());
    out.push('\n');
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A bar of `value / largest` of [`BAR_WIDTH`] cells, in eighths; never empty for
/// a non-zero value.
pub fn bar(value: u64, largest: u64) -> String {
    if value == 0 || largest == 0 {
        return String::new();
    }
    let eighths = (value as f64 / largest as f64 * (BAR_WIDTH * 8) as f64).round() as usize;
    let eighths = eighths.clamp(1, BAR_WIDTH * 8);
    let mut bar = "█".repeat(eighths / 8);
    bar.push_str(PARTIAL[eighths % 8]);
    bar
}

/// A titled list, most frequent first (ties by name), at most `top` rows.
fn section(out: &mut String, title: &str, counts: &BTreeMap<String, u64>, top: usize) {
    let _ = writeln!(out, "\n{title}");
    if counts.is_empty() {
        out.push_str("  (none)\n");
        return;
    }
    let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let width = rows
        .iter()
        .take(top)
        .map(|(name, _)| name.chars().count() + 2)
        .max()
        .unwrap_or(0)
        .max(LABEL);
    for (name, n) in rows.iter().take(top) {
        let name = format!("  {}", crate::output::one_line(name));
        let _ = writeln!(out, "{name:<width$}{n:>8}");
    }
    if rows.len() > top {
        let _ = writeln!(out, "  ... and {} more", rows.len() - top);
    }
}

fn spread_row(out: &mut String, what: &str, spread: Spread, of: &str) {
    match (spread.median, spread.p90) {
        (Some(median), Some(p90)) => {
            let _ = writeln!(
                out,
                "{what:<LABEL$}{:>12}{:>12}   ({of})",
                seconds(median),
                seconds(p90)
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "{what:<LABEL$}{:>12}{:>12}   (no pair of attempts)",
                "-", "-"
            );
        }
    }
}

/// Seconds with up to three decimals, without trailing zeros.
pub fn seconds(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_in_eighths() {
        assert_eq!(bar(10, 10).chars().count(), BAR_WIDTH);
        assert_eq!(bar(5, 10), "█".repeat(15));
        assert_eq!(bar(1, 240), "▏", "a small count still shows");
        assert_eq!(bar(0, 10), "");
        assert_eq!(bar(1, 16), "█▉");
    }

    #[test]
    fn seconds_drop_needless_decimals() {
        assert_eq!(seconds(3600.0), "3600");
        assert_eq!(seconds(2.5), "2.5");
        assert_eq!(seconds(0.001), "0.001");
    }
}
