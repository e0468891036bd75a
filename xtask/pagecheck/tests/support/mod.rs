//! Changed copies of the saved page, made in memory from `openapi/vendor-page.txt`
//! (no other copy of the page is checked in), and the check run on them.

#![allow(dead_code)]

use std::sync::OnceLock;

use pagecheck::{CheckError, Difference, Kind, Report};
use veriff_spec::Spec;
use veriff_spec::contradictions::{self, KnownContradiction};

/// The saved page.
pub fn saved() -> String {
    match std::fs::read_to_string(pagecheck::saved_page()) {
        Ok(text) => text,
        Err(err) => panic!("{}: {err}", pagecheck::PAGE_FILE),
    }
}

/// The saved page with each `(from, to)` applied; each `from` must occur once,
/// so an edit never lands somewhere unintended.
pub fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = saved();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> usize {
    match text.find(needle) {
        Some(at) => 1 + text[..at].matches('\n').count(),
        None => panic!("{needle:?} not in the text"),
    }
}

fn inputs() -> &'static (Spec, Vec<KnownContradiction>) {
    static INPUTS: OnceLock<(Spec, Vec<KnownContradiction>)> = OnceLock::new();
    INPUTS.get_or_init(|| match (Spec::load(), contradictions::load_known()) {
        (Ok(spec), Ok(known)) => (spec, known),
        (Err(err), _) | (_, Err(err)) => panic!("{err}"),
    })
}

/// Checks page text against the workspace's spec.
pub fn check(text: impl AsRef<[u8]>) -> Result<Report, CheckError> {
    let (spec, known) = inputs();
    pagecheck::check(text.as_ref(), "<changed page>", spec, known)
}

/// The differences found in page text; panics if it cannot be checked.
pub fn differences(text: &str) -> Vec<Difference> {
    match check(text) {
        Ok(report) => {
            println!("{}", report.text());
            report.differences
        }
        Err(err) => panic!("{err}"),
    }
}

/// The one difference found in page text (anything else fails, listed).
pub fn the_difference(text: &str) -> Difference {
    let mut found = differences(text);
    let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one difference, got:\n{}",
        lines.join("\n")
    );
    found.remove(0)
}

/// Asserts a difference's kind, and that its line mentions every `needle`.
pub fn assert_names(difference: &Difference, kind: Kind, needles: &[&str]) {
    let line = difference.to_string();
    assert_eq!(difference.kind, kind, "{line}");
    for needle in needles {
        assert!(line.contains(needle), "{needle:?} not in: {line}");
    }
}

/// Why page text cannot be checked; panics if it can.
pub fn refusal(text: impl AsRef<[u8]>) -> String {
    match check(text) {
        Ok(report) => panic!("checked as a page:\n{}", report.text()),
        Err(err @ CheckError::NotThePage { .. }) => err.to_string(),
        Err(other) => panic!("not a page refusal: {other}"),
    }
}
