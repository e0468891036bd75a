//! Request parameters: the page's `Header parameters` and `Path parameters`
//! against the operation's `parameters` and, for headers, the security schemes
//! the operation requires (the spec models `X-AUTH-CLIENT` and `X-HMAC-SIGNATURE`
//! as `apiKey` schemes, so that the SDK signs in its hooks; the page lists them as
//! header parameters).

use serde_json::Value;
use veriff_spec::Location;
use veriff_spec::openapi::Operation;

use super::{Checker, quoted};
use crate::page::{Page, ParamIn, Parameter};
use crate::report::Kind;
use crate::spec_view::PAGE_EXAMPLE;

/// A parameter as the spec declares it.
struct SpecParameter {
    location: ParamIn,
    name: String,
    /// The Parameter Object or Security Scheme Object.
    at: Location,
    scheme: bool,
    required: bool,
}

pub fn compare(checker: &mut Checker<'_>, page: &Page, operation: &Operation) {
    let declared = declared(checker, operation);
    let mut matched = vec![false; declared.len()];
    for parameter in &page.parameters {
        checker.findings.fact();
        let entry = &parameter.entry;
        let kind = parameter.location.openapi();
        let found = declared.iter().position(|d| {
            d.location == parameter.location && same_name(parameter.location, &d.name, &entry.name)
        });
        let Some(index) = found else {
            checker.findings.differ(
                Kind::Parameter,
                format!("{kind} parameter {}", entry.name),
                Some(entry.line),
                format!("{} `{}` ({})", kind, entry.name, entry.ty.value),
                Some(&operation.at.join("parameters")),
                "not declared",
                format!(
                    "add it to the operation's `parameters` (in: {kind}){}",
                    if entry.required { ", required" } else { "" }
                ),
            );
            continue;
        };
        if let Some(slot) = matched.get_mut(index) {
            *slot = true;
        }
        if let Some(spec) = declared.get(index) {
            one(checker, parameter, spec);
        }
    }
    for (spec, _) in declared.iter().zip(&matched).filter(|(_, m)| !**m) {
        checker.findings.fact();
        let kind = spec.location.openapi();
        checker.findings.differ(
            Kind::Parameter,
            format!("{kind} parameter {}", spec.name),
            None,
            format!("no {kind} parameter `{}`", spec.name),
            Some(&spec.at),
            "declared",
            "remove it from the spec if Veriff dropped it",
        );
    }
}

/// Header names compare case-insensitively, as HTTP does.
fn same_name(location: ParamIn, a: &str, b: &str) -> bool {
    if location == ParamIn::Header {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

fn one(checker: &mut Checker<'_>, parameter: &Parameter, spec: &SpecParameter) {
    let entry = &parameter.entry;
    let subject = format!("{} parameter {}", parameter.location.openapi(), entry.name);
    let view = checker.view;
    // Type: a security scheme's key is a string; a parameter's is its schema's.
    checker.findings.fact();
    let (shown, type_at) = if spec.scheme {
        ("string".to_owned(), spec.at.clone())
    } else {
        let schema = spec.at.join("schema");
        (view.page_type(&schema).shown, schema)
    };
    if entry.ty.value != shown {
        checker.findings.differ(
            Kind::Type,
            subject.as_str(),
            Some(entry.ty.line),
            quoted(&entry.ty.value),
            Some(&type_at),
            quoted(&shown),
            "change the parameter's schema to the page's type",
        );
    }
    checker.findings.fact();
    if entry.required != spec.required {
        let said = |required: bool| if required { "required" } else { "optional" };
        checker.findings.differ(
            Kind::Required,
            subject.as_str(),
            Some(entry.ty.line),
            said(entry.required),
            Some(&spec.at),
            said(spec.required),
            if spec.scheme {
                "list the scheme in (or drop it from) every alternative of the operation's `security`"
            } else {
                "set `required` as the page says"
            },
        );
    }
    let description = view.description(&spec.at);
    checker.text_fact(
        Kind::Description,
        &subject,
        "description",
        entry.description.as_ref(),
        entry.line,
        description,
        &spec.at,
    );
    let example_line = entry.example.as_ref().map_or(entry.line, |e| e.line);
    if spec.scheme {
        let example = view
            .get(&spec.at)
            .and_then(|node| node.get(PAGE_EXAMPLE))
            .map(|value| (spec.at.join(PAGE_EXAMPLE), value.clone()));
        let home = spec.at.clone();
        // A Security Scheme Object has no `example`: the page's lives in
        // `x-vendor-page-example`.
        match (&entry.example, example) {
            (Some(page), None) => {
                checker.findings.fact();
                checker.findings.differ(
                    Kind::Example,
                    subject.as_str(),
                    Some(page.line),
                    quoted(&page.value),
                    Some(&home.join(PAGE_EXAMPLE)),
                    "no example",
                    format!("record the page's example as `{PAGE_EXAMPLE}` on the security scheme"),
                );
            }
            (page, spec_example) => {
                checker.example_fact(&subject, page.as_ref(), example_line, spec_example, &home)
            }
        }
    } else {
        let example = view
            .get(&spec.at)
            .and_then(|node| node.get("example"))
            .map(|value| (spec.at.join("example"), value.clone()))
            .or_else(|| view.example(&spec.at.join("schema")));
        checker.example_fact(
            &subject,
            entry.example.as_ref(),
            example_line,
            example,
            &spec.at,
        );
    }
}

/// Every parameter the spec declares for the operation: path-item and operation
/// `parameters`, then the `apiKey` security schemes the operation requires.
fn declared(checker: &Checker<'_>, operation: &Operation) -> Vec<SpecParameter> {
    let view = checker.view;
    let item = Location::root().join_all(["paths", operation.path.as_str()]);
    let mut found = Vec::new();
    for list in [item.join("parameters"), operation.at.join("parameters")] {
        let count = view
            .get(&list)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for index in 0..count {
            let Some((at, node)) = view.resolve(&list.join(index)) else {
                continue;
            };
            let location = node.get("in").and_then(Value::as_str).unwrap_or_default();
            let Some(location) = parameter_in(location) else {
                continue;
            };
            found.push(SpecParameter {
                location,
                name: node
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                required: location == ParamIn::Path
                    || node.get("required").and_then(Value::as_bool) == Some(true),
                at,
                scheme: false,
            });
        }
    }
    found.extend(schemes(checker, operation));
    found
}

fn parameter_in(name: &str) -> Option<ParamIn> {
    ParamIn::ALL
        .iter()
        .find(|(_, _, openapi)| *openapi == name)
        .map(|(kind, _, _)| *kind)
}

/// The `apiKey` schemes of the operation's security (its own, else the
/// document's); required when every alternative lists it.
fn schemes(checker: &Checker<'_>, operation: &Operation) -> Vec<SpecParameter> {
    let view = checker.view;
    let security = view
        .get(&operation.at.join("security"))
        .or_else(|| view.get(&Location::root().join("security")))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let schemes_at = Location::root().join_all(["components", "securitySchemes"]);
    let mut found = Vec::new();
    for name in view.members(&schemes_at) {
        let at = schemes_at.join(&name);
        let Some(node) = view.get(&at) else {
            continue;
        };
        if node.get("type").and_then(Value::as_str) != Some("apiKey") {
            continue;
        }
        let listed = security
            .iter()
            .filter(|alternative| alternative.get(&name).is_some())
            .count();
        let location = node.get("in").and_then(Value::as_str).unwrap_or_default();
        let Some(location) = parameter_in(location) else {
            continue;
        };
        if listed == 0 {
            continue;
        }
        found.push(SpecParameter {
            location,
            name: node
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            at,
            scheme: true,
            required: listed == security.len(),
        });
    }
    found
}
