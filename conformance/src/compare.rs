//! Comparing JSON read through a schema: the first difference, and the known fields.
//!
//! Values compare exactly, date-times included: the SDK's `Timestamp` writes back
//! the fractional digits it read (`.000Z` stays `.000Z`).

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use crate::location::{JsonPath, Location};
use crate::spec::Spec;

/// Where two values first differ, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// The place in the instance.
    pub path: JsonPath,
    /// What differs there.
    pub what: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "first difference at {}: {}", self.path, self.what)
    }
}

/// The first place (in key order) where `actual` differs from `expected`.
pub fn first_difference(
    spec: &Spec,
    schema: &Location,
    expected: &Value,
    actual: &Value,
) -> Option<Difference> {
    difference(spec, spec.get(schema), expected, actual)
}

/// Works on schema nodes, not locations, and builds the path only on the way out
/// of a difference: it runs on every member of every generated body.
fn difference(
    spec: &Spec,
    schema: Option<&Value>,
    expected: &Value,
    actual: &Value,
) -> Option<Difference> {
    let schema = schema.and_then(|node| resolved(spec, node));
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            let keys: BTreeSet<&String> = want.keys().chain(got.keys()).collect();
            keys.into_iter().find_map(|key| {
                let inner = match (want.get(key), got.get(key)) {
                    (Some(w), Some(g)) => difference(spec, property(schema, key), w, g),
                    (Some(w), None) => {
                        Some(differs(format!("expected {w}, but the member is missing")))
                    }
                    (None, Some(g)) => Some(differs(format!("unexpected member with value {g}"))),
                    (None, None) => None,
                };
                inner.map(|d| d.inside(|path| path.key(key)))
            })
        }
        (Value::Array(want), Value::Array(got)) => {
            let items = schema.and_then(|node| node.get("items"));
            let inner = want.iter().zip(got).enumerate().find_map(|(i, (w, g))| {
                difference(spec, items, w, g).map(|d| d.inside(|path| path.index(i)))
            });
            inner.or_else(|| {
                (want.len() != got.len()).then(|| {
                    let at = want.len().min(got.len());
                    differs(format!(
                        "expected {} elements, found {}",
                        want.len(),
                        got.len()
                    ))
                    .inside(|path| path.index(at))
                })
            })
        }
        _ if expected == actual => None,
        _ => Some(differs(format!("expected {expected}, found {actual}"))),
    }
}

impl Difference {
    /// The same difference, seen from one level up: `step` is applied to the root
    /// and this difference's path appended.
    fn inside(self, step: impl FnOnce(&JsonPath) -> JsonPath) -> Self {
        Self {
            path: step(&JsonPath::root()).then(&self.path),
            what: self.what,
        }
    }
}

fn differs(what: String) -> Difference {
    Difference {
        path: JsonPath::root(),
        what,
    }
}

/// A schema node with its `$ref` (chain) followed; `None` if it dangles.
fn resolved<'a>(spec: &'a Spec, node: &'a Value) -> Option<&'a Value> {
    match node.get("$ref") {
        None => Some(node),
        Some(reference) => {
            let target = crate::spec::ref_target(reference).ok()?;
            spec.resolve(&target).ok().map(|(_, node)| node)
        }
    }
}

/// The schema of member `key`, if the (resolved) schema declares it.
fn property<'a>(schema: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    schema?.get("properties")?.get(key)
}

/// `value` without the object members its schema does not declare: what a typed
/// client is expected to keep. Objects whose schema allows `additionalProperties`
/// keep everything.
pub fn known_fields(spec: &Spec, schema: &Location, value: &Value) -> Value {
    match spec.get(schema) {
        Some(node) => known_fields_of(spec, node, value),
        None => value.clone(),
    }
}

fn known_fields_of(spec: &Spec, schema: &Value, value: &Value) -> Value {
    let Some(node) = resolved(spec, schema) else {
        return value.clone();
    };
    match value {
        Value::Object(object) if declares_only_its_properties(node) => Value::Object(
            object
                .iter()
                .filter_map(|(key, member)| {
                    property(Some(node), key)
                        .map(|s| (key.clone(), known_fields_of(spec, s, member)))
                })
                .collect(),
        ),
        Value::Array(items) => match node.get("items") {
            Some(item_schema) => Value::Array(
                items
                    .iter()
                    .map(|item| known_fields_of(spec, item_schema, item))
                    .collect(),
            ),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

/// A schema with `properties` and no `additionalProperties` schema or `true`.
fn declares_only_its_properties(node: &Value) -> bool {
    node.get("properties").is_some()
        && !matches!(
            node.get("additionalProperties"),
            Some(Value::Bool(true) | Value::Object(_))
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Spec {
        match Spec::load() {
            Ok(spec) => spec,
            Err(err) => panic!("{err}"),
        }
    }

    fn schema(name: &str) -> Location {
        Location::root().join_all(["components", "schemas", name])
    }

    fn attempt(status: &str, created: &str) -> Value {
        json!({"status": "success", "verifications": [{"id": "a1c68aea-7f4d-478d-80ab-ca9356074f69",
            "status": status, "userDefinedData": [], "createdTime": created}]})
    }

    #[test]
    fn reports_the_json_path_of_the_first_difference() {
        let spec = spec();
        let a = attempt("approved", "2023-09-18T08:33:30.047Z");
        let b = attempt("declined", "2023-09-18T08:33:30.047Z");
        let diff = first_difference(&spec, &schema("SessionAttemptsResponse"), &a, &b);
        assert_eq!(
            diff.map(|d| d.path.to_string()),
            Some("$.verifications[0].status".to_owned())
        );
    }

    #[test]
    fn date_times_compare_exactly() {
        let spec = spec();
        let at = schema("SessionAttemptsResponse");
        let whole = attempt("approved", "2023-09-18T08:33:30.000Z");
        let short = attempt("approved", "2023-09-18T08:33:30Z");
        assert!(first_difference(&spec, &at, &whole, &short).is_some());
        let later = attempt("approved", "2023-09-18T08:33:30.001Z");
        assert!(first_difference(&spec, &at, &whole, &later).is_some());
    }

    /// Why the comparison can be exact: the generated types write every date-time
    /// back with the digits it was read with.
    #[test]
    fn timestamps_round_trip_byte_exact() -> Result<(), serde_json::Error> {
        for text in [
            "2023-09-18T08:33:30.000Z",
            "2023-09-18T08:33:30.047Z",
            "2023-09-18T08:33:30Z",
        ] {
            let time: veriff_attempts::Timestamp = serde_json::from_value(json!(text))?;
            assert_eq!(serde_json::to_value(time)?, json!(text));
        }
        Ok(())
    }

    #[test]
    fn missing_and_extra_members_and_elements_are_differences() {
        let spec = spec();
        let at = schema("ErrorResponse");
        let full = json!({"status": "fail", "code": "1", "message": "m"});
        let short = json!({"status": "fail", "code": "1"});
        let diff = first_difference(&spec, &at, &full, &short)
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(
            diff.contains("$.message") && diff.contains("missing"),
            "{diff}"
        );
        let diff = first_difference(&spec, &at, &short, &full)
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(
            diff.contains("$.message") && diff.contains("unexpected"),
            "{diff}"
        );
        let diff =
            first_difference(&spec, &at, &json!([1, 2]), &json!([1])).map(|d| d.path.to_string());
        assert_eq!(diff, Some("$[1]".to_owned()));
    }

    #[test]
    fn known_fields_drops_undeclared_members_at_every_depth() {
        let spec = spec();
        let mut body = attempt("approved", "2023-09-18T08:33:30.047Z");
        body["extra"] = json!(1);
        body["verifications"][0]["nested_extra"] = json!({"a": 1});
        assert_eq!(
            known_fields(&spec, &schema("SessionAttemptsResponse"), &body),
            attempt("approved", "2023-09-18T08:33:30.047Z")
        );
    }
}
