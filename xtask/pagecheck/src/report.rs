//! What the check found: differences (each one line: the page with its line, the
//! spec with its JSON pointer, the fix) and recorded differences (kept on purpose,
//! counted, not failures), in text for people and JSON for machines.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::{Value, json};
use veriff_spec::Location;

/// What a difference is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The page's title vs the operation's `summary`.
    Title,
    /// The HTTP method.
    Method,
    /// The path.
    Path,
    /// A description (operation, parameter, status, header, field, object).
    Description,
    /// A request parameter added or removed.
    Parameter,
    /// A response status added or removed.
    Status,
    /// A response header added or removed.
    Header,
    /// A body field added or removed.
    Field,
    /// A type (nullability included).
    Type,
    /// Required-ness.
    Required,
    /// A `Valid values` list.
    ValidValues,
    /// An `Example` value.
    Example,
    /// A named example added, removed or changed.
    NamedExample,
    /// A value outside a vendor rule that `known-contradictions.yaml` does not list.
    Contradiction,
    /// A record in the spec (`x-vendor-page-*`) the page no longer calls for.
    StaleRecord,
    /// The changelog.
    Changelog,
    /// A line of the page the reader could not place.
    Unread,
}

/// One place where the page and the spec disagree.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// What it is about.
    pub kind: Kind,
    /// The fact concerned, e.g. `response 200 field verifications[].status`.
    pub subject: String,
    /// The page line stating it, if the page states it.
    pub page_line: Option<usize>,
    /// What the page says.
    pub page: String,
    /// The JSON pointer of the spec's statement (or of where it would go).
    pub spec_pointer: Option<String>,
    /// What the spec says.
    pub spec: String,
    /// What a maintainer would change.
    pub fix: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: page", self.subject)?;
        if let Some(line) = self.page_line {
            write!(f, " (line {line})")?;
        }
        write!(f, ": {}; spec", self.page)?;
        if let Some(pointer) = &self.spec_pointer {
            write!(f, " ({pointer})")?;
        }
        write!(f, ": {}. Fix: {}", self.spec, self.fix)
    }
}

/// A difference the spec keeps on purpose and records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recorded {
    /// The fact concerned.
    pub subject: String,
    /// How the page and the spec differ.
    pub note: String,
    /// The record that says so (`x-vendor-page-enum`, `known-contradictions.yaml`, ...).
    pub record: String,
    /// Where the record is.
    pub spec_pointer: String,
    /// The page lines where it was seen.
    pub page_lines: Vec<usize>,
}

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.page_lines.iter().map(ToString::to_string).collect();
        write!(
            f,
            "{}: {} [{} at {}; page line {}]",
            self.subject,
            self.note,
            self.record,
            self.spec_pointer,
            lines.join(", ")
        )
    }
}

/// What the comparison collects while it runs.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// How many facts were compared.
    pub facts: u64,
    /// The differences, in the page's order.
    pub differences: Vec<Difference>,
    /// Recorded differences, one per record.
    pub recorded: BTreeMap<(String, String), Recorded>,
}

impl Findings {
    /// Counts one compared fact.
    pub fn fact(&mut self) {
        self.facts += 1;
    }

    /// Adds a difference.
    #[allow(clippy::too_many_arguments)]
    pub fn differ(
        &mut self,
        kind: Kind,
        subject: impl Into<String>,
        page_line: Option<usize>,
        page: impl Into<String>,
        spec_at: Option<&Location>,
        spec: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.differences.push(Difference {
            kind,
            subject: subject.into(),
            page_line,
            page: page.into(),
            spec_pointer: spec_at.map(Location::pointer),
            spec: spec.into(),
            fix: fix.into(),
        });
    }

    /// Notes a recorded difference; the same record seen again adds its line.
    pub fn record(
        &mut self,
        subject: impl Into<String>,
        note: impl Into<String>,
        record: impl Into<String>,
        spec_at: &Location,
        page_line: usize,
    ) {
        let record = record.into();
        let key = (spec_at.pointer(), record.clone());
        let entry = self.recorded.entry(key).or_insert_with(|| Recorded {
            subject: subject.into(),
            note: note.into(),
            record,
            spec_pointer: spec_at.pointer(),
            page_lines: Vec::new(),
        });
        if !entry.page_lines.contains(&page_line) {
            entry.page_lines.push(page_line);
        }
    }
}

/// The result of one page check.
#[derive(Clone, Debug)]
pub struct Report {
    /// Where the page came from.
    pub page: String,
    /// Where the spec came from.
    pub spec: String,
    /// How many facts were compared.
    pub facts: u64,
    /// Every difference.
    pub differences: Vec<Difference>,
    /// Every recorded difference.
    pub recorded: Vec<Recorded>,
}

impl Report {
    /// Builds the report from the findings.
    pub fn new(page: String, spec: String, findings: Findings) -> Self {
        let mut recorded: Vec<Recorded> = findings.recorded.into_values().collect();
        recorded.sort_by_key(|r| r.page_lines.first().copied().unwrap_or(0));
        Self {
            page,
            spec,
            facts: findings.facts,
            differences: findings.differences,
            recorded,
        }
    }

    /// Whether the page and the spec agree.
    pub fn agrees(&self) -> bool {
        self.differences.is_empty()
    }

    /// The report for people: one line per difference, then the recorded ones.
    pub fn text(&self) -> String {
        let mut out = format!("page check: {} against {}\n", self.page, self.spec);
        if self.agrees() {
            out.push_str(&format!(
                "the page and the spec agree ({} facts compared)\n",
                self.facts
            ));
        } else {
            out.push_str(&format!(
                "{} difference{} ({} facts compared):\n",
                self.differences.len(),
                if self.differences.len() == 1 { "" } else { "s" },
                self.facts
            ));
            for difference in &self.differences {
                out.push_str(&format!("- {difference}\n"));
            }
        }
        out.push_str(&format!(
            "{} recorded difference{} seen (kept on purpose, not reported as differences):\n",
            self.recorded.len(),
            if self.recorded.len() == 1 { "" } else { "s" }
        ));
        for recorded in &self.recorded {
            out.push_str(&format!("  = {recorded}\n"));
        }
        out
    }

    /// The report for machines.
    pub fn json(&self) -> Value {
        json!({
            "page": self.page,
            "spec": self.spec,
            "agree": self.agrees(),
            "facts_compared": self.facts,
            "differences": self.differences,
            "recorded_count": self.recorded.len(),
            "recorded": self.recorded,
        })
    }
}
