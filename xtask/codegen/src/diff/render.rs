//! The report as text (one line per change), as keep-a-changelog Markdown, and as
//! JSON.

use std::fmt::Write as _;

use super::{Action, Bump, Change, Report};

fn class(change: &Change) -> &'static str {
    if change.is_breaking() {
        "breaking"
    } else {
        "compatible"
    }
}

/// `Veriff: ...; SDK: ...` with the disagreement said out loud.
fn verdicts(change: &Change) -> String {
    let mut text = format!("Veriff: {}; SDK: {}", change.veriff, change.sdk);
    if change.disagreement() {
        text.push_str(" (Veriff's policy and what the SDK tolerates disagree)");
    }
    text
}

fn rust(change: &Change) -> String {
    match &change.rust {
        Some(effect) => format!("Rust: {}", effect.what),
        None => "Rust: no change of the API".to_owned(),
    }
}

fn bump_line(report: &Report) -> String {
    let bump = report.bump();
    let next = match (report.version.as_deref(), report.next_version()) {
        (Some(now), Some(next)) if bump != Bump::None => {
            let note = if now.starts_with("0.") && bump == Bump::Major {
                "; for a 0.x crate a breaking change bumps the minor number"
            } else {
                ""
            };
            format!(" (veriff-attempts {now} → {next}{note})")
        }
        _ => String::new(),
    };
    format!("version bump: {bump}{next}")
}

/// One line per change, then the totals and the bump.
pub fn text(report: &Report) -> String {
    let mut out = format!("spec-diff: {} → {}\n", report.base, report.head);
    if report.changes.is_empty() {
        out.push_str("no change to the spec\n");
        return out;
    }
    for change in &report.changes {
        let _ = writeln!(
            out,
            "{:<10}  {}  {}. {}. {}",
            class(change),
            change.pointer,
            change.summary,
            verdicts(change),
            rust(change)
        );
    }
    let _ = writeln!(
        out,
        "{} change(s): {} breaking, {} compatible. {}",
        report.changes.len(),
        report.breaking(),
        report.changes.len() - report.breaking(),
        bump_line(report)
    );
    out
}

/// Keep-a-changelog sections (Added, Changed, Removed), ready for
/// `sdk/CHANGELOG.md` under `## [Unreleased]` and for a review.
pub fn markdown(report: &Report) -> String {
    let mut out = format!(
        "<!-- spec-diff: {} → {}; {} -->\n",
        report.base,
        report.head,
        bump_line(report)
    );
    if report.changes.is_empty() {
        out.push_str("No change to the spec.\n");
        return out;
    }
    for (action, heading) in [
        (Action::Added, "Added"),
        (Action::Changed, "Changed"),
        (Action::Removed, "Removed"),
    ] {
        let items: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.action == action)
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {heading}\n");
        for change in items {
            let prefix = if change.is_breaking() {
                "**Breaking:** "
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- {prefix}{} (`{}`). {}. {}.",
                capitalise(&change.summary),
                change.pointer,
                rust(change),
                verdicts(change)
            );
        }
    }
    out
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// For machines: the report, each change's class and the bump.
pub fn json(report: &Report) -> String {
    let changes: Vec<serde_json::Value> = report
        .changes
        .iter()
        .map(|change| {
            let mut value = serde_json::to_value(change).unwrap_or_default();
            value["class"] = class(change).into();
            value["disagreement"] = change.disagreement().into();
            value
        })
        .collect();
    let value = serde_json::json!({
        "base": report.base,
        "head": report.head,
        "changes": changes,
        "breaking": report.breaking(),
        "compatible": report.changes.len() - report.breaking(),
        "bump": report.bump(),
        "version": report.version,
        "next_version": report.next_version(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
