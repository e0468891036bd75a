//! `spec-diff`: what a change of the spec means, for a reviewer and for CI.
//!
//! Two specs are compared twice:
//!
//! - on the wire ([`wire`]): operations, parameters, response statuses and their
//!   headers, every schema reachable from them with `$ref`s resolved (so moving a
//!   definition around changes nothing), enum values and examples. Each change is
//!   classed by Veriff's published backwards-compatible-changes policy and by what
//!   this SDK tolerates (releases already deployed must keep working);
//! - in Rust ([`rust`]): the generated types of both specs ([`Model`]), so each
//!   change also says which type and field it touches and whether that is a major
//!   or minor change of the crate's API.
//!
//! The report ends with the version bump the whole change calls for.

mod render;
mod rust;
mod wire;

use std::fmt;

use serde::Serialize;
use veriff_spec::Spec;

use crate::{GenerateError, Model, SPEC};

/// How a change affects someone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "why", rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing that works today stops working.
    Compatible(String),
    /// Something that works today stops working.
    Breaking(String),
    /// The policy says nothing about this kind of change.
    Silent(String),
}

impl Verdict {
    fn is_breaking(&self) -> bool {
        matches!(self, Verdict::Breaking(_))
    }

    fn word(&self) -> &'static str {
        match self {
            Verdict::Compatible(_) => "compatible",
            Verdict::Breaking(_) => "breaking",
            Verdict::Silent(_) => "not covered",
        }
    }

    fn why(&self) -> &str {
        match self {
            Verdict::Compatible(why) | Verdict::Breaking(why) | Verdict::Silent(why) => why,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.word(), self.why())
    }
}

/// The semver level a change calls for (for a 0.x crate, `Major` bumps the minor
/// number and the others the patch number, as cargo reads 0.x versions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Nothing for the crate.
    None,
    /// Documentation, examples, data.
    Patch,
    /// Additions.
    Minor,
    /// Breaking changes.
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// Whether the change added, removed or changed something (the changelog section).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Something new.
    Added,
    /// Something altered.
    Changed,
    /// Something gone.
    Removed,
}

/// What a change does to the crate's Rust API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RustEffect {
    /// The type (and field or variant) affected, and how, e.g.
    /// `UserStatus.reason: String → Option<String>`.
    pub what: String,
    /// The semver level of that change of the API.
    pub bump: Bump,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The JSON pointer of what changed (in the new spec; in the old one for
    /// something removed).
    pub pointer: String,
    /// Added, changed or removed.
    pub action: Action,
    /// What changed, in words.
    pub summary: String,
    /// By Veriff's published policy.
    pub veriff: Verdict,
    /// By what this SDK's releases tolerate.
    pub sdk: Verdict,
    /// What it does to the Rust API; `None` if nothing.
    pub rust: Option<RustEffect>,
    /// The bump it calls for on its own.
    pub bump: Bump,
}

impl Change {
    /// `breaking` if Veriff's policy or the SDK's tolerance says so, or the Rust
    /// API breaks.
    pub fn is_breaking(&self) -> bool {
        self.veriff.is_breaking() || self.sdk.is_breaking() || self.bump == Bump::Major
    }

    /// Whether Veriff's policy and the SDK's tolerance disagree.
    pub fn disagreement(&self) -> bool {
        matches!(
            (&self.veriff, &self.sdk),
            (Verdict::Compatible(_), Verdict::Breaking(_))
                | (Verdict::Breaking(_), Verdict::Compatible(_))
        )
    }
}

/// The whole comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// What the old spec is (e.g. `HEAD (7447a86)`).
    pub base: String,
    /// What the new spec is (e.g. `working tree`).
    pub head: String,
    /// Every change, in the order of the spec.
    pub changes: Vec<Change>,
    /// The crate version the bump applies to.
    pub version: Option<String>,
}

impl Report {
    /// The bump the whole change calls for.
    pub fn bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|change| change.bump)
            .max()
            .unwrap_or(Bump::None)
    }

    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.is_breaking()).count()
    }

    /// The next version, if the current one is known and parses.
    pub fn next_version(&self) -> Option<String> {
        next_version(self.version.as_deref()?, self.bump())
    }

    /// One line per change, then the totals and the bump.
    pub fn text(&self) -> String {
        render::text(self)
    }

    /// Keep-a-changelog sections, for `sdk/CHANGELOG.md` and a review.
    pub fn markdown(&self) -> String {
        render::markdown(self)
    }

    /// For machines.
    pub fn json(&self) -> String {
        render::json(self)
    }
}

/// Compares two spec texts. `base` and `head` name them in the report; `version` is
/// the crate's current version, for the bump.
pub fn compare(
    base_text: &str,
    head_text: &str,
    base: &str,
    head: &str,
    version: Option<&str>,
) -> Result<Report, GenerateError> {
    let old = Spec::from_text(base_text, &format!("{SPEC} at {base}"))?;
    let new = Spec::from_text(head_text, &format!("{SPEC} ({head})"))?;
    let old_model = crate::render(base_text)?.model;
    let new_model = crate::render(head_text)?.model;
    Ok(Report {
        base: base.to_owned(),
        head: head.to_owned(),
        changes: changes(&old, &new, &old_model, &new_model),
        version: version.map(str::to_owned),
    })
}

fn changes(old: &Spec, new: &Spec, old_model: &Model, new_model: &Model) -> Vec<Change> {
    let mut changes = wire::changes(old, new);
    let effects = rust::effects(old_model, new_model);
    let sides = rust::Sides {
        old: (old, old_model),
        new: (new, new_model),
    };
    rust::attach(&mut changes, effects, &sides);
    for change in &mut changes {
        let rust = change
            .rust
            .as_ref()
            .map_or(Bump::None, |effect| effect.bump);
        change.bump = change.bump.max(rust);
        if change.veriff.is_breaking() || change.sdk.is_breaking() {
            change.bump = Bump::Major;
        }
    }
    changes
}

/// `0.2.0` + minor → `0.2.1`; `1.4.2` + minor → `1.5.0`.
fn next_version(current: &str, bump: Bump) -> Option<String> {
    let mut parts = current.split('.').map(|p| p.parse::<u64>().ok());
    let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
    let next = match (major, bump) {
        (_, Bump::None) => (major, minor, patch),
        (0, Bump::Major) => (0, minor + 1, 0),
        (0, _) => (0, minor, patch + 1),
        (_, Bump::Major) => (major + 1, 0, 0),
        (_, Bump::Minor) => (major, minor + 1, 0),
        (_, Bump::Patch) => (major, minor, patch + 1),
    };
    Some(format!("{}.{}.{}", next.0, next.1, next.2))
}

#[cfg(test)]
mod tests;
