//! The suite catches drift: each test edits the real spec in memory (or swaps in a
//! misbehaving Rust type) and shows which check fails, and that its message names
//! the example or place and the JSON path.
//!
//! The edits work on the parsed spec and pick their targets by structure (the first
//! 200 example with attempts, the first nullable member an example sets to null, the
//! spec's open enum), never by the spec's current text, so they keep working when
//! the spec gains properties, examples, statuses or enum values.

use conformance::codecs::{Codecs, round_trip};
use conformance::contradictions::{self, KnownContradiction};
use conformance::location::Location;
use conformance::suite::{Report, Suite};
use conformance::{Spec, checks};
use serde_json::{Value, json};
use veriff_attempts::types::{ErrorResponse, SessionAttemptsResponse};

/// Cases per property in mutation tests: enough to hit the mutation every time.
const CASES: u32 = 128;

/// The real spec as a JSON value, read at run time like the suite reads it.
fn real_spec() -> Value {
    match Spec::load() {
        Ok(spec) => spec.document().clone(),
        Err(err) => panic!("{err}"),
    }
}

/// A suite over an edited spec (JSON is YAML, so the loader reads it as is).
fn suite_over(spec: &Value) -> Suite {
    match Suite::from_spec_text(&spec.to_string()) {
        Ok(suite) => suite.with_cases(Ok(CASES)),
        Err(err) => panic!("{err}"),
    }
}

fn real_suite() -> Suite {
    suite_over(&real_spec())
}

/// The failure message of a report that must fail.
fn failure(report: Report) -> String {
    match report.failure {
        Some(failure) => failure,
        None => panic!(
            "the check passed on a mutation it must catch ({} cases)",
            report.cases
        ),
    }
}

fn assert_mentions(message: &str, expected: &[&str]) {
    for part in expected {
        assert!(message.contains(part), "{part:?} missing from:\n{message}");
    }
}

/// The one operation's location (`/paths/<path>/get`).
fn operation(spec: &Value) -> Location {
    let path = spec["paths"]
        .as_object()
        .and_then(|paths| paths.keys().next().cloned())
        .unwrap_or_default();
    Location::root().join_all(["paths", path.as_str(), "get"])
}

/// The examples of a status: (dotted name as the suite reports it, pointer to the value).
fn examples_of(spec: &Value, status: &str) -> Vec<(String, String)> {
    let media = operation(spec).join_all(["responses", status, "content", "application/json"]);
    let names: Vec<String> = spec
        .pointer(&media.join("examples").pointer())
        .and_then(Value::as_object)
        .map(|examples| examples.keys().cloned().collect())
        .unwrap_or_default();
    names
        .into_iter()
        .map(|name| {
            let at = media.join_all(["examples", name.as_str()]);
            (at.dotted(), at.join("value").pointer())
        })
        .collect()
}

/// The first 200 example with at least one attempt: (its name, pointer to its value).
fn example_with_attempts(spec: &Value) -> (String, String) {
    examples_of(spec, "200")
        .into_iter()
        .find(|(_, value)| {
            spec.pointer(value)
                .and_then(|v| v["verifications"].as_array())
                .is_some_and(|a| !a.is_empty())
        })
        .unwrap_or_else(|| panic!("the spec has no 200 example with attempts"))
}

fn at_mut<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("nothing at {pointer}"))
}

fn object_mut<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut serde_json::Map<String, Value> {
    at_mut(spec, pointer)
        .as_object_mut()
        .unwrap_or_else(|| panic!("no object at {pointer}"))
}

fn array_mut<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Vec<Value> {
    at_mut(spec, pointer)
        .as_array_mut()
        .unwrap_or_else(|| panic!("no array at {pointer}"))
}

/// The named schema of the attempts (the items of `verifications`).
fn attempt_schema(spec: &Value) -> String {
    let reference = spec["components"]["schemas"]
        .as_object()
        .and_then(|schemas| {
            schemas
                .values()
                .find_map(|s| s["properties"]["verifications"]["items"]["$ref"].as_str())
        })
        .unwrap_or_default();
    reference.rsplit('/').next().unwrap_or_default().to_owned()
}

/// The spec's first open enum (`x-extensible-enum: true`).
fn open_enum(spec: &Value) -> String {
    spec["components"]["schemas"]
        .as_object()
        .and_then(|schemas| {
            schemas
                .iter()
                .find(|(_, s)| s["x-extensible-enum"] == json!(true))
                .map(|(name, _)| name.clone())
        })
        .unwrap_or_else(|| panic!("the spec has no open enum"))
}

// --- A field renamed in the generated types -------------------------------------

/// The generated 200 body, but writing `createdTime` as `created_time` (a changed
/// `#[serde(rename)]` on the serialising side).
fn renamed_on_output(value: &Value) -> Result<Value, String> {
    let mut out = round_trip::<SessionAttemptsResponse>(value)?;
    for attempt in out["verifications"].as_array_mut().into_iter().flatten() {
        if let Some(object) = attempt.as_object_mut()
            && let Some(time) = object.remove("createdTime")
        {
            object.insert("created_time".to_owned(), time);
        }
    }
    Ok(out)
}

#[test]
fn a_field_renamed_on_output_fails_examples_and_property_b() {
    let spec = real_spec();
    let (example, _) = example_with_attempts(&spec);
    let suite = real_suite()
        .with_codecs(Codecs::generated().with("SessionAttemptsResponse", renamed_on_output));
    let message = failure(checks::examples_round_trip(&suite));
    assert_mentions(
        &message,
        &[&example, "$.verifications[0].createdTime", "missing"],
    );
    let message = failure(checks::spec_round_trip(&suite, "SessionAttemptsResponse"));
    assert_mentions(&message, &["createdTime"]);
}

/// The generated error body, but reading `code` from `error_code` (a changed
/// `#[serde(rename)]` on the deserialising side).
fn renamed_on_input(value: &Value) -> Result<Value, String> {
    let mut value = value.clone();
    if let Some(object) = value.as_object_mut() {
        let code = object.remove("error_code").unwrap_or(Value::Null);
        object.remove("code");
        if !code.is_null() {
            object.insert("code".to_owned(), code);
        }
    }
    round_trip::<ErrorResponse>(&value)
}

#[test]
fn a_field_renamed_on_input_fails_examples_and_property_b() {
    let spec = real_spec();
    let suite =
        real_suite().with_codecs(Codecs::generated().with("ErrorResponse", renamed_on_input));
    let message = failure(checks::examples_round_trip(&suite));
    let (first_error_example, _) = examples_of(&spec, "400")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("the spec has no 400 example"));
    assert_mentions(&message, &[&first_error_example, "missing field `code`"]);
    failure(checks::spec_round_trip(&suite, "ErrorResponse"));
}

// --- An example made invalid ----------------------------------------------------

#[test]
fn an_invalid_example_fails_validation_and_round_trip() {
    let mut spec = real_spec();
    let (example, value) = example_with_attempts(&spec);
    *at_mut(&mut spec, &format!("{value}/verifications/0/id")) = json!("b3d79efa-not-a-uuid");
    let suite = suite_over(&spec);
    let message = failure(checks::examples_are_valid(&suite));
    assert_mentions(&message, &[&example, "$.verifications[0].id", "uuid"]);
    let message = failure(checks::examples_round_trip(&suite));
    assert_mentions(&message, &[&example, "does not deserialise"]);
}

#[test]
fn an_example_missing_a_required_field_fails() {
    let mut spec = real_spec();
    let (example, value) = example_with_attempts(&spec);
    object_mut(&mut spec, &format!("{value}/verifications/0")).remove("createdTime");
    let message = failure(checks::examples_are_valid(&suite_over(&spec)));
    assert_mentions(&message, &[&example, "$.verifications[0]", "createdTime"]);
}

// --- An enum value removed from the spec while an example uses it --------------

#[test]
fn an_enum_value_removed_while_an_example_uses_it_fails() {
    let mut spec = real_spec();
    let (example, value) = example_with_attempts(&spec);
    let used = spec
        .pointer(&format!("{value}/verifications/0/status"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let open = open_enum(&spec);
    array_mut(&mut spec, &format!("/components/schemas/{open}/enum"))
        .retain(|x| x != used.as_str());
    let suite = suite_over(&spec);
    let message = failure(checks::examples_are_valid(&suite));
    assert_mentions(&message, &[&example, "$.verifications[0].status", &used]);
    let message = failure(checks::open_enums_match_spec(&suite));
    assert_mentions(
        &message,
        &[&format!("KNOWN has `{used}`"), "cargo xtask generate"],
    );
}

// --- A `nullable` dropped -------------------------------------------------------

/// The first place where a 200 example holds `null`: (example, JSON path, the
/// schema location of that property).
fn first_null(spec: &Value) -> (String, String, Location) {
    fn walk(
        spec: &Value,
        schema: &Location,
        value: &Value,
        path: String,
    ) -> Option<(String, Location)> {
        let mut schema = schema.clone();
        while let Some(reference) = spec
            .pointer(&schema.pointer())
            .and_then(|s| s["$ref"].as_str())
        {
            schema = Location::from_pointer(reference.trim_start_matches('#'));
        }
        match value {
            Value::Object(object) => object.iter().find_map(|(key, member)| {
                let at = schema.join_all(["properties", key.as_str()]);
                if member.is_null() {
                    Some((format!("{path}.{key}"), at))
                } else {
                    walk(spec, &at, member, format!("{path}.{key}"))
                }
            }),
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                walk(spec, &schema.join("items"), item, format!("{path}[{i}]"))
            }),
            _ => None,
        }
    }
    let body =
        operation(spec).join_all(["responses", "200", "content", "application/json", "schema"]);
    examples_of(spec, "200")
        .into_iter()
        .find_map(|(name, value)| {
            let value = spec.pointer(&value)?;
            walk(spec, &body, value, "$".to_owned()).map(|(path, at)| (name, path, at))
        })
        .unwrap_or_else(|| panic!("no 200 example holds null"))
}

#[test]
fn a_dropped_nullable_fails_the_example_and_property_a() {
    let mut spec = real_spec();
    let (example, path, property) = first_null(&spec);
    object_mut(&mut spec, &property.pointer()).remove("nullable");
    let suite = suite_over(&spec);
    let message = failure(checks::examples_are_valid(&suite));
    assert_mentions(&message, &[&example, &path, "null"]);
    // Even without an example holding null, Rust's `None` is written as null.
    let schema = property.segments()[2].clone();
    let key = property.last().unwrap_or_default().to_owned();
    let message = failure(checks::rust_values(&suite, &schema));
    assert_mentions(&message, &[&format!("$.{key}"), "null"]);
}

// --- Enum drift between spec and types ------------------------------------------

#[test]
fn a_closed_enum_value_the_types_lack_fails() {
    let mut spec = real_spec();
    let values = array_mut(
        &mut spec,
        "/components/schemas/ErrorResponse/properties/status/enum",
    );
    let count = values.len();
    values.push(json!("error"));
    let message = failure(checks::enum_values_round_trip(&suite_over(&spec)));
    assert_mentions(
        &message,
        &[
            &format!("components.schemas.ErrorResponse.properties.status.enum[{count}]"),
            "unknown variant `error`",
        ],
    );
}

#[test]
fn a_value_the_open_enum_does_not_know_fails() {
    let mut spec = real_spec();
    let open = open_enum(&spec);
    array_mut(&mut spec, &format!("/components/schemas/{open}/enum"))
        .push(json!("paused_by_a_mutation_test"));
    let suite = suite_over(&spec);
    let message = failure(checks::open_enums_match_spec(&suite));
    assert_mentions(
        &message,
        &[
            "`paused_by_a_mutation_test`",
            "Unknown",
            "cargo xtask generate",
        ],
    );
    // The open enum itself keeps the value (as Unknown), so only the check above,
    // which asks for a named variant, can notice the stale types.
    assert!(checks::enum_values_round_trip(&suite).is_ok());
}

#[test]
fn an_enum_the_spec_stops_marking_open_fails() {
    let mut spec = real_spec();
    let open = open_enum(&spec);
    object_mut(&mut spec, &format!("/components/schemas/{open}")).remove("x-extensible-enum");
    let message = failure(checks::open_enums_match_spec(&suite_over(&spec)));
    assert_mentions(
        &message,
        &[&open, "no longer marks", "cargo xtask generate"],
    );
}

/// The error body with a status that accepts anything: a closed enum made open.
fn any_error_status(value: &Value) -> Result<Value, String> {
    let mut value = value.clone();
    let status = value
        .get_mut("status")
        .map(Value::take)
        .unwrap_or(Value::Null);
    value["status"] = json!("fail");
    let mut back = round_trip::<ErrorResponse>(&value)?;
    back["status"] = status;
    Ok(back)
}

#[test]
fn a_closed_enum_that_accepts_other_values_fails() {
    let suite =
        real_suite().with_codecs(Codecs::generated().with("ErrorResponse", any_error_status));
    let message = failure(checks::outside_values(&suite));
    assert_mentions(
        &message,
        &["ErrorResponse.properties.status", "closed enum accepted"],
    );
}

// --- Contradictions -------------------------------------------------------------

#[test]
fn an_unlisted_contradiction_fails() -> Result<(), conformance::SpecError> {
    let mut spec = real_spec();
    let open = open_enum(&spec);
    let schema = &spec["components"]["schemas"][&open];
    let page: Vec<Value> = schema["x-vendor-page-enum"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let known: Vec<String> = contradictions::load_known()?
        .into_iter()
        .map(|k| k.value)
        .collect();
    let outside = schema["enum"]
        .as_array()
        .and_then(|values| {
            values
                .iter()
                .filter_map(Value::as_str)
                .find(|v| !page.contains(&json!(v)) && !known.iter().any(|k| k == v))
        })
        .unwrap_or_else(|| panic!("every enum value is on the page or listed"))
        .to_owned();
    let (example, value) = example_with_attempts(&spec);
    *at_mut(&mut spec, &format!("{value}/verifications/0/status")) = json!(outside);
    let message = failure(checks::contradictions_are_known(&suite_over(&spec)));
    assert_mentions(
        &message,
        &[
            "unlisted contradiction",
            &example,
            "$.verifications[0].status",
            &format!("`{outside}`"),
            "x-vendor-page-enum",
        ],
    );
    Ok(())
}

/// Replaces every string equal to `from` inside the examples of the spec.
fn replace_in_examples(node: &mut Value, from: &str, to: &str, inside: bool) {
    match node {
        Value::String(s) if inside && s == from => *s = to.to_owned(),
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let inside = inside || key == "examples" || key == "example";
                replace_in_examples(child, from, to, inside);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| replace_in_examples(item, from, to, inside)),
        _ => {}
    }
}

#[test]
fn a_contradiction_that_no_longer_occurs_must_leave_the_list() -> Result<(), conformance::SpecError>
{
    let mut spec = real_spec();
    let entry = contradictions::load_known()?
        .into_iter()
        .find(|k| k.rule == "x-vendor-page-enum")
        .unwrap_or_else(|| panic!("no listed page-enum contradiction"));
    let open = open_enum(&spec);
    let on_page = spec["components"]["schemas"][&open]["x-vendor-page-enum"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    replace_in_examples(&mut spec, &entry.value, &on_page, false);
    let message = failure(checks::contradictions_are_known(&suite_over(&spec)));
    assert_mentions(&message, &["stale entry", &format!("`{}`", entry.value)]);
    Ok(())
}

#[test]
fn an_entry_without_sdk_handling_fails() -> Result<(), conformance::SpecError> {
    let known: Vec<KnownContradiction> = contradictions::load_known()?
        .into_iter()
        .map(|entry| KnownContradiction {
            sdk: String::new(),
            ..entry
        })
        .collect();
    let suite = Suite::new(Spec::load()?, Codecs::generated(), known)?;
    let message = failure(checks::contradictions_are_known(&suite));
    assert_mentions(&message, &["`sdk:`"]);
    Ok(())
}

// --- New things in the spec are covered without editing Rust --------------------

#[test]
fn a_new_example_adds_a_case_without_editing_rust() {
    let mut spec = real_spec();
    let (_, value) = example_with_attempts(&spec);
    let copy = spec.pointer(&value).cloned().unwrap_or_default();
    let examples = value
        .trim_end_matches("/value")
        .rsplit_once('/')
        .map(|(parent, _)| parent.to_owned())
        .unwrap_or_default();
    object_mut(&mut spec, &examples)
        .insert("a_copy_made_by_a_test".to_owned(), json!({"value": copy}));
    let (before, after) = (real_suite(), suite_over(&spec));
    for check in [checks::examples_are_valid, checks::examples_round_trip] {
        let (old, new) = (check(&before), check(&after));
        assert!(new.is_ok(), "{:?}", new.failure);
        assert_eq!(new.cases, old.cases + 1);
    }
}

#[test]
fn a_new_property_is_generated_and_caught_until_the_types_know_it() {
    let mut spec = real_spec();
    let attempt = attempt_schema(&spec);
    object_mut(
        &mut spec,
        &format!("/components/schemas/{attempt}/properties"),
    )
    .insert("probeAddedByATest".to_owned(), json!({"type": "integer"}));
    let suite = suite_over(&spec);
    let message = failure(checks::spec_round_trip(&suite, &attempt));
    assert_mentions(&message, &["$.probeAddedByATest", "missing"]);
    // The Rust types (not regenerated) never produce it: coverage names it.
    let message = failure(checks::properties_covered(&suite));
    assert_mentions(
        &message,
        &[&format!(
            "components.schemas.{attempt}.properties.probeAddedByATest: never present in property a"
        )],
    );
    assert!(
        !message.contains("never present in property b"),
        "{message}"
    );
}

#[test]
fn a_schema_without_a_rust_type_fails_the_registry() {
    let mut spec = real_spec();
    object_mut(&mut spec, "/components/schemas")
        .insert("NewThing".to_owned(), json!({"type": "string"}));
    let message = failure(checks::registry_covers_every_schema(&suite_over(&spec)));
    assert_mentions(
        &message,
        &["`NewThing` has no Rust type", "cargo xtask generate"],
    );
}

#[test]
fn a_registry_entry_without_its_schema_fails() {
    let codecs = Codecs::generated().with("Vanished", round_trip::<ErrorResponse>);
    let message = failure(checks::registry_covers_every_schema(
        &real_suite().with_codecs(codecs),
    ));
    assert_mentions(&message, &["`Vanished` names no schema"]);
}

#[test]
fn the_unmutated_spec_passes_every_check_above() {
    let suite = real_suite();
    for report in [
        checks::examples_are_valid(&suite),
        checks::examples_round_trip(&suite),
        checks::enum_values_round_trip(&suite),
        checks::outside_values(&suite),
        checks::open_enums_match_spec(&suite),
        checks::contradictions_are_known(&suite),
        checks::registry_covers_every_schema(&suite),
        checks::properties_covered(&suite),
    ] {
        assert!(report.is_ok(), "{:?}", report.failure);
    }
}
