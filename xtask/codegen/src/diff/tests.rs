//! Each class of change, made on the real spec, with the line it must produce.

use serde_json::{Value, json};

use super::*;

fn real_text() -> String {
    std::fs::read_to_string(crate::workspace_root().join(SPEC)).unwrap_or_default()
}

fn real() -> Value {
    match Spec::from_text(&real_text(), "t") {
        Ok(spec) => spec.document().clone(),
        Err(err) => panic!("{err}"),
    }
}

/// The report of `edit` applied to the real spec.
fn diff(edit: impl FnOnce(&mut Value)) -> Report {
    let mut spec = real();
    edit(&mut spec);
    match compare(
        &real_text(),
        &spec.to_string(),
        "HEAD",
        "edited",
        Some("0.2.0"),
    ) {
        Ok(report) => report,
        Err(err) => panic!("{err}"),
    }
}

fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("nothing at {pointer}"))
}

fn object<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut serde_json::Map<String, Value> {
    at(spec, pointer)
        .as_object_mut()
        .unwrap_or_else(|| panic!("not an object: {pointer}"))
}

const OPERATION: &str = "/paths/~1v1~1sessions~1{id}~1attempts/get";
const ATTEMPT: &str = "/components/schemas/SessionAttemptsResponseVerification";

/// The one change of a report (the edit must make exactly one).
fn only(report: &Report) -> &Change {
    assert_eq!(report.changes.len(), 1, "{}", report.text());
    &report.changes[0]
}

#[test]
fn no_change_says_so() {
    let report = diff(|_| {});
    assert!(report.changes.is_empty());
    assert_eq!(report.bump(), Bump::None);
    assert!(
        report.text().contains("no change to the spec"),
        "{}",
        report.text()
    );
}

#[test]
fn a_ref_refactoring_that_changes_nothing_is_no_change() {
    let report = diff(|spec| {
        // Inline every response header, and move the 404 response into components.
        let headers = spec["components"]["headers"].clone();
        let statuses: Vec<String> = object(spec, &format!("{OPERATION}/responses"))
            .keys()
            .cloned()
            .collect();
        for status in statuses {
            let pointer = format!("{OPERATION}/responses/{status}/headers");
            for header in object(spec, &pointer).values_mut() {
                let target = header["$ref"]
                    .as_str()
                    .and_then(|r| r.rsplit('/').next())
                    .unwrap_or_default()
                    .to_owned();
                *header = headers[&target].clone();
            }
        }
        object(spec, "/components").remove("headers");
        let not_found = at(spec, &format!("{OPERATION}/responses/404")).take();
        object(spec, "/components").insert("responses".into(), json!({"NotFound": not_found}));
        *at(spec, &format!("{OPERATION}/responses/404")) =
            json!({"$ref": "#/components/responses/NotFound"});
    });
    assert!(report.changes.is_empty(), "{}", report.text());
}

#[test]
fn an_optional_property_is_compatible_and_a_minor_field() {
    let report = diff(|spec| {
        object(spec, &format!("{ATTEMPT}/properties"))
            .insert("probeAddedByATest".into(), json!({"type": "number"}));
    });
    let change = only(&report);
    assert_eq!(
        change.pointer,
        format!("{ATTEMPT}/properties/probeAddedByATest")
    );
    assert!(!change.is_breaking(), "{}", report.text());
    assert_eq!(change.action, Action::Added);
    let rust = change
        .rust
        .as_ref()
        .map(|r| r.what.clone())
        .unwrap_or_default();
    assert!(
        rust.contains(
            "field SessionAttemptsResponseVerification.probe_added_by_a_test: Option<f64> added"
        ) && rust.contains("#[non_exhaustive]"),
        "{rust}"
    );
    assert_eq!(report.bump(), Bump::Minor);
    let text = report.text();
    assert!(
        text.starts_with("spec-diff: HEAD → edited\ncompatible  /components/"),
        "{text}"
    );
    assert!(
        text.contains("version bump: minor (veriff-attempts 0.2.0 → 0.2.1)"),
        "{text}"
    );
}

#[test]
fn a_required_property_is_compatible_on_the_wire() {
    let report = diff(|spec| {
        object(spec, &format!("{ATTEMPT}/properties")).insert(
            "requiredProbeAddedByATest".into(),
            json!({"type": "integer"}),
        );
        if let Some(required) = at(spec, &format!("{ATTEMPT}/required")).as_array_mut() {
            required.push(json!("requiredProbeAddedByATest"));
        }
    });
    let change = only(&report);
    assert!(change.summary.contains("`SessionAttemptsResponseVerification`: property `requiredProbeAddedByATest` added (required, integer)"), "{}", report.text());
    assert!(!change.is_breaking());
}

#[test]
fn a_removed_property_is_breaking() {
    let report = diff(|spec| {
        object(spec, &format!("{ATTEMPT}/properties")).remove("createdTime");
        if let Some(required) = at(spec, &format!("{ATTEMPT}/required")).as_array_mut() {
            required.retain(|n| n != "createdTime");
        }
        // The examples must drop it too, or they would change.
        for example in spec
            .pointer_mut(&format!(
                "{OPERATION}/responses/200/content/application~1json/examples"
            ))
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|e| e.values_mut())
        {
            for attempt in example["value"]["verifications"]
                .as_array_mut()
                .into_iter()
                .flatten()
            {
                attempt.as_object_mut().map(|a| a.remove("createdTime"));
            }
        }
    });
    let removed = report
        .changes
        .iter()
        .find(|c| c.action == Action::Removed)
        .unwrap_or_else(|| panic!("{}", report.text()));
    assert!(removed.is_breaking());
    assert!(
        removed
            .summary
            .contains("`createdTime` removed (was required"),
        "{}",
        removed.summary
    );
    let rust = removed.rust.as_ref().map(|r| (r.what.clone(), r.bump));
    assert!(
        rust.as_ref()
            .is_some_and(|(what, bump)| what.contains("created_time") && *bump == Bump::Major),
        "{rust:?}"
    );
    assert_eq!(report.bump(), Bump::Major);
    assert!(
        report.text().contains("0.2.0 → 0.3.0; for a 0.x crate"),
        "{}",
        report.text()
    );
}

#[test]
fn nullability_changes_break_either_the_wire_or_the_api() {
    let made = diff(|spec| {
        object(spec, "/components/schemas/UserStatus/properties/statusCode")
            .insert("nullable".into(), json!(true));
    });
    let change = only(&made);
    assert_eq!(change.summary, "`UserStatus.statusCode`: made nullable");
    assert!(
        change.veriff.is_breaking() && change.sdk.is_breaking(),
        "{}",
        made.text()
    );
    assert!(
        change.rust.as_ref().is_some_and(|r| r
            .what
            .contains("UserStatus.status_code: String → Option<String>")),
        "{}",
        made.text()
    );
    let dropped = diff(|spec| {
        object(spec, "/components/schemas/UserStatus/properties/reason").remove("nullable");
    });
    let change = &dropped.changes[0];
    assert_eq!(change.summary, "`UserStatus.reason`: no longer nullable");
    assert!(!change.veriff.is_breaking() && !change.sdk.is_breaking());
    assert!(
        change.is_breaking(),
        "the Rust type changes: {}",
        dropped.text()
    );
}

#[test]
fn a_changed_type_is_breaking() {
    let report = diff(|spec| {
        *at(
            spec,
            "/components/schemas/ErrorResponse/properties/code/type",
        ) = json!("integer");
        object(spec, "/components/schemas/ErrorResponse/properties/code").remove("example");
        for example in ["400", "401", "404", "500"] {
            let pointer =
                format!("{OPERATION}/responses/{example}/content/application~1json/examples");
            for value in object(spec, &pointer).values_mut() {
                value["value"]["code"] = json!(1101);
            }
        }
    });
    let change = report
        .changes
        .iter()
        .find(|c| c.summary.contains("type changed"))
        .unwrap_or_else(|| panic!("{}", report.text()));
    assert_eq!(
        change.pointer,
        "/components/schemas/ErrorResponse/properties/code/type"
    );
    assert!(change.is_breaking());
}

#[test]
fn a_format_change_of_an_id_is_where_veriff_and_the_sdk_disagree() {
    let report = diff(|spec| {
        object(spec, &format!("{ATTEMPT}/properties/id")).remove("format");
    });
    let change = only(&report);
    assert!(change.disagreement(), "{}", report.text());
    assert!(matches!(change.veriff, Verdict::Compatible(_)) && change.sdk.is_breaking());
    assert!(report.text().contains("disagree"), "{}", report.text());
    assert!(
        change.rust.as_ref().is_some_and(|r| r
            .what
            .contains("SessionAttemptsResponseVerification.id: Uuid → String")),
        "{}",
        report.text()
    );
}

#[test]
fn enum_values_of_open_and_closed_enums() {
    let open = diff(|spec| {
        if let Some(values) = at(spec, "/components/schemas/AttemptStatus/enum").as_array_mut() {
            values.push(json!("value_added_by_a_test"));
        }
    });
    let change = only(&open);
    assert!(!change.is_breaking(), "{}", open.text());
    let count = real()["components"]["schemas"]["AttemptStatus"]["enum"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(
        change.pointer,
        format!("/components/schemas/AttemptStatus/enum/{count}")
    );
    assert!(
        change.rust.as_ref().is_some_and(|r| r
            .what
            .contains("variant AttemptStatus::ValueAddedByATest added")),
        "{}",
        open.text()
    );
    let closed = diff(|spec| {
        if let Some(values) = at(
            spec,
            "/components/schemas/ErrorResponse/properties/status/enum",
        )
        .as_array_mut()
        {
            values.push(json!("error"));
        }
    });
    let change = only(&closed);
    assert!(
        change.is_breaking() && change.sdk.is_breaking(),
        "{}",
        closed.text()
    );
    assert!(
        change
            .rust
            .as_ref()
            .is_some_and(|r| r.what.contains("variant ErrorResponseStatus::Error added")),
        "{}",
        closed.text()
    );
    let removed = diff(|spec| {
        if let Some(values) = at(spec, "/components/schemas/AttemptStatus/enum").as_array_mut() {
            values.retain(|v| v != "review");
        }
        if let Some(page) =
            at(spec, "/components/schemas/AttemptStatus/x-vendor-page-enum").as_array_mut()
        {
            page.retain(|v| v != "review");
        }
    });
    let change = only(&removed);
    assert_eq!(change.action, Action::Removed);
    assert!(change.is_breaking(), "{}", removed.text());
}

#[test]
fn statuses_and_headers() {
    let added = diff(|spec| {
        let forbidden = spec
            .pointer(&format!("{OPERATION}/responses/404"))
            .cloned()
            .unwrap_or_default();
        object(spec, &format!("{OPERATION}/responses")).insert("418".into(), forbidden);
    });
    let status = added
        .changes
        .iter()
        .find(|c| c.summary.starts_with("response status 418 added"))
        .unwrap_or_else(|| panic!("{}", added.text()));
    assert!(!status.is_breaking() && status.summary.contains("signed"));
    let removed = diff(|spec| {
        object(spec, &format!("{OPERATION}/responses")).remove("500");
    });
    assert!(
        removed
            .changes
            .iter()
            .any(|c| c.summary == "response status 500 removed" && c.is_breaking()),
        "{}",
        removed.text()
    );
    let unsigned = diff(|spec| {
        object(spec, &format!("{OPERATION}/responses/404/headers")).remove("X-HMAC-SIGNATURE");
    });
    let change = only(&unsigned);
    assert!(
        change.is_breaking()
            && change
                .summary
                .contains("404 header X-HMAC-SIGNATURE removed"),
        "{}",
        unsigned.text()
    );
    let header = diff(|spec| {
        object(spec, &format!("{OPERATION}/responses/200/headers"))
            .insert("X-Request-Id".into(), json!({"schema": {"type": "string"}}));
    });
    let change = only(&header);
    assert!(
        !change.is_breaking() && change.bump == Bump::Patch,
        "{}",
        header.text()
    );
}

#[test]
fn examples_are_documentation() {
    let report = diff(|spec| {
        let pointer = format!("{OPERATION}/responses/200/content/application~1json/examples");
        let examples = object(spec, &pointer);
        let copy = examples.values().next().cloned().unwrap_or_default();
        examples.insert("a_new_example".into(), copy);
    });
    let change = only(&report);
    assert_eq!(change.summary, "response 200 example `a_new_example` added");
    assert_eq!((change.bump, change.is_breaking()), (Bump::Patch, false));
    assert!(
        report
            .markdown()
            .contains("### Added\n\n- Response 200 example `a_new_example` added"),
        "{}",
        report.markdown()
    );
}

#[test]
fn request_parameters() {
    let optional = diff(|spec| {
        if let Some(parameters) = at(spec, &format!("{OPERATION}/parameters")).as_array_mut() {
            parameters.push(json!({"name": "limit", "in": "query", "schema": {"type": "integer"}}));
        }
    });
    assert!(!only(&optional).is_breaking(), "{}", optional.text());
    let required = diff(|spec| {
        if let Some(parameters) = at(spec, &format!("{OPERATION}/parameters")).as_array_mut() {
            parameters.push(json!({"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}}));
        }
    });
    let change = only(&required);
    assert!(
        change.veriff.is_breaking() && change.sdk.is_breaking(),
        "{}",
        required.text()
    );
}

#[test]
fn a_new_endpoint_is_compatible() {
    let report = diff(|spec| {
        let operation = spec.pointer(OPERATION).cloned().unwrap_or_default();
        let mut operation = operation;
        operation["operationId"] = json!("list_attempts_again");
        object(spec, "/paths").insert(
            "/v1/sessions/{id}/attempts-again".into(),
            json!({"get": operation}),
        );
    });
    let change = only(&report);
    assert!(!change.is_breaking(), "{}", report.text());
    assert!(
        change
            .rust
            .as_ref()
            .is_some_and(|r| r.what.contains("client method `list_attempts_again` added"))
    );
}

#[test]
fn markdown_and_json_carry_the_same_changes() {
    let report = diff(|spec| {
        object(spec, &format!("{ATTEMPT}/properties"))
            .insert("probeAddedByATest".into(), json!({"type": "number"}));
        object(spec, &format!("{ATTEMPT}/properties/id")).remove("format");
    });
    let markdown = report.markdown();
    assert!(
        markdown.contains("### Added") && markdown.contains("### Changed"),
        "{markdown}"
    );
    assert!(
        markdown.contains("**Breaking:** `SessionAttemptsResponseVerification.id`: format changed"),
        "{markdown}"
    );
    let json: Value = serde_json::from_str(&report.json()).unwrap_or_default();
    assert_eq!(json["changes"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["bump"], "major");
    assert_eq!(json["next_version"], "0.3.0");
    let format = json["changes"].as_array().into_iter().flatten().find(|c| {
        c["summary"]
            .as_str()
            .is_some_and(|s| s.contains("format changed"))
    });
    assert_eq!(format.map(|c| &c["disagreement"]), Some(&json!(true)));
    assert_eq!(format.map(|c| &c["class"]), Some(&json!("breaking")));
}

#[test]
fn next_versions() {
    assert_eq!(next_version("0.2.0", Bump::Minor).as_deref(), Some("0.2.1"));
    assert_eq!(next_version("0.2.3", Bump::Major).as_deref(), Some("0.3.0"));
    assert_eq!(next_version("1.4.2", Bump::Minor).as_deref(), Some("1.5.0"));
    assert_eq!(next_version("1.4.2", Bump::Major).as_deref(), Some("2.0.0"));
    assert_eq!(next_version("1.4.2", Bump::Patch).as_deref(), Some("1.4.3"));
    assert_eq!(next_version("x", Bump::Patch), None);
}

#[test]
#[ignore = "prints two reports for reading: cargo test -p xtask-codegen show_reports -- --ignored --nocapture"]
fn show_reports() {
    let report = diff(|spec| {
        object(spec, &format!("{ATTEMPT}/properties"))
            .insert("probeAddedByATest".into(), json!({"type": "number"}));
        object(spec, &format!("{ATTEMPT}/properties/id")).remove("format");
        if let Some(values) = at(spec, "/components/schemas/AttemptStatus/enum").as_array_mut() {
            values.push(json!("value_added_by_a_test"));
        }
    });
    println!("{}\n{}", report.text(), report.markdown());
}
