//! A broken spec is a failure that names the place, never a panic.

use conformance::{Spec, SpecError, SpecValidator};

fn real_spec() -> String {
    match std::fs::read_to_string(conformance::spec::spec_path()) {
        Ok(text) => text,
        Err(err) => panic!("{err}"),
    }
}

fn error_of(text: &str) -> String {
    match Spec::from_text(text, "<in-memory>") {
        Ok(_) => panic!("a broken spec loaded"),
        Err(err) => err.to_string(),
    }
}

fn once(from: &str, to: &str) -> String {
    let text = real_spec();
    assert_eq!(text.matches(from).count(), 1, "{from:?}");
    text.replacen(from, to, 1)
}

#[test]
fn a_dangling_ref_names_the_json_pointer_of_the_ref() {
    let err = error_of(&once(
        "$ref: \"#/components/schemas/SessionAttemptsResponse\"",
        "$ref: \"#/components/schemas/Nope\"",
    ));
    assert!(
        err.contains("/paths/~1v1~1sessions~1{id}~1attempts/get/responses/200/content/application~1json/schema/$ref")
            && err.contains("#/components/schemas/Nope"),
        "{err}"
    );
}

#[test]
fn a_dangling_ref_inside_a_schema_is_found_too() {
    let err = error_of(&once(
        "$ref: \"#/components/schemas/UserStatus\"",
        "$ref: \"#/components/schemas/UserStatuses\"",
    ));
    assert!(err.contains("/components/schemas/SessionAttemptsResponseVerification/properties/userDefinedData/items/$ref"), "{err}");
}

#[test]
fn invalid_yaml_names_the_line() {
    let err = error_of(&format!("{}\n  bad: [unclosed\n", real_spec()));
    assert!(
        err.contains("not valid YAML") && err.contains("line"),
        "{err}"
    );
}

#[test]
fn openapi_3_1_is_refused_at_openapi() {
    let err = error_of(&once("openapi: 3.0.3", "openapi: 3.1.0"));
    assert!(
        err.contains("at /openapi") && err.contains("3.1.0"),
        "{err}"
    );
}

#[test]
fn a_structural_error_names_its_place() {
    let err = error_of(&once(
        "          description: Successfully retrieved session attempts\n",
        "",
    ));
    assert!(
        err.contains("/paths/~1v1~1sessions~1{id}~1attempts/get/responses/200"),
        "{err}"
    );
}

#[test]
fn a_missing_file_names_the_path() {
    let path = std::path::Path::new("/nonexistent/veriff-attempts.yaml");
    match Spec::from_file(path) {
        Err(err @ SpecError::Read { .. }) => {
            assert!(err.to_string().contains("/nonexistent/"), "{err}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_schema_json_schema_cannot_compile_is_named() {
    let text = once(
        "          format: uuid\n          description: Unique",
        "          pattern: \"([\"\n          format: uuid\n          description: Unique",
    );
    let err = match Spec::from_text(&text, "<in-memory>").and_then(|spec| SpecValidator::new(&spec))
    {
        Ok(_) => panic!("an invalid pattern compiled"),
        Err(err) => err.to_string(),
    };
    assert!(
        err.contains("/components/schemas/SessionAttemptsResponseVerification/properties/id"),
        "{err}"
    );
}
