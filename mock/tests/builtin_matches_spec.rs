//! The built-in data set and the error bodies are the spec's own examples, byte for
//! byte as JSON values, so `veriff serve` answers exactly what the vendor documents.
//! The spec file is read here directly (not through the SDK's generated copy of its
//! facts), so this also proves that copy is faithful.

mod support;

use serde_json::Value;
use veriff_mock::{Fault, MockServer, builtin};

/// The spec's examples of every response status: (status, name, body), in order.
fn spec_examples() -> Vec<(u16, String, Value)> {
    let spec = conformance::Spec::load().unwrap_or_else(|err| panic!("{err}"));
    let document = spec.document();
    let mut found = Vec::new();
    for path in document["paths"].as_object().into_iter().flatten() {
        let responses = &path.1["get"]["responses"];
        for (status, response) in responses.as_object().into_iter().flatten() {
            let status: u16 = status
                .parse()
                .unwrap_or_else(|err| panic!("{status}: {err}"));
            let examples = &response["content"]["application/json"]["examples"];
            for (name, example) in examples.as_object().into_iter().flatten() {
                found.push((status, name.clone(), example["value"].clone()));
            }
        }
    }
    found
}

#[tokio::test]
async fn each_documented_example_is_served_under_its_session_id_in_spec_order() {
    let server = MockServer::start()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let examples: Vec<(String, Value)> = spec_examples()
        .into_iter()
        .filter(|(status, _, _)| *status == 200)
        .map(|(_, name, body)| (name, body))
        .collect();
    let sessions = builtin::documented();
    let names: Vec<&str> = examples.iter().map(|(name, _)| name.as_str()).collect();
    let session_names: Vec<&str> = sessions.iter().map(|session| session.name).collect();
    assert_eq!(
        names, session_names,
        "one built-in session per 200 example of the spec, in its order"
    );
    for ((name, value), session) in examples.iter().zip(&sessions) {
        let raw = support::get_signed(&server, &session.session_id.to_string()).await;
        assert_eq!(&raw.json(), value, "{name}");
    }
}

#[tokio::test]
async fn injected_error_statuses_answer_the_spec_examples() {
    let session = support::session();
    let examples = spec_examples();
    let errors: Vec<&(u16, String, Value)> =
        examples.iter().filter(|(s, _, _)| *s >= 400).collect();
    assert!(!errors.is_empty(), "the spec documents error examples");
    for (status, name, body) in errors {
        let first = examples.iter().find(|(s, _, _)| s == status);
        if first.map(|(_, n, _)| n) != Some(name) {
            continue; // the server answers with a status's first example
        }
        let server = MockServer::builder()
            .fault(session, Fault::status(*status))
            .start()
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        let raw = support::get_signed(&server, session).await;
        assert_eq!(&raw.json(), body, "{status} {name}");
    }
}
