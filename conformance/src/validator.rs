//! [`SpecValidator`]: validates JSON against the spec's schemas with `jsonschema`.
//!
//! The whole document, its schemas converted to JSON Schema 2020-12
//! ([`crate::convert`]), is registered under one URI; each schema is then compiled
//! from a `$ref` into that document, so `#/components/schemas/...` references
//! resolve exactly as they do in the spec. Format validation is on: drafts before
//! 2019-09 do not check `format: uuid`, and 2020-12 only checks formats when asked.

use std::collections::BTreeMap;

use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};

use crate::convert::to_json_schema;
use crate::location::{JsonPath, Location, Step};
use crate::openapi::{schema_nodes, schema_roots};
use crate::spec::{SPEC_FILE, Spec, SpecError};

/// The URI the converted document is registered under (never fetched: offline).
const DOCUMENT_URI: &str = "urn:veriff-attempts:openapi";

/// How many validation errors one message lists.
const MAX_ERRORS_SHOWN: usize = 5;

/// Validates JSON values against the schemas of the spec.
///
/// ```no_run
/// let validator = conformance::SpecValidator::load()?;
/// let body = serde_json::json!({"status": "fail", "code": "1801", "message": "no key"});
/// validator.validate("ErrorResponse", &body).map_err(|why| format!("mock sent a bad body: {why}"))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SpecValidator {
    /// A compiled validator for every schema node, keyed by its JSON pointer.
    validators: BTreeMap<String, Validator>,
}

impl SpecValidator {
    /// Loads `openapi/veriff-attempts.yaml` and compiles every schema in it.
    pub fn load() -> Result<Self, SpecError> {
        Self::new(&Spec::load()?)
    }

    /// Compiles every schema of a loaded spec.
    pub fn new(spec: &Spec) -> Result<Self, SpecError> {
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .add(DOCUMENT_URI, converted_document(spec))
            .and_then(|builder| builder.prepare())
            .map_err(|err| {
                spec.invalid(
                    &Location::root(),
                    &format!("cannot register the document: {err}"),
                )
            })?;
        let mut validators = BTreeMap::new();
        let mut failures = Vec::new();
        for root in schema_roots(spec) {
            for node in schema_nodes(spec, &root) {
                match compile(&registry, &node) {
                    Ok(validator) => drop(validators.insert(node.pointer(), validator)),
                    Err(why) => failures.push((node, why)),
                }
            }
        }
        match culprit(spec, failures) {
            None => Ok(Self { validators }),
            Some((node, why)) => Err(spec.invalid(&node, &format!("not a valid schema: {why}"))),
        }
    }

    /// Validates `value` against `components.schemas.<schema_name>`. The error lists
    /// the failing places (JSONPath) and reasons.
    pub fn validate(&self, schema_name: &str, value: &Value) -> Result<(), String> {
        let at = Location::root().join_all(["components", "schemas", schema_name]);
        if !self.validators.contains_key(&at.pointer()) {
            return Err(format!(
                "{SPEC_FILE} has no schema `components.schemas.{schema_name}`"
            ));
        }
        self.validate_at(&at, value)
    }

    /// Validates `value` against the schema at a location of the spec (any schema
    /// node: a component, a property, a parameter's schema).
    pub fn validate_at(&self, schema: &Location, value: &Value) -> Result<(), String> {
        let validator = self
            .validators
            .get(&schema.pointer())
            .ok_or_else(|| format!("no schema at {} in {SPEC_FILE}", schema.dotted()))?;
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|error| format!("at {}: {error}", instance_path(error.instance_path())))
            .collect();
        if errors.is_empty() {
            return Ok(());
        }
        let shown = errors.len().min(MAX_ERRORS_SHOWN);
        let more = match errors.len() - shown {
            0 => String::new(),
            n => format!("; and {n} more"),
        };
        Err(format!("{}{more}", errors[..shown].join("; ")))
    }

    /// How many schema nodes were compiled.
    pub fn schema_count(&self) -> usize {
        self.validators.len()
    }
}

/// A broken subschema also breaks every schema that contains or refers to it:
/// name the one that is broken itself (not a `$ref`, no failing part inside).
fn culprit(spec: &Spec, failures: Vec<(Location, String)>) -> Option<(Location, String)> {
    let pointers: Vec<String> = failures.iter().map(|(node, _)| node.pointer()).collect();
    let is_culprit = |node: &Location| {
        let inside = format!("{}/", node.pointer());
        let is_ref = spec.get(node).is_some_and(|n| n.get("$ref").is_some());
        !is_ref && !pointers.iter().any(|p| p.starts_with(&inside))
    };
    let position = failures
        .iter()
        .position(|(node, _)| is_culprit(node))
        .unwrap_or(0);
    failures.into_iter().nth(position)
}

/// The spec with every schema converted to JSON Schema 2020-12 in place.
fn converted_document(spec: &Spec) -> Value {
    let mut document = spec.document().clone();
    for root in schema_roots(spec) {
        if let Some(node) = document.pointer_mut(&root.pointer()) {
            *node = to_json_schema(node);
        }
    }
    if let Value::Object(object) = &mut document {
        object.insert(
            "$schema".to_owned(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
    }
    document
}

fn compile(registry: &Registry<'_>, node: &Location) -> Result<Validator, String> {
    let reference = format!("{DOCUMENT_URI}#{}", encode_fragment(&node.pointer()));
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_registry(registry)
        .build(&json!({ "$ref": reference }))
        .map_err(|err| err.to_string())
}

/// Percent-encodes what a URI fragment may not hold (`{id}` in a path, spaces).
fn encode_fragment(pointer: &str) -> String {
    pointer
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b':'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'=' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The instance path of a jsonschema error, in this crate's notation.
pub fn instance_path(location: &jsonschema::paths::Location) -> JsonPath {
    use jsonschema::paths::LocationSegment;
    JsonPath::from_steps(location.segments().map(|segment| match segment {
        LocationSegment::Property(key) => Step::Key(key.into_owned()),
        LocationSegment::Index(index) => Step::Index(index),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validator() -> SpecValidator {
        match SpecValidator::load() {
            Ok(v) => v,
            Err(err) => panic!("{err}"),
        }
    }

    /// The spec's documented 200 bodies (generated into the SDK from the spec).
    fn documented_bodies() -> Vec<Value> {
        veriff_attempts::spec::Example::for_status(200)
            .filter_map(|example| serde_json::from_str(example.json).ok())
            .collect()
    }

    #[test]
    fn validates_named_schemas_through_refs() {
        let v = validator();
        let bodies = documented_bodies();
        assert!(!bodies.is_empty());
        for body in bodies {
            assert_eq!(v.validate("SessionAttemptsResponse", &body), Ok(()));
        }
    }

    #[test]
    fn errors_name_the_place_and_the_format() {
        let v = validator();
        let body = json!({"status": "success", "verifications": [{
            "id": "nope", "status": "approved", "userDefinedData": [], "createdTime": "2023-09-18T08:33:30.047Z"
        }]});
        let err = v
            .validate("SessionAttemptsResponse", &body)
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("$.verifications[0].id") && err.contains("uuid"),
            "{err}"
        );
    }

    #[test]
    fn nullable_properties_admit_null_and_others_do_not() {
        let v = validator();
        // A custom status as documented, with both nullable members null.
        let mut status = documented_bodies()
            .iter()
            .find_map(|body| body["verifications"][0]["userDefinedData"].get(0).cloned())
            .unwrap_or_default();
        status["reason"] = Value::Null;
        status["reasonCode"] = Value::Null;
        assert_eq!(v.validate("UserStatus", &status), Ok(()));
        status["status"] = Value::Null;
        assert!(v.validate("UserStatus", &status).is_err());
    }

    #[test]
    fn an_unknown_schema_name_is_an_error_not_a_pass() {
        let err = validator()
            .validate("Nope", &json!({}))
            .err()
            .unwrap_or_default();
        assert!(err.contains("components.schemas.Nope"), "{err}");
    }

    #[test]
    fn fragments_are_encoded() {
        assert_eq!(encode_fragment("/paths/~1a~1{id}"), "/paths/~1a~1%7Bid%7D");
    }
}
