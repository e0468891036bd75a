//! Drift: what a live response has that the spec does not describe, but that the
//! SDK tolerates by design, told apart from what the SDK would reject.
//!
//! Veriff may add response properties at any time, and adds status values in
//! practice. A body carrying a value of an open enum (`x-extensible-enum: true`) that
//! the spec does not list, or a property the spec does not declare, is still read by
//! the SDK (`Unknown(..)`, ignored members): that is drift, reported with the spec
//! change it calls for. Everything else that makes the body invalid against the spec
//! is a failure.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use crate::checks::EXTENSIBLE;
use crate::location::{JsonPath, Location};
use crate::spec::Spec;
use crate::validator::SpecValidator;

/// One thing a body has that the spec does not describe, and that the SDK keeps or
/// ignores.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// A value of an open enum that the spec does not list.
    EnumValue {
        /// The enum's schema.
        schema: Location,
        /// The value received.
        value: String,
        /// Where in the body (the first place it was seen).
        at: String,
    },
    /// An object member that the object's schema does not declare.
    Property {
        /// The object's schema.
        schema: Location,
        /// The member's name.
        name: String,
        /// The JSON type of its value (`string`, `number`, ...).
        json_type: &'static str,
        /// Where in the body (the first place it was seen).
        at: String,
    },
}

impl Drift {
    /// The spec change that would describe it.
    pub fn spec_change(&self) -> String {
        match self {
            Drift::EnumValue { schema, value, .. } => format!(
                "add `{value}` to {}.enum (an open enum: a compatible change), then `cargo xtask generate`",
                schema.dotted()
            ),
            Drift::Property {
                schema,
                name,
                json_type,
                ..
            } => format!(
                "add property `{name}` (type: {json_type}, optional) to {}.properties (a compatible change), then `cargo xtask generate`",
                schema.dotted()
            ),
        }
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::EnumValue { value, at, .. } => write!(
                f,
                "{at}: `{value}` is not in the spec's enum (the SDK keeps it as Unknown); {}",
                self.spec_change()
            ),
            Drift::Property { name, at, .. } => write!(
                f,
                "{at}: member `{name}` is not in the spec (the SDK ignores it); {}",
                self.spec_change()
            ),
        }
    }
}

/// What a body is, measured against the spec.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Classified {
    /// What the spec does not describe but the SDK tolerates, each kind once.
    pub drift: Vec<Drift>,
    /// Why the body is invalid against the spec once drift is set aside; `None` if
    /// it is valid.
    pub invalid: Option<String>,
}

/// Classifies `body` against the schema at `schema` (a place a [`SpecValidator`]
/// validates at, such as a response's body schema).
pub fn classify(
    spec: &Spec,
    validator: &SpecValidator,
    schema: &Location,
    body: &Value,
) -> Classified {
    let mut normalised = body.clone();
    let mut found = BTreeSet::new();
    walk(
        spec,
        schema,
        &mut normalised,
        &JsonPath::root(),
        &mut found,
        0,
    );
    let invalid = validator.validate_at(schema, &normalised).err();
    // The same drift (schema, value or member) is reported once, at its first place.
    let mut seen = BTreeSet::new();
    let drift = found
        .into_iter()
        .filter(|drift| {
            let key = match drift {
                Drift::EnumValue { schema, value, .. } => (schema.pointer(), value.clone()),
                Drift::Property { schema, name, .. } => (schema.pointer(), name.clone()),
            };
            seen.insert(key)
        })
        .collect();
    Classified { drift, invalid }
}

/// Records the drift under `at` and replaces each unknown open-enum value by a
/// documented one, so that validating what is left finds only real failures.
fn walk(
    spec: &Spec,
    at: &Location,
    value: &mut Value,
    path: &JsonPath,
    found: &mut BTreeSet<Drift>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let Ok((at, node)) = spec.resolve(at) else {
        return;
    };
    if node.get(EXTENSIBLE) == Some(&Value::Bool(true))
        && let (Some(Value::Array(values)), Value::String(text)) = (node.get("enum"), &*value)
        && !values.iter().any(|v| v.as_str() == Some(text))
    {
        found.insert(Drift::EnumValue {
            schema: at.clone(),
            value: text.clone(),
            at: path.to_string(),
        });
        if let Some(first) = values.first() {
            *value = first.clone();
        }
        return;
    }
    match value {
        Value::Object(object) => {
            let declared = node.get("properties").and_then(Value::as_object);
            let closed = node.get("additionalProperties") == Some(&Value::Bool(false));
            for (key, member) in object.iter_mut() {
                match declared.and_then(|properties| properties.get(key)) {
                    Some(_) => walk(
                        spec,
                        &at.join_all(["properties", key.as_str()]),
                        member,
                        &path.key(key),
                        found,
                        depth + 1,
                    ),
                    // Undeclared members of a closed object stay a validation failure.
                    None if declared.is_some() && !closed => {
                        found.insert(Drift::Property {
                            schema: at.clone(),
                            name: key.clone(),
                            json_type: json_type(member),
                            at: path.key(key).to_string(),
                        });
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) if node.get("items").is_some() => {
            for (index, item) in items.iter_mut().enumerate() {
                walk(
                    spec,
                    &at.join("items"),
                    item,
                    &path.index(index),
                    found,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real() -> (Spec, SpecValidator) {
        let spec = Spec::load().unwrap_or_else(|err| panic!("{err}"));
        let validator = SpecValidator::new(&spec).unwrap_or_else(|err| panic!("{err}"));
        (spec, validator)
    }

    /// The first documented 200 example with attempts, and its schema.
    fn documented() -> (Value, Location) {
        let body = veriff_attempts::spec::Example::for_status(200)
            .filter_map(|e| serde_json::from_str::<Value>(e.json).ok())
            .find(|b| b["verifications"].as_array().is_some_and(|a| !a.is_empty()))
            .unwrap_or_default();
        let op = crate::openapi::operations(&real().0)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no operation"));
        let schema = op
            .body_schema(&real().0, "200")
            .unwrap_or_else(|| panic!("no 200 schema"));
        (body, schema)
    }

    #[test]
    fn a_documented_body_has_no_drift() {
        let (spec, validator) = real();
        let (body, schema) = documented();
        assert_eq!(
            classify(&spec, &validator, &schema, &body),
            Classified::default()
        );
    }

    #[test]
    fn an_unknown_status_and_members_are_drift_with_the_spec_change() {
        let (spec, validator) = real();
        let (mut body, schema) = documented();
        body["verifications"][0]["status"] = "needs_manual_review".into();
        // Names no version of the spec will declare.
        body["verifications"][0]["memberNotInTheSpec"] = 0.3.into();
        body["anotherMemberNotInTheSpec"] = "2".into();
        let classified = classify(&spec, &validator, &schema, &body);
        assert_eq!(classified.invalid, None);
        let lines: Vec<String> = classified.drift.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        let text = lines.join("\n");
        for expected in [
            "$.verifications[0].status: `needs_manual_review`",
            ".enum (an open enum: a compatible change)",
            "$.verifications[0].memberNotInTheSpec: member `memberNotInTheSpec`",
            "(type: number, optional)",
            "$.anotherMemberNotInTheSpec: member `anotherMemberNotInTheSpec`",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }

    #[test]
    fn what_the_sdk_rejects_is_still_invalid() {
        let (spec, validator) = real();
        let (mut body, schema) = documented();
        body["verifications"][0]["status"] = "needs_manual_review".into();
        body["verifications"][0]["id"] = "not-a-uuid".into();
        let classified = classify(&spec, &validator, &schema, &body);
        assert_eq!(classified.drift.len(), 1);
        assert!(
            classified
                .invalid
                .is_some_and(|why| why.contains("$.verifications[0].id")),
        );
        // A closed enum's unknown value is no drift: the SDK rejects it.
        let (mut body, schema) = documented();
        body["status"] = "partial".into();
        let classified = classify(&spec, &validator, &schema, &body);
        assert!(classified.drift.is_empty() && classified.invalid.is_some());
    }
}
