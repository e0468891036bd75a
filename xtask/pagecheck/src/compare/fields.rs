//! A status's body: the page's flat field list placed in the spec's schema tree
//! ([`crate::place`]), then per field its type (nullability included), required-ness,
//! description, valid values and example; plus fields the page added or dropped.
//!
//! Error statuses share one schema (`ErrorResponse`: one schema keeps progenitor's
//! code generation working), yet the page prints different field examples per
//! status. The spec keeps each status's values in an example marked
//! `x-vendor-page-field-examples`, and the page's field examples are compared with
//! that; the shared schema's own example must be one of the page's values.

use serde_json::Value;
use veriff_spec::Location;

use super::responses::SpecExample;
use super::{Checker, quoted};
use crate::page::{Response, ValidValues};
use crate::place::{Placed, Tree, place};
use crate::report::Kind;
use crate::spec_view::{OMITS, PAGE_ENUM, page_text};

pub fn compare(
    checker: &mut Checker<'_>,
    response: &Response,
    body: Option<&Location>,
    examples: &[SpecExample],
) {
    let status = response.status.value.as_str();
    let Some(body) = body else {
        if let Some(line) = response.body.first().map(first_line) {
            checker.findings.fact();
            checker.findings.differ(
                Kind::Field,
                format!("response {status} body"),
                Some(line),
                "documents a body",
                None,
                "no JSON body schema",
                format!("add content.application/json.schema to responses.{status}"),
            );
        }
        return;
    };
    let tree = place(checker.view, Some(body), &response.body);
    if tree.fields.is_empty() {
        checker.findings.fact();
        checker.findings.differ(
            Kind::Field,
            format!("response {status} body"),
            Some(response.status.line),
            "no body fields",
            Some(body),
            "a JSON body schema",
            format!(
                "check the copy; if Veriff dropped the body, remove responses.{status}.content"
            ),
        );
        return;
    }
    objects(checker, status, &tree, body);
    let assembled: Vec<&SpecExample> = examples.iter().filter(|e| e.assembled).collect();
    for placed in tree.fields.iter().filter(|f| !f.inside_new) {
        match &placed.property {
            None => new_field(checker, status, placed, &tree, body),
            Some(property) => known_field(checker, status, placed, property, &assembled),
        }
    }
    for missing in &tree.missing {
        checker.findings.fact();
        checker.findings.differ(
            Kind::Field,
            format!("response {status} field {}", missing.path),
            Some(missing.line),
            format!("no field `{}`", missing.path),
            Some(&missing.property),
            "declared",
            "remove it from the spec (and from `required`) if Veriff dropped it: bodies without a required field fail to decode in the SDK",
        );
    }
    for stray in &tree.strays {
        checker.findings.differ(
            Kind::Unread,
            format!("response {status}"),
            Some(stray.line),
            quoted(&stray.value),
            None,
            "-",
            "check the copy; if the page prints a new kind of line here, teach xtask/pagecheck to read it",
        );
    }
}

fn first_line(item: &crate::page::TreeItem) -> usize {
    match item {
        crate::page::TreeItem::Object { line, .. } => *line,
        crate::page::TreeItem::Field(entry) => entry.line,
        crate::page::TreeItem::Stray(text) => text.line,
    }
}

/// `object` lines: the body's type, and the (absent) text under each object.
fn objects(checker: &mut Checker<'_>, status: &str, tree: &Tree<'_>, body: &Location) {
    for object in &tree.objects {
        let subject = if object.root {
            format!("response {status} body")
        } else {
            format!("response {status} field {} (its object)", object.path)
        };
        if object.unexpected {
            checker.findings.differ(
                Kind::Unread,
                subject,
                Some(object.line),
                format!("`{}` line after no field with fields", object.ty),
                None,
                "-",
                "check the copy around this line",
            );
            continue;
        }
        if object.root {
            checker.findings.fact();
            let shown = checker.view.page_type(body).shown;
            if object.ty != shown {
                checker.findings.differ(
                    Kind::Type,
                    subject.as_str(),
                    Some(object.line),
                    quoted(object.ty),
                    Some(body),
                    quoted(&shown),
                    "change the body schema to the page's type",
                );
            }
        }
        let Some(schema) = &object.schema else {
            continue;
        };
        let description = checker.view.string(schema, "description");
        checker.text_fact(
            Kind::Description,
            &subject,
            "description",
            object.description,
            object.line,
            description,
            schema,
        );
    }
}

fn new_field(
    checker: &mut Checker<'_>,
    status: &str,
    placed: &Placed<'_>,
    tree: &Tree<'_>,
    body: &Location,
) {
    checker.findings.fact();
    let entry = placed.entry;
    let inner: Vec<&str> = tree
        .fields
        .iter()
        .filter(|f| {
            f.inside_new
                && (f.path.starts_with(&format!("{}.", placed.path))
                    || f.path.starts_with(&format!("{}[].", placed.path)))
        })
        .map(|f| f.entry.name.as_str())
        .collect();
    let with = if inner.is_empty() {
        String::new()
    } else {
        format!(" with fields {}", inner.join(", "))
    };
    let after = placed.after.as_ref().map_or_else(
        || "first in the body".to_owned(),
        |a| format!("after `{a}`"),
    );
    let object = placed.object.clone().unwrap_or_else(|| body.clone());
    checker.findings.differ(
        Kind::Field,
        format!("response {status} field {}", placed.path),
        Some(entry.line),
        format!("new field `{}` ({}){with}, {after}", entry.name, entry.ty.value),
        Some(&object.join("properties")),
        "not declared",
        format!(
            "add `{}` to {}.properties (the page's text loses the nesting: it may belong to an enclosing object); the SDK ignores unknown fields meanwhile",
            entry.name,
            object.dotted()
        ),
    );
}

fn known_field(
    checker: &mut Checker<'_>,
    status: &str,
    placed: &Placed<'_>,
    property: &Location,
    assembled: &[&SpecExample],
) {
    let entry = placed.entry;
    let subject = format!("response {status} field {}", placed.path);
    field_type(checker, &subject, placed, property);
    checker.findings.fact();
    if entry.required
        && let Some(object) = &placed.object
        && !checker.view.is_required(object, &entry.name)
    {
        checker.findings.differ(
            Kind::Required,
            subject.as_str(),
            Some(entry.ty.line),
            "required",
            Some(&object.join("required")),
            "optional",
            format!("add `{}` to `required`", entry.name),
        );
    }
    let description = checker.view.description(property);
    checker.text_fact(
        Kind::Description,
        &subject,
        "description",
        entry.description.as_ref(),
        entry.line,
        description,
        property,
    );
    valid_values(checker, &subject, placed, property);
    field_example(checker, &subject, placed, property, assembled);
    if let Some(example) = &entry.example {
        checker.vendor_rules(&subject, example, property);
    }
}

fn field_type(checker: &mut Checker<'_>, subject: &str, placed: &Placed<'_>, property: &Location) {
    checker.findings.fact();
    let page = &placed.entry.ty;
    let spec = checker.view.page_type(property);
    if page.value == spec.shown {
        if spec.shown != spec.full {
            checker.findings.record(
                subject,
                format!(
                    "the page prints {}, the spec says {}",
                    quoted(&spec.shown),
                    quoted(&spec.full)
                ),
                format!("{OMITS}: [format]"),
                &checker.omits_at(property),
                page.line,
            );
        }
        return;
    }
    if page.value == spec.full {
        checker.stale_omission(subject, page.line, property, "format");
        return;
    }
    let page_null = page.value.ends_with("| null");
    let spec_null = spec.full.ends_with("| null");
    let fix = match (page_null, spec_null) {
        (true, false) => "add `nullable: true` (the SDK's field becomes an Option)".to_owned(),
        (false, true) => "remove `nullable: true` if Veriff no longer sends null (keep it while bodies may still carry null: the SDK would fail to decode them)".to_owned(),
        _ => "change the schema's type or format to the page's".to_owned(),
    };
    checker.findings.differ(
        Kind::Type,
        subject,
        Some(page.line),
        quoted(&page.value),
        Some(property),
        quoted(&spec.full),
        fix,
    );
}

fn values_text(values: &[Value]) -> String {
    let shown: Vec<String> = values
        .iter()
        .map(|v| format!("`{}`", page_text(v)))
        .collect();
    format!("[{}]", shown.join(", "))
}

/// The values of `a` missing from `b`.
fn minus<'v>(a: &'v [Value], b: &[Value]) -> Vec<&'v Value> {
    a.iter().filter(|v| !b.contains(v)).collect()
}

fn listed(values: &[&Value]) -> String {
    let shown: Vec<String> = values
        .iter()
        .map(|v| format!("`{}`", page_text(v)))
        .collect();
    shown.join(", ")
}

fn same_set(a: &[Value], b: &[Value]) -> bool {
    minus(a, b).is_empty() && minus(b, a).is_empty()
}

fn valid_values(
    checker: &mut Checker<'_>,
    subject: &str,
    placed: &Placed<'_>,
    property: &Location,
) {
    checker.findings.fact();
    let view = checker.view;
    let spec_enum = view.list(property, "enum");
    let page_enum = view.list(property, PAGE_ENUM);
    let omitted = view.omits(property, "enum");
    let entry = placed.entry;
    let Some(page) = &entry.valid_values else {
        match (spec_enum, omitted) {
            (None, _) => {}
            (Some((_, values)), true) => checker.findings.record(
                subject,
                format!(
                    "the page prints no valid values; the spec's enum is {}",
                    values_text(&values)
                ),
                format!("{OMITS}: [enum]"),
                &checker.omits_at(property),
                entry.line,
            ),
            (Some((at, values)), false) => checker.findings.differ(
                Kind::ValidValues,
                subject,
                Some(entry.line),
                "no valid values",
                Some(&at),
                format!("enum {}", values_text(&values)),
                format!(
                    "drop the enum, or record it with `{OMITS}: [enum]` if the SDK needs it closed"
                ),
            ),
        }
        return;
    };
    let Some(values) = &page.values else {
        checker.findings.differ(
            Kind::ValidValues,
            subject,
            Some(page.line),
            format!("valid values `{}` (not a JSON list)", page.raw),
            spec_enum.as_ref().map(|(at, _)| at),
            spec_enum
                .as_ref()
                .map_or_else(|| "no enum".to_owned(), |(_, v)| values_text(v)),
            "check the copy of this line",
        );
        return;
    };
    if omitted {
        checker.stale_omission(subject, page.line, property, "enum");
    }
    match (page_enum, spec_enum) {
        (Some((page_at, recorded)), spec_enum) => {
            let spec_values = spec_enum
                .as_ref()
                .map(|(_, v)| v.as_slice())
                .unwrap_or_default();
            if !same_set(values, &recorded) {
                valid_values_differ(
                    checker,
                    subject,
                    page,
                    values,
                    &page_at,
                    &recorded,
                    spec_values,
                    PAGE_ENUM,
                );
            } else if same_set(values, spec_values) {
                checker.findings.differ(
                    Kind::StaleRecord,
                    subject,
                    Some(page.line),
                    format!("valid values {}", values_text(values)),
                    Some(&page_at),
                    format!("{PAGE_ENUM} equals the enum"),
                    format!("remove `{PAGE_ENUM}` (and its entries in known-contradictions.yaml)"),
                );
            } else {
                checker.findings.record(
                    subject,
                    format!(
                        "the page lists {} valid values, the spec's enum {} (Veriff's other pages)",
                        values.len(),
                        spec_values.len()
                    ),
                    PAGE_ENUM,
                    &page_at,
                    page.line,
                );
            }
        }
        (None, Some((at, spec_values))) => {
            if !same_set(values, &spec_values) {
                valid_values_differ(
                    checker,
                    subject,
                    page,
                    values,
                    &at,
                    &spec_values,
                    &spec_values,
                    "enum",
                );
            }
        }
        (None, None) => checker.findings.differ(
            Kind::ValidValues,
            subject,
            Some(page.line),
            format!("valid values {}", values_text(values)),
            Some(&property.join("enum")),
            "no enum",
            "add the enum (mark it `x-extensible-enum: true` if Veriff may add values)",
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn valid_values_differ(
    checker: &mut Checker<'_>,
    subject: &str,
    page: &ValidValues,
    values: &[Value],
    at: &Location,
    compared: &[Value],
    spec_enum: &[Value],
    member: &str,
) {
    let added = minus(values, compared);
    let gone = minus(compared, values);
    let mut change = Vec::new();
    if !added.is_empty() {
        change.push(format!("new on the page: {}", listed(&added)));
    }
    if !gone.is_empty() {
        change.push(format!("gone from the page: {}", listed(&gone)));
    }
    let unknown: Vec<&Value> = added
        .iter()
        .copied()
        .filter(|v| !spec_enum.contains(v))
        .collect();
    let fix = if member == PAGE_ENUM {
        let mut fix = format!("set `{PAGE_ENUM}` to the page's list");
        if !unknown.is_empty() {
            fix.push_str(&format!(
                " and add {} to `enum` (the open enum keeps it as Unknown meanwhile)",
                listed(&unknown)
            ));
        }
        fix
    } else {
        "set `enum` to the page's list (new values: a closed enum rejects them until then)"
            .to_owned()
    };
    checker.findings.differ(
        Kind::ValidValues,
        subject,
        Some(page.line),
        format!(
            "valid values {} ({})",
            values_text(values),
            change.join("; ")
        ),
        Some(at),
        format!("{member} {}", values_text(compared)),
        fix,
    );
}

fn field_example(
    checker: &mut Checker<'_>,
    subject: &str,
    placed: &Placed<'_>,
    property: &Location,
    assembled: &[&SpecExample],
) {
    let entry = placed.entry;
    let line = entry.example.as_ref().map_or(entry.line, |e| e.line);
    let spec_example = checker.view.example(property);
    let from_assembled = placed.pointer.as_ref().and_then(|pointer| {
        assembled.iter().find_map(|example| {
            let value = example.value.pointer(pointer)?;
            let at = pointer
                .split('/')
                .skip(1)
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .fold(example.at.join("value"), |at, s| at.join(s));
            Some((at, value.clone()))
        })
    });
    match from_assembled {
        Some(assembled) => {
            if let Some(spec) = &spec_example {
                checker.note_shared(spec, entry.example.as_ref(), false);
            }
            checker.example_fact(
                subject,
                entry.example.as_ref(),
                line,
                Some(assembled),
                property,
            );
        }
        None => {
            if let Some(spec) = &spec_example {
                checker.note_shared(spec, entry.example.as_ref(), true);
            }
            checker.example_fact(
                subject,
                entry.example.as_ref(),
                line,
                spec_example,
                property,
            );
        }
    }
}
