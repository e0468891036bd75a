//! Comparing what the page states with what the spec says, fact by fact.
//!
//! Each fact is compared once; a disagreement becomes one [`Difference`] line
//! (page line, spec pointer, fix). Where the spec records that it differs on
//! purpose (`x-vendor-page-*`, `openapi/known-contradictions.yaml`), the fact is
//! counted as a recorded difference instead. The operation-level facts live here;
//! [`parameters`], [`responses`] (with [`fields`]) and [`changelog`] do the rest.
//!
//! [`Difference`]: crate::report::Difference

mod changelog;
mod fields;
mod parameters;
mod responses;

use std::collections::BTreeMap;

use serde_json::Value;
use veriff_spec::Location;
use veriff_spec::contradictions::{Found, KNOWN_FILE, KnownContradiction, VENDOR_RULES};
use veriff_spec::openapi::{self, Operation};

use crate::page::{Page, Text};
use crate::report::{Findings, Kind};
use crate::spec_view::{OMITS, View, normalise, page_text};

/// Compares a parsed page with the spec.
pub fn compare(page: &Page, view: View<'_>, known: &[KnownContradiction]) -> Findings {
    let mut checker = Checker {
        view,
        known,
        findings: Findings::default(),
        shared: BTreeMap::new(),
        schemas: None,
    };
    if let Some(operation) = checker.operation(page) {
        checker.title(page, &operation);
        checker.lead(page, &operation);
        parameters::compare(&mut checker, page, &operation);
        responses::compare(&mut checker, page, &operation);
        checker.shared_examples();
    }
    changelog::compare(&mut checker, page);
    checker.findings
}

/// A schema example that several statuses share (the error body's fields): the
/// per-status values live in assembled examples, and the schema's own example
/// must be one of the page's.
struct SharedExample {
    at: Location,
    spec: String,
    compared: bool,
    seen: Vec<(String, usize)>,
}

/// The comparison's state: the spec, the known list, what was found so far.
pub struct Checker<'a> {
    view: View<'a>,
    known: &'a [KnownContradiction],
    findings: Findings,
    shared: BTreeMap<String, SharedExample>,
    /// Component schema nodes by dotted name, built on first use.
    schemas: Option<BTreeMap<String, Location>>,
}

/// Page text in backticks, whitespace collapsed.
fn quoted(text: &str) -> String {
    format!("`{}`", normalise(text))
}

impl<'a> Checker<'a> {
    /// The spec's operation for the page's method and path. When the spec has
    /// one operation and the page another path or method, that is a difference,
    /// and the rest is still compared with the spec's operation.
    fn operation(&mut self, page: &Page) -> Option<Operation> {
        let spec = self.view.spec;
        let operations = openapi::operations(spec);
        self.findings.fact();
        let said = format!(
            "{} {}",
            page.method.value.to_ascii_uppercase(),
            page.path.value
        );
        if let Some(operation) = openapi::operation(spec, &page.path.value, &page.method.value) {
            return Some(operation);
        }
        let [operation] = operations.as_slice() else {
            let listed: Vec<String> = operations
                .iter()
                .map(|o| format!("{} {}", o.method.to_ascii_uppercase(), o.path))
                .collect();
            self.findings.differ(
                Kind::Path,
                "operation",
                Some(page.path.line),
                quoted(&said),
                Some(&Location::root().join("paths")),
                format!("operations [{}]", listed.join(", ")),
                "describe the page's operation in the spec's `paths` (this check compares one page with one operation)",
            );
            return None;
        };
        if operation.path != page.path.value {
            self.findings.differ(
                Kind::Path,
                "operation path",
                Some(page.path.line),
                quoted(&page.path.value),
                Some(&Location::root().join_all(["paths", operation.path.as_str()])),
                quoted(&operation.path),
                "if Veriff moved the endpoint, rename the spec's path (the SDK's request path follows with `cargo xtask generate`) and the reference server's route",
            );
        }
        if !operation.method.eq_ignore_ascii_case(&page.method.value) {
            self.findings.differ(
                Kind::Method,
                "operation method",
                Some(page.method.line),
                quoted(&page.method.value.to_ascii_uppercase()),
                Some(&operation.at),
                quoted(&operation.method.to_ascii_uppercase()),
                "move the operation under the page's method in the spec",
            );
        }
        Some(operation.clone())
    }

    /// The page's title is the operation's `summary`.
    fn title(&mut self, page: &Page, operation: &Operation) {
        let line = page.title.as_ref().map_or(page.method.line, |t| t.line);
        let summary = self.view.string(&operation.at, "summary");
        self.text_fact(
            Kind::Title,
            "operation summary (the page's title)",
            "summary",
            page.title.as_ref(),
            line,
            summary,
            &operation.at,
        );
    }

    /// The paragraph under the path is the operation's `description`.
    fn lead(&mut self, page: &Page, operation: &Operation) {
        let description = self.view.string(&operation.at, "description");
        self.text_fact(
            Kind::Description,
            "operation description (the paragraph under the path)",
            "description",
            page.lead.as_ref(),
            page.path.line,
            description,
            &operation.at,
        );
    }

    /// Compares a text the page may show with the spec's; `home` is where the
    /// spec's member would go.
    #[allow(clippy::too_many_arguments)]
    fn text_fact(
        &mut self,
        kind: Kind,
        subject: &str,
        member: &str,
        page: Option<&Text>,
        owner_line: usize,
        spec: Option<(Location, String)>,
        home: &Location,
    ) {
        self.findings.fact();
        let page_line = Some(page.map_or(owner_line, |t| t.line));
        match (page, spec) {
            (None, None) => {}
            (Some(page), Some((_, spec))) if normalise(&page.value) == normalise(&spec) => {}
            (Some(page), None) => self.findings.differ(
                kind,
                subject,
                page_line,
                quoted(&page.value),
                Some(&home.join(member)),
                format!("no `{member}`"),
                format!("set `{member}` to the page's text"),
            ),
            (None, Some((at, spec))) => self.findings.differ(
                kind,
                subject,
                page_line,
                format!("no {member}"),
                Some(&at),
                quoted(&spec),
                format!(
                    "remove `{member}`; text of our own goes in `x-sdk-note` beside it"
                ),
            ),
            (Some(page), Some((at, spec))) => self.findings.differ(
                kind,
                subject,
                page_line,
                quoted(&page.value),
                Some(&at),
                quoted(&spec),
                format!(
                    "set `{member}` to the page's text; keep text of our own in `x-sdk-note` beside it"
                ),
            ),
        }
    }

    /// Compares an `Example` line with the spec's example of a node. `omitted`:
    /// the spec records that the page shows no example there.
    fn example_fact(
        &mut self,
        subject: &str,
        page: Option<&Text>,
        owner_line: usize,
        spec: Option<(Location, Value)>,
        node: &Location,
    ) {
        self.findings.fact();
        let omitted = self.view.omits(node, "example");
        match (page, spec) {
            (None, None) => {}
            (None, Some((_, value))) if omitted => {
                let at = self.omits_at(node);
                self.findings.record(
                    subject,
                    format!(
                        "the page shows no example; the spec's is {}",
                        quoted(&page_text(&value))
                    ),
                    format!("{OMITS}: [example]"),
                    &at,
                    owner_line,
                );
            }
            (None, Some((at, value))) => self.findings.differ(
                Kind::Example,
                subject,
                Some(owner_line),
                "no example",
                Some(&at),
                quoted(&page_text(&value)),
                format!(
                    "remove the example, or add `{OMITS}: [example]` beside it if the SDK needs it"
                ),
            ),
            (Some(page), None) => self.findings.differ(
                Kind::Example,
                subject,
                Some(page.line),
                quoted(&page.value),
                Some(&node.join("example")),
                "no example",
                "add the page's example",
            ),
            (Some(page), Some((at, value))) => {
                if page_text(&value) != page.value {
                    self.findings.differ(
                        Kind::Example,
                        subject,
                        Some(page.line),
                        quoted(&page.value),
                        Some(&at),
                        quoted(&page_text(&value)),
                        "set the example to the page's value",
                    );
                }
                if omitted {
                    self.stale_omission(subject, page.line, node, "example");
                }
            }
        }
    }

    /// Where the `x-vendor-page-omits` of a node is: on it, or on its `$ref` target.
    fn omits_at(&self, at: &Location) -> Location {
        if self.view.get(at).is_some_and(|n| n.get(OMITS).is_some()) {
            return at.join(OMITS);
        }
        self.view
            .resolve(at)
            .map_or_else(|| at.join(OMITS), |(target, _)| target.join(OMITS))
    }

    /// The spec says the page omits `keyword` there, but the page shows it now.
    fn stale_omission(&mut self, subject: &str, line: usize, node: &Location, keyword: &str) {
        self.findings.differ(
            Kind::StaleRecord,
            subject,
            Some(line),
            format!("shows the {keyword}"),
            Some(&self.omits_at(node)),
            format!("records that the page omits the {keyword}"),
            format!("remove `{keyword}` from `{OMITS}`"),
        );
    }

    /// A value the page prints for a field whose schema carries a vendor rule
    /// (`x-vendor-published-codes`, `x-vendor-page-enum`): outside the rule, it
    /// must be a known contradiction.
    fn vendor_rules(&mut self, subject: &str, value: &Text, property: &Location) {
        let Some((target, node)) = self.view.resolve(property) else {
            return;
        };
        for (rule, _) in VENDOR_RULES {
            let Some(Value::Array(allowed)) = node.get(rule) else {
                continue;
            };
            if allowed.iter().any(|v| page_text(v) == value.value) {
                continue;
            }
            let found = Found {
                schema: target.dotted(),
                rule: rule.to_owned(),
                value: value.value.clone(),
                example: subject.to_owned(),
                path: "its Example line".to_owned(),
            };
            self.contradiction(&found, &target, value.line);
        }
    }

    /// A page value outside a vendor rule (carried by the schema at `schema`):
    /// recorded if the known list has it.
    fn contradiction(&mut self, found: &Found, schema: &Location, line: usize) {
        self.findings.fact();
        let listed = self.known.iter().any(|known| {
            known.schema == found.schema && known.rule == found.rule && known.value == found.value
        });
        let rule_at = schema.join(&found.rule);
        if listed {
            self.findings.record(
                format!("`{}` outside {}", found.value, found.rule),
                format!(
                    "the page uses `{}`, outside {}.{} (in {})",
                    found.value, found.schema, found.rule, found.example
                ),
                KNOWN_FILE,
                &rule_at,
                line,
            );
        } else {
            self.findings.differ(
                Kind::Contradiction,
                &found.example,
                Some(line),
                format!("uses `{}` at {}", found.value, found.path),
                Some(&rule_at),
                format!("`{}` is outside {}", found.value, found.rule),
                format!(
                    "if the page really says so, add an entry (schema: {}, rule: {}, value: {:?}, page, sdk) to {KNOWN_FILE}; otherwise widen {}",
                    found.schema, found.rule, found.value, found.rule
                ),
            );
        }
    }

    /// The schema node whose dotted name is `dotted` (how `contradictions::find`
    /// names it); the component schemas are indexed once.
    fn schema_named(&mut self, dotted: &str) -> Location {
        let spec = self.view.spec;
        let named = self.schemas.get_or_insert_with(|| {
            openapi::named_schemas(spec)
                .iter()
                .map(|name| Location::root().join_all(["components", "schemas", name]))
                .flat_map(|root| openapi::schema_nodes(spec, &root))
                .map(|node| (node.dotted(), node))
                .collect()
        });
        if let Some(found) = named.get(dotted) {
            return found.clone();
        }
        // An inline schema under `paths`: search every schema root.
        openapi::schema_roots(spec)
            .iter()
            .flat_map(|root| openapi::schema_nodes(spec, root))
            .find(|node| node.dotted() == dotted)
            .unwrap_or_else(|| Location::root().join("components"))
    }

    /// A contradiction found in a page example by `contradictions::find`.
    fn found_in_example(&mut self, found: &Found, line: usize) {
        let schema = self.schema_named(&found.schema);
        self.contradiction(found, &schema, line);
    }

    /// Notes a page example for a schema example shared by several statuses.
    fn note_shared(&mut self, spec: &(Location, Value), page: Option<&Text>, compared: bool) {
        let entry = self
            .shared
            .entry(spec.0.pointer())
            .or_insert_with(|| SharedExample {
                at: spec.0.clone(),
                spec: page_text(&spec.1),
                compared: false,
                seen: Vec::new(),
            });
        entry.compared |= compared;
        if let Some(page) = page {
            entry.seen.push((page.value.clone(), page.line));
        }
    }

    /// A schema example compared with no status directly (every status holds
    /// its own value in an assembled example) must still be one of the page's.
    fn shared_examples(&mut self) {
        let shared = std::mem::take(&mut self.shared);
        for example in shared.values().filter(|e| !e.compared) {
            self.findings.fact();
            if example.seen.iter().any(|(value, _)| *value == example.spec) {
                continue;
            }
            let Some((first, line)) = example.seen.first() else {
                continue;
            };
            let seen: Vec<String> = example
                .seen
                .iter()
                .map(|(value, line)| format!("{} (line {line})", quoted(value)))
                .collect();
            self.findings.differ(
                Kind::Example,
                format!("schema example {}", example.at.dotted()),
                Some(*line),
                format!("field examples {}", seen.join(", ")),
                Some(&example.at),
                quoted(&example.spec),
                format!(
                    "set the schema's example to one of the page's, e.g. {}",
                    quoted(first)
                ),
            );
        }
    }
}
