//! The vendor page's contradictions: found in the examples, compared with the list
//! kept in `openapi/known-contradictions.yaml`.
//!
//! The spec records what the page prints next to what the spec adopts, as vendor
//! extensions on the schema they concern:
//! - `x-vendor-page-enum`: the values the page prints as valid for a field, when
//!   the spec's `enum` had to be wider (the page's own examples use other values);
//! - `x-vendor-published-codes`: the codes found in Veriff's published error tables.
//!
//! Any example value outside such a list is a contradiction. Each one must be on
//! the known list, with how the SDK handles it; one that is not fails the suite, and
//! so does a listed one that no longer occurs (the list stays true).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::location::{JsonPath, Location};
use crate::openapi::Example;
use crate::spec::{Spec, SpecError, workspace_root};

/// The known-contradictions list, relative to the workspace root.
pub const KNOWN_FILE: &str = "openapi/known-contradictions.yaml";

/// The vendor extensions that record what the page says, and what each means.
pub const VENDOR_RULES: [(&str, &str); 2] = [
    (
        "x-vendor-page-enum",
        "the values the vendor page prints as valid",
    ),
    (
        "x-vendor-published-codes",
        "the codes in Veriff's published error tables",
    ),
];

/// One entry of the known list.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KnownContradiction {
    /// Dotted location of the schema carrying the rule, e.g. `components.schemas.AttemptStatus`.
    pub schema: String,
    /// The vendor extension broken, e.g. `x-vendor-page-enum`.
    pub rule: String,
    /// The value the examples use.
    pub value: String,
    /// What the page says, in a sentence.
    pub page: String,
    /// How the SDK handles it.
    pub sdk: String,
}

/// One example value that breaks a vendor rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Dotted location of the schema carrying the rule.
    pub schema: String,
    /// The vendor extension broken.
    pub rule: String,
    /// The offending value (strings as they are, other values as JSON).
    pub value: String,
    /// The example's name.
    pub example: String,
    /// Where in the example.
    pub path: String,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "example {} at {}: `{}` is outside {} ({}.{})",
            self.example,
            self.path,
            self.value,
            rule_meaning(&self.rule),
            self.schema,
            self.rule
        )
    }
}

fn rule_meaning(rule: &str) -> &str {
    VENDOR_RULES
        .iter()
        .find(|(name, _)| *name == rule)
        .map_or(rule, |(_, meaning)| meaning)
}

/// Reads the known list from the workspace.
pub fn load_known() -> Result<Vec<KnownContradiction>, SpecError> {
    known_from_file(&workspace_root().join(KNOWN_FILE))
}

/// Reads a known list from a file.
pub fn known_from_file(path: &Path) -> Result<Vec<KnownContradiction>, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
        path: path.to_owned(),
        source,
    })?;
    known_from_text(&text, &path.display().to_string())
}

/// Parses a known list; errors name the entry and member.
pub fn known_from_text(text: &str, origin: &str) -> Result<Vec<KnownContradiction>, SpecError> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|err| SpecError::Invalid {
        origin: origin.to_owned(),
        at: err.path().to_string(),
        problem: err.inner().to_string(),
    })
}

/// Every example value that breaks a vendor rule.
pub fn find(spec: &Spec, examples: &[Example]) -> Vec<Found> {
    let mut found = Vec::new();
    for example in examples {
        visit(
            spec,
            &example.schema,
            &example.value,
            &JsonPath::root(),
            &example.name,
            &mut found,
        );
    }
    found
}

fn visit(
    spec: &Spec,
    schema: &Location,
    value: &Value,
    path: &JsonPath,
    example: &str,
    found: &mut Vec<Found>,
) {
    let Ok((at, node)) = spec.resolve(schema) else {
        return;
    };
    for (rule, _) in VENDOR_RULES {
        if let Some(Value::Array(allowed)) = node.get(rule)
            && !value.is_null()
            && !allowed.contains(value)
        {
            found.push(Found {
                schema: at.dotted(),
                rule: rule.to_owned(),
                value: value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned),
                example: example.to_owned(),
                path: path.to_string(),
            });
        }
    }
    match value {
        Value::Object(object) => {
            for (key, member) in object {
                let child = at.join_all(["properties", key]);
                if spec.get(&child).is_some() {
                    visit(spec, &child, member, &path.key(key), example, found);
                }
            }
        }
        Value::Array(items) if node.get("items").is_some() => {
            for (index, item) in items.iter().enumerate() {
                visit(
                    spec,
                    &at.join("items"),
                    item,
                    &path.index(index),
                    example,
                    found,
                );
            }
        }
        _ => {}
    }
}

/// The found contradictions against the known list: what is new, what is stale.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// Known entries that occur, with the examples where they do.
    pub confirmed: Vec<(KnownContradiction, Vec<Found>)>,
    /// Contradictions not on the list.
    pub unlisted: Vec<Found>,
    /// Listed entries that no longer occur.
    pub stale: Vec<KnownContradiction>,
    /// Listed entries that do not say how the SDK handles them.
    pub unexplained: Vec<KnownContradiction>,
}

/// Compares found contradictions with the known list.
pub fn compare(found: Vec<Found>, known: &[KnownContradiction]) -> Comparison {
    let mut by_entry: BTreeMap<usize, Vec<Found>> = BTreeMap::new();
    let mut comparison = Comparison::default();
    for item in found {
        let entry = known
            .iter()
            .position(|k| k.schema == item.schema && k.rule == item.rule && k.value == item.value);
        match entry {
            Some(index) => by_entry.entry(index).or_default().push(item),
            None => comparison.unlisted.push(item),
        }
    }
    for (index, entry) in known.iter().enumerate() {
        if entry.sdk.trim().is_empty() {
            comparison.unexplained.push(entry.clone());
        }
        match by_entry.remove(&index) {
            Some(found) => comparison.confirmed.push((entry.clone(), found)),
            None => comparison.stale.push(entry.clone()),
        }
    }
    comparison
}

impl Comparison {
    /// The failures: unlisted, stale and unexplained entries, one line each.
    pub fn failures(&self) -> Vec<String> {
        let unlisted = self.unlisted.iter().map(|found| {
            format!(
                "unlisted contradiction: {found}. If the page really says so, add an entry \
                 (schema: {}, rule: {}, value: {:?}, page, sdk) to {KNOWN_FILE}; otherwise fix the example",
                found.schema, found.rule, found.value
            )
        });
        let stale = self.stale.iter().map(|entry| {
            format!(
                "stale entry in {KNOWN_FILE}: `{}` outside {}.{} no longer occurs in any example: remove it",
                entry.value, entry.schema, entry.rule
            )
        });
        let unexplained = self.unexplained.iter().map(|entry| {
            format!(
                "entry `{}` in {KNOWN_FILE} does not say how the SDK handles it (`sdk:`)",
                entry.value
            )
        });
        unlisted.chain(stale).chain(unexplained).collect()
    }

    /// A readable list of the confirmed contradictions and where they occur.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for (entry, found) in &self.confirmed {
            out.push_str(&format!(
                "- `{}` outside {}.{}\n  page: {}\n  sdk: {}\n",
                entry.value,
                entry.schema,
                entry.rule,
                entry.page.trim(),
                entry.sdk.trim()
            ));
            for item in found {
                out.push_str(&format!("  in {} at {}\n", item.example, item.path));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(value: &str) -> Found {
        Found {
            schema: "components.schemas.S".into(),
            rule: "x-vendor-page-enum".into(),
            value: value.into(),
            example: "e".into(),
            path: "$".into(),
        }
    }

    fn known(value: &str, sdk: &str) -> KnownContradiction {
        KnownContradiction {
            schema: "components.schemas.S".into(),
            rule: "x-vendor-page-enum".into(),
            value: value.into(),
            page: "p".into(),
            sdk: sdk.into(),
        }
    }

    #[test]
    fn sorts_found_into_confirmed_unlisted_and_stale() {
        let comparison = compare(
            vec![found("a"), found("a"), found("b")],
            &[known("a", "kept"), known("c", "x")],
        );
        assert_eq!(comparison.confirmed.len(), 1);
        assert_eq!(comparison.confirmed[0].1.len(), 2);
        assert_eq!(comparison.unlisted, vec![found("b")]);
        assert_eq!(comparison.stale, vec![known("c", "x")]);
        assert_eq!(comparison.failures().len(), 2);
    }

    #[test]
    fn an_entry_must_say_how_the_sdk_handles_it() {
        let comparison = compare(vec![found("a")], &[known("a", " ")]);
        assert!(comparison.failures().iter().any(|f| f.contains("`sdk:`")));
    }

    #[test]
    fn the_known_file_parses_and_errors_name_the_entry() -> Result<(), SpecError> {
        assert!(!load_known()?.is_empty());
        let err = known_from_text("- schema: s\n  rule: r\n  value: v\n  page: p\n", "t").err();
        let err = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("sdk"), "{err}");
        Ok(())
    }
}
