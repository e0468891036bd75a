//! The built-in data set and the error bodies are the spec's own examples, byte for
//! byte as JSON values, so `veriff serve` answers exactly what the vendor documents.

mod support;

use serde_json::Value;
use veriff_mock::{Fault, MockServer, builtin};

/// The spec's examples for `status`, by name.
fn spec_examples(status: &str) -> Vec<(String, Value)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/veriff-attempts.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path}: {err}"));
    let spec: Value = serde_yaml::from_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"));
    let examples = &spec["paths"]["/v1/sessions/{id}/attempts"]["get"]["responses"][status]["content"]
        ["application/json"]["examples"];
    let examples = examples
        .as_object()
        .unwrap_or_else(|| panic!("{path}: no examples for {status}"));
    examples
        .iter()
        .map(|(name, example)| (name.clone(), example["value"].clone()))
        .collect()
}

#[tokio::test]
async fn each_documented_example_is_served_under_its_session_id() {
    let server = MockServer::start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let examples = spec_examples("200");
    let mut names: Vec<&str> = examples.iter().map(|(name, _)| name.as_str()).collect();
    let mut builtin_names: Vec<&str> = builtin::DOCUMENTED
        .iter()
        .map(|example| example.name)
        .collect();
    names.sort_unstable();
    builtin_names.sort_unstable();
    assert_eq!(
        names, builtin_names,
        "one built-in session per 200 example of the spec"
    );
    for (name, value) in &examples {
        let example = builtin::DOCUMENTED
            .iter()
            .find(|example| example.name == name);
        let session_id = example.map_or("", |example| example.session_id);
        let raw = support::get_signed(&server, session_id).await;
        assert_eq!(&raw.json(), value, "{name}");
    }
}

#[tokio::test]
async fn injected_error_statuses_answer_the_spec_examples() {
    let session = builtin::SINGLE_ATTEMPT_WITH_CUSTOM_STATUS.session_id;
    for status in ["400", "401", "404", "500"] {
        let code = status.parse().unwrap_or_else(|err| panic!("{err}"));
        let server = MockServer::builder()
            .fault(session, Fault::status(code))
            .start()
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        let raw = support::get_signed(&server, session).await;
        let examples = spec_examples(status);
        assert_eq!(examples.len(), 1, "{status}");
        assert_eq!(raw.json(), examples[0].1, "{status}");
    }
}
