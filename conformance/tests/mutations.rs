//! The suite catches drift: each test edits the real spec in memory (or swaps in a
//! misbehaving Rust type) and shows which check fails, and that its message names
//! the example or place and the JSON path.

use conformance::codecs::{Codecs, round_trip};
use conformance::contradictions::{self, KnownContradiction};
use conformance::suite::{Report, Suite};
use conformance::{Spec, checks, properties};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use veriff_attempts::types::SessionAttemptsResponse;

/// Cases per property in mutation tests: enough to hit the mutation every time.
const CASES: u32 = 128;

/// The real spec text, read at run time like the suite reads it.
fn real_spec() -> String {
    match std::fs::read_to_string(conformance::spec::spec_path()) {
        Ok(text) => text,
        Err(err) => panic!("{err}"),
    }
}

/// The real spec with `from` (which must occur exactly once) replaced by `to`.
fn mutated_text(from: &str, to: &str) -> String {
    let text = real_spec();
    assert_eq!(
        text.matches(from).count(),
        1,
        "the mutation target must occur once: {from:?}"
    );
    text.replacen(from, to, 1)
}

fn suite_over(text: &str) -> Suite {
    match Suite::from_spec_text(text) {
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

const SINGLE: &str = "paths./v1/sessions/{id}/attempts.get.responses.200.content.application/json.examples.single_attempt_with_custom_status";
const MIXED: &str = "paths./v1/sessions/{id}/attempts.get.responses.200.content.application/json.examples.multiple_attempts_mixed_statuses";
const NO_CUSTOM: &str = "paths./v1/sessions/{id}/attempts.get.responses.200.content.application/json.examples.attempt_no_custom_status";

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
    let suite = real_suite()
        .with_codecs(Codecs::generated().with("SessionAttemptsResponse", renamed_on_output));
    let message = failure(checks::examples_round_trip(&suite));
    assert_mentions(
        &message,
        &[SINGLE, "$.verifications[0].createdTime", "missing"],
    );
    let message = failure(properties::spec_session_attempts_response(&suite));
    assert_mentions(&message, &["createdTime"]);
}

/// The generated error body, but reading `code` from `error_code` (a changed
/// `#[serde(rename)]` on the deserialising side).
#[derive(Serialize, Deserialize)]
struct RenamedErrorResponse {
    #[serde(rename = "error_code")]
    code: String,
    message: String,
    status: String,
}

#[test]
fn a_field_renamed_on_input_fails_examples_and_property_b() {
    let codecs = Codecs::generated().with("ErrorResponse", round_trip::<RenamedErrorResponse>);
    let suite = real_suite().with_codecs(codecs);
    let message = failure(checks::examples_round_trip(&suite));
    assert_mentions(
        &message,
        &["examples.validation_failed", "missing field `error_code`"],
    );
    failure(properties::spec_error_response(&suite));
}

// --- An example made invalid ----------------------------------------------------

#[test]
fn an_invalid_example_fails_validation_and_round_trip() {
    let suite = suite_over(&mutated_text(
        "id: b3d79efa-6c2a-4b8e-92cd-da8467185c7a",
        "id: b3d79efa-not-a-uuid",
    ));
    let message = failure(checks::examples_are_valid(&suite));
    assert_mentions(&message, &[NO_CUSTOM, "$.verifications[0].id", "uuid"]);
    let message = failure(checks::examples_round_trip(&suite));
    assert_mentions(&message, &[NO_CUSTOM, "does not deserialise"]);
}

#[test]
fn an_example_missing_a_required_field_fails() {
    let suite = suite_over(&mutated_text(
        "                        createdTime: \"2023-09-18T10:15:42.789Z\"\n",
        "",
    ));
    let message = failure(checks::examples_are_valid(&suite));
    assert_mentions(&message, &[NO_CUSTOM, "$.verifications[0]", "createdTime"]);
}

// --- An enum value removed from the spec while an example uses it --------------

#[test]
fn an_enum_value_removed_while_an_example_uses_it_fails() {
    let suite = suite_over(&mutated_text("        - resubmission_requested\n", ""));
    let message = failure(checks::examples_are_valid(&suite));
    assert_mentions(
        &message,
        &[MIXED, "$.verifications[1].status", "resubmission_requested"],
    );
    let message = failure(checks::attempt_status_matches_spec(&suite));
    assert_mentions(
        &message,
        &["KNOWN has `resubmission_requested`", "cargo xtask generate"],
    );
}

// --- A `nullable` dropped -------------------------------------------------------

#[test]
fn a_dropped_nullable_fails_the_example_and_property_a() {
    let suite = suite_over(&mutated_text(
        "        reasonCode:\n          type: string\n          nullable: true\n",
        "        reasonCode:\n          type: string\n",
    ));
    let message = failure(checks::examples_are_valid(&suite));
    assert_mentions(
        &message,
        &[
            MIXED,
            "$.verifications[0].userDefinedData[0].reasonCode",
            "null",
        ],
    );
    // Even without an example holding null, Rust's `None` is written as null.
    let message = failure(properties::rust_user_status(&suite));
    assert_mentions(&message, &["$.reasonCode", "null"]);
}

// --- Enum drift between spec and types ------------------------------------------

#[test]
fn a_closed_enum_value_the_types_lack_fails() {
    let suite = suite_over(&mutated_text("enum: [fail]", "enum: [fail, error]"));
    let message = failure(checks::enum_values_round_trip(&suite));
    assert_mentions(
        &message,
        &[
            "components.schemas.ErrorResponse.properties.status.enum[1]",
            "unknown variant `error`",
        ],
    );
}

#[test]
fn a_status_the_open_enum_does_not_know_fails() {
    let suite = suite_over(&mutated_text(
        "        - review\n",
        "        - review\n        - paused\n",
    ));
    let message = failure(checks::attempt_status_matches_spec(&suite));
    assert_mentions(&message, &["`paused`", "Unknown", "cargo xtask generate"]);
    // The open enum itself keeps `paused` (as Unknown), so only the check above,
    // which asks for a KNOWN variant, can notice the stale types.
    assert!(checks::enum_values_round_trip(&suite).is_ok());
}

/// The error body with a status that accepts anything: a closed enum made open.
#[derive(Serialize, Deserialize)]
struct OpenErrorResponse {
    code: String,
    message: String,
    status: String,
}

#[test]
fn a_closed_enum_that_accepts_other_values_fails() {
    let suite = real_suite()
        .with_codecs(Codecs::generated().with("ErrorResponse", round_trip::<OpenErrorResponse>));
    let message = failure(checks::outside_values(&suite));
    assert_mentions(
        &message,
        &["ErrorResponse.properties.status", "closed enum accepted"],
    );
}

// --- Contradictions -------------------------------------------------------------

#[test]
fn an_unlisted_contradiction_fails() {
    let suite = suite_over(&mutated_text(
        "                        status: submitted\n",
        "                        status: declined\n",
    ));
    let message = failure(checks::contradictions_are_known(&suite));
    assert_mentions(
        &message,
        &[
            "unlisted contradiction",
            NO_CUSTOM,
            "$.verifications[0].status",
            "`declined`",
            "x-vendor-page-enum",
        ],
    );
}

#[test]
fn a_contradiction_that_no_longer_occurs_must_leave_the_list() {
    let text = real_spec().replace("status: approved", "status: submitted");
    let message = failure(checks::contradictions_are_known(&suite_over(&text)));
    assert_mentions(&message, &["stale entry", "`approved`"]);
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
    let anchor = "                attempt_no_custom_status:\n";
    let added = "                second_attempt_created:\n                  value:\n                    status: success\n                    verifications:\n                      - id: 0b4c2b9e-1c39-4b0e-9b8a-3f1f6c1f0a11\n                        status: created\n                        userDefinedData: []\n                        createdTime: \"2024-02-29T23:59:59.999Z\"\n";
    let before = real_suite();
    let after = suite_over(&mutated_text(anchor, &format!("{added}{anchor}")));
    for check in [checks::examples_are_valid, checks::examples_round_trip] {
        let (old, new) = (check(&before), check(&after));
        assert!(new.is_ok(), "{:?}", new.failure);
        assert_eq!(new.cases, old.cases + 1);
    }
}

#[test]
fn a_new_property_is_generated_and_caught_until_the_types_know_it() {
    let suite = suite_over(&mutated_text(
        "            $ref: \"#/components/schemas/UserStatus\"\n",
        "            $ref: \"#/components/schemas/UserStatus\"\n        attemptNumber:\n          type: integer\n",
    ));
    let message = failure(properties::spec_attempt(&suite));
    assert_mentions(&message, &["$.attemptNumber", "missing"]);
}

#[test]
fn a_schema_without_a_rust_type_fails_the_registry() {
    let suite = suite_over(&format!(
        "{}    NewThing:\n      type: string\n",
        real_spec()
    ));
    let message = failure(checks::registry_covers_every_schema(&suite));
    assert_mentions(
        &message,
        &[
            "`NewThing` has no registered Rust type",
            "conformance/src/codecs.rs",
        ],
    );
}
