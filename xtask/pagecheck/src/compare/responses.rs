//! Responses: the statuses with their descriptions, each status's headers and
//! named examples; the body's fields are [`super::fields`].

use serde_json::Value;
use veriff_spec::Location;
use veriff_spec::openapi::{Example, Operation};

use super::{Checker, fields, quoted};
use crate::page::{Entry, NamedExample, Page, Response};
use crate::report::Kind;
use crate::spec_view::{FIELD_EXAMPLES, page_text};

/// An example the spec holds under a status.
pub struct SpecExample {
    pub name: String,
    /// The Example Object (`$ref` followed).
    pub at: Location,
    pub value: Value,
    /// `x-vendor-page-field-examples: true`.
    pub assembled: bool,
}

pub fn compare(checker: &mut Checker<'_>, page: &Page, operation: &Operation) {
    let spec = checker.view.spec;
    let statuses = operation.statuses(spec);
    for response in &page.responses {
        checker.findings.fact();
        let status = response.status.value.as_str();
        let Some(at) = statuses
            .iter()
            .any(|s| s == status)
            .then(|| operation.response(spec, status))
            .flatten()
        else {
            let description = response
                .description
                .as_ref()
                .map(|d| format!(" {}", quoted(&d.value)))
                .unwrap_or_default();
            checker.findings.differ(
                Kind::Status,
                format!("response {status}"),
                Some(response.status.line),
                format!("documents status {status}{description}"),
                Some(&operation.at.join("responses")),
                format!("no {status}"),
                format!(
                    "add responses.{status} (description, headers, body schema) to the spec; until then the SDK reports it as Error::UnexpectedStatus"
                ),
            );
            continue;
        };
        one(checker, response, operation, &at);
    }
    for status in statuses {
        if page.responses.iter().any(|r| r.status.value == status) {
            continue;
        }
        checker.findings.fact();
        checker.findings.differ(
            Kind::Status,
            format!("response {status}"),
            None,
            format!("no status {status}"),
            Some(&operation.at.join_all(["responses", status.as_str()])),
            "documented",
            "remove it from the spec if Veriff no longer documents it",
        );
    }
}

fn one(checker: &mut Checker<'_>, response: &Response, operation: &Operation, at: &Location) {
    let status = response.status.value.as_str();
    let description = checker.view.string(at, "description");
    checker.text_fact(
        Kind::Description,
        &format!("response {status} description"),
        "description",
        response.description.as_ref(),
        response.status.line,
        description,
        at,
    );
    headers(checker, response, at);
    let body = operation.body_schema(checker.view.spec, status);
    let examples = spec_examples(checker, body.as_ref());
    named_examples(checker, response, body.as_ref(), &examples);
    fields::compare(checker, response, body.as_ref(), &examples);
}

fn headers(checker: &mut Checker<'_>, response: &Response, at: &Location) {
    let status = response.status.value.as_str();
    let headers_at = at.join("headers");
    let names = checker.view.members(&headers_at);
    for header in &response.headers {
        checker.findings.fact();
        let subject = format!("response {status} header {}", header.name);
        let Some(name) = names.iter().find(|n| n.eq_ignore_ascii_case(&header.name)) else {
            checker.findings.differ(
                Kind::Header,
                subject,
                Some(header.line),
                format!("lists header `{}` ({})", header.name, header.ty.value),
                Some(&headers_at),
                "not listed",
                format!("add `{}` to responses.{status}.headers", header.name),
            );
            continue;
        };
        let Some((spec_at, _)) = checker.view.resolve(&headers_at.join(name)) else {
            continue;
        };
        one_header(checker, &subject, header, &spec_at);
    }
    for name in names {
        if response
            .headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(&name))
        {
            continue;
        }
        checker.findings.fact();
        checker.findings.differ(
            Kind::Header,
            format!("response {status} header {name}"),
            Some(response.status.line),
            format!("no header `{name}` under {status}"),
            Some(&headers_at.join(&name)),
            "listed",
            format!(
                "remove it from responses.{status}.headers if Veriff dropped it{}",
                if name.eq_ignore_ascii_case("X-HMAC-SIGNATURE") {
                    " (the SDK then stops verifying this status's body)"
                } else {
                    ""
                }
            ),
        );
    }
}

fn one_header(checker: &mut Checker<'_>, subject: &str, header: &Entry, at: &Location) {
    let view = checker.view;
    checker.findings.fact();
    let shown = view.page_type(&at.join("schema")).shown;
    if header.ty.value != shown {
        checker.findings.differ(
            Kind::Type,
            subject,
            Some(header.ty.line),
            quoted(&header.ty.value),
            Some(&at.join("schema")),
            quoted(&shown),
            "change the header's schema to the page's type",
        );
    }
    checker.findings.fact();
    let required = view
        .get(at)
        .and_then(|h| h.get("required"))
        .and_then(Value::as_bool)
        == Some(true);
    if header.required != required {
        checker.findings.differ(
            Kind::Required,
            subject,
            Some(header.ty.line),
            if header.required {
                "required"
            } else {
                "optional"
            },
            Some(at),
            if required { "required" } else { "optional" },
            "set the header's `required` as the page says",
        );
    }
    let description = view.description(at);
    checker.text_fact(
        Kind::Description,
        subject,
        "description",
        header.description.as_ref(),
        header.line,
        description,
        at,
    );
    let example = view
        .get(at)
        .and_then(|h| h.get("example"))
        .map(|v| (at.join("example"), v.clone()))
        .or_else(|| view.example(&at.join("schema")));
    let line = header.example.as_ref().map_or(header.line, |e| e.line);
    checker.example_fact(subject, header.example.as_ref(), line, example, at);
}

/// The named examples of a status's JSON body, `$ref`s followed.
fn spec_examples(checker: &Checker<'_>, body: Option<&Location>) -> Vec<SpecExample> {
    let Some(body) = body else {
        return Vec::new();
    };
    let media = Location::root().join_all(
        body.segments()
            .iter()
            .take(body.segments().len().saturating_sub(1)),
    );
    let examples_at = media.join("examples");
    let view = checker.view;
    view.members(&examples_at)
        .into_iter()
        .filter_map(|name| {
            let (at, node) = view.resolve(&examples_at.join(&name))?;
            Some(SpecExample {
                value: node.get("value")?.clone(),
                assembled: node.get(FIELD_EXAMPLES).and_then(Value::as_bool) == Some(true),
                name,
                at,
            })
        })
        .collect()
}

fn named_examples(
    checker: &mut Checker<'_>,
    response: &Response,
    body: Option<&Location>,
    examples: &[SpecExample],
) {
    let status = response.status.value.as_str();
    for example in &response.examples {
        checker.findings.fact();
        let subject = format!("response {status} example {}", example.name);
        // Values outside a vendor rule: recorded if known, else a difference
        // (for a new example too: adding it to the spec would fail the suite).
        if let (Some(body), Ok(value)) = (body, &example.value) {
            let as_spec_example = Example {
                name: format!("the page's example {}", example.name),
                schema: body.clone(),
                value: value.clone(),
                response_body: true,
            };
            for found in veriff_spec::contradictions::find(checker.view.spec, &[as_spec_example]) {
                checker.found_in_example(&found, example.line);
            }
        }
        let Some(spec) = examples
            .iter()
            .find(|e| e.name == example.name && !e.assembled)
        else {
            let home = body.map(|b| {
                Location::root()
                    .join_all(
                        b.segments()
                            .iter()
                            .take(b.segments().len().saturating_sub(1)),
                    )
                    .join("examples")
            });
            checker.findings.differ(
                Kind::NamedExample,
                subject,
                Some(example.line),
                format!("shows example `{}`", example.name),
                home.as_ref(),
                "no such example",
                format!(
                    "add it under responses.{status}.content.application/json.examples.{} (summary and value verbatim); the conformance suite then tests it",
                    example.name
                ),
            );
            continue;
        };
        one_example(checker, &subject, example, spec);
    }
    for spec in examples {
        if spec.assembled {
            checker.findings.record(
                format!("response {status} example {}", spec.name),
                "not a named example on the page: the page's field examples of this status, assembled",
                format!("{FIELD_EXAMPLES}: true"),
                &spec.at,
                response.status.line,
            );
            continue;
        }
        if response.examples.iter().any(|e| e.name == spec.name) {
            continue;
        }
        checker.findings.fact();
        checker.findings.differ(
            Kind::NamedExample,
            format!("response {status} example {}", spec.name),
            Some(response.status.line),
            format!("no example `{}` under {status}", spec.name),
            Some(&spec.at),
            "has it",
            "remove it from the spec if Veriff dropped it (or mark an example of our own with x-vendor-page-field-examples if it assembles the page's field examples)",
        );
    }
}

fn one_example(checker: &mut Checker<'_>, subject: &str, page: &NamedExample, spec: &SpecExample) {
    checker.findings.fact();
    match &page.value {
        Err(problem) => checker.findings.differ(
            Kind::NamedExample,
            subject,
            Some(page.line),
            problem.clone(),
            Some(&spec.at.join("value")),
            "valid JSON",
            "check the copy of the page (a JSON example must survive the copy whole)",
        ),
        Ok(value) => {
            if let Some((path, page_value, spec_value)) = first_difference(value, &spec.value, "$")
            {
                checker.findings.differ(
                    Kind::NamedExample,
                    subject,
                    Some(page.line),
                    format!("{path} is {page_value}"),
                    Some(&spec.at.join("value")),
                    format!("{path} is {spec_value}"),
                    "copy the page's example into the spec verbatim",
                );
            }
        }
    }
    let summary = checker.view.string(&spec.at, "summary");
    checker.text_fact(
        Kind::NamedExample,
        &format!("{subject} summary"),
        "summary",
        page.summary.as_ref(),
        page.line,
        summary,
        &spec.at,
    );
}

/// The first place where two JSON values differ: (JSONPath, page's, spec's).
fn first_difference(page: &Value, spec: &Value, path: &str) -> Option<(String, String, String)> {
    let shown =
        |value: Option<&Value>| value.map_or_else(|| "absent".to_owned(), |v| format!("`{v}`"));
    match (page, spec) {
        (Value::Object(a), Value::Object(b)) => {
            let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            for key in keys {
                let here = format!("{path}.{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => {
                        if let Some(found) = first_difference(x, y, &here) {
                            return Some(found);
                        }
                    }
                    (x, y) => return Some((here, shown(x), shown(y))),
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) => {
            for index in 0..a.len().max(b.len()) {
                let here = format!("{path}[{index}]");
                match (a.get(index), b.get(index)) {
                    (Some(x), Some(y)) => {
                        if let Some(found) = first_difference(x, y, &here) {
                            return Some(found);
                        }
                    }
                    (x, y) => return Some((here, shown(x), shown(y))),
                }
            }
            None
        }
        (a, b) if a == b => None,
        (a, b) => Some((
            path.to_owned(),
            format!("`{}`", page_text(a)),
            format!("`{}`", page_text(b)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_difference_is_named_by_its_path() {
        let page = json!({"a": [{"b": 1}, {"c": null}]});
        let spec = json!({"a": [{"b": 1}, {"c": "x"}]});
        assert_eq!(
            first_difference(&page, &spec, "$"),
            Some(("$.a[1].c".into(), "`null`".into(), "`x`".into()))
        );
        assert_eq!(first_difference(&page, &page, "$"), None);
        let longer = json!({"a": [{"b": 1}, {"c": null}, 3]});
        assert_eq!(
            first_difference(&longer, &page, "$").map(|d| d.0),
            Some("$.a[2]".into())
        );
    }
}
