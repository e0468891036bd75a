//! The changelog: the spec records the page's newest entry (`info.x-vendor-page-updated`
//! and `info.x-vendor-page-change`); a newer entry on the page means the page
//! changed since the spec was last checked against it.

use serde_json::Value;
use veriff_spec::Location;

use super::{Checker, quoted};
use crate::page::Page;
use crate::parse::date;
use crate::report::Kind;

/// The spec's record of the newest changelog entry it was checked against.
pub const UPDATED: &str = "x-vendor-page-updated";
/// The text of that entry.
pub const CHANGE: &str = "x-vendor-page-change";

pub fn compare(checker: &mut Checker<'_>, page: &Page) {
    checker.findings.fact();
    let info = Location::root().join("info");
    let updated_at = info.join(UPDATED);
    let change_at = info.join(CHANGE);
    let Some(newest) = page.changelog.iter().max_by_key(|c| c.date) else {
        return;
    };
    let recorded_text = checker.view.get(&updated_at).map(|v| match v {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    });
    let Some(recorded) = recorded_text.as_deref().and_then(date) else {
        checker.findings.differ(
            Kind::Changelog,
            "changelog",
            Some(newest.line),
            format!("newest entry {} {}", newest.date, quoted(&newest.text)),
            Some(&updated_at),
            recorded_text.map_or_else(|| "nothing recorded".to_owned(), |t| format!("`{t}` (not a date)")),
            format!(
                "once the spec agrees with the page, record `{UPDATED}: \"{}\"` and `{CHANGE}` (the entry's text) in `info`",
                newest.date
            ),
        );
        return;
    };
    let mut newer: Vec<_> = page
        .changelog
        .iter()
        .filter(|c| c.date > recorded)
        .collect();
    newer.sort_by_key(|c| c.date);
    for change in &newer {
        checker.findings.differ(
            Kind::Changelog,
            format!("changelog {}", change.date),
            Some(change.line),
            format!(
                "the page changed since the spec was written: {} {}",
                change.date,
                quoted(&change.text)
            ),
            Some(&updated_at),
            format!("checked against the page of {recorded}"),
            format!(
                "review that change against the spec, then set `{UPDATED}: \"{}\"` and `{CHANGE}` to the newest entry",
                newest.date
            ),
        );
    }
    if !newer.is_empty() {
        return;
    }
    if newest.date < recorded {
        checker.findings.differ(
            Kind::Changelog,
            "changelog",
            Some(newest.line),
            format!("newest entry {}", newest.date),
            Some(&updated_at),
            format!("records a page of {recorded}"),
            "check that the copy is the current page; otherwise correct the recorded date",
        );
        return;
    }
    checker.findings.fact();
    if let Some(text) = checker.view.get(&change_at).and_then(Value::as_str)
        && crate::spec_view::normalise(text) != crate::spec_view::normalise(&newest.text)
    {
        checker.findings.differ(
            Kind::Changelog,
            format!("changelog {}", newest.date),
            Some(newest.line),
            quoted(&newest.text),
            Some(&change_at),
            quoted(text),
            format!(
                "the entry of {} was reworded: review it, then copy its text into `{CHANGE}`",
                newest.date
            ),
        );
    }
}
