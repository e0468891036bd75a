//! The spec compared as the wire sees it, `$ref`s resolved: what Veriff's servers
//! and this SDK's deployed releases exchange.
//!
//! Schemas are compared where they are used (a response body, a parameter, a
//! header), following `$ref`s, so a definition moved into `components` (or back)
//! is no change. A change is reported at the place that defines it, once, however
//! many uses reach it.

use std::collections::BTreeSet;

use serde_json::Value;
use veriff_spec::openapi::{Operation, operations};
use veriff_spec::{Location, Spec};

use super::{Action, Bump, Change, RustEffect, Verdict};
use crate::SIGNATURE_HEADER;

/// Constraints that narrow a value without changing its type.
const CONSTRAINTS: [&str; 9] = [
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
];

/// Every change between two specs, in the new spec's order.
pub fn changes(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut walk = Walk {
        old,
        new,
        changes: Vec::new(),
        seen: BTreeSet::new(),
    };
    walk.info();
    walk.operations();
    walk.unused_schemas();
    walk.changes
}

struct Walk<'a> {
    old: &'a Spec,
    new: &'a Spec,
    changes: Vec<Change>,
    /// Definition pairs already compared (old pointer, new pointer).
    seen: BTreeSet<(String, String)>,
}

fn compatible(why: &str) -> Verdict {
    Verdict::Compatible(why.to_owned())
}

fn breaking(why: &str) -> Verdict {
    Verdict::Breaking(why.to_owned())
}

fn silent(why: &str) -> Verdict {
    Verdict::Silent(why.to_owned())
}

/// Documentation only: the doc comments and the reference server's data change.
fn docs(pointer: String, action: Action, summary: String) -> Change {
    Change {
        pointer,
        action,
        summary,
        veriff: compatible("documentation"),
        sdk: compatible("documentation"),
        rust: None,
        bump: Bump::Patch,
    }
}

fn members(spec: &Spec, at: &Location) -> Vec<String> {
    spec.get(at)
        .and_then(Value::as_object)
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default()
}

fn text(node: &Value, key: &str) -> Option<String> {
    node.get(key).map(|value| match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// A short description of a schema for messages: `string (uuid)`, `number`, `UserStatus`.
fn describe(spec: &Spec, at: &Location) -> String {
    if let Some(reference) = spec
        .get(at)
        .and_then(|n| n.get("$ref"))
        .and_then(Value::as_str)
    {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    let Ok((_, node)) = spec.resolve(at) else {
        return "?".to_owned();
    };
    let ty = text(node, "type").unwrap_or_else(|| "any".to_owned());
    let ty = match node.get("format").and_then(Value::as_str) {
        Some(format) => format!("{ty} ({format})"),
        None => ty,
    };
    if node.get("nullable") == Some(&Value::Bool(true)) {
        format!("{ty} | null")
    } else {
        ty
    }
}

/// What a schema place is, for messages: `` `UserStatus.reason` ``,
/// `` `SessionAttemptsResponse.verifications[]` ``, `` `AttemptStatus` ``.
fn subject(at: &Location) -> String {
    let segments = at.segments();
    let start = segments
        .windows(2)
        .position(|pair| pair[0] == "components" && pair[1] == "schemas")
        .map(|index| index + 2);
    let (mut name, rest) = match start {
        Some(index) if index < segments.len() => (segments[index].clone(), &segments[index + 1..]),
        _ => (
            "the body".to_owned(),
            segments
                .iter()
                .rposition(|s| s == "schema")
                .map_or(&segments[..0], |i| &segments[i + 1..]),
        ),
    };
    let mut steps = rest.iter();
    while let Some(step) = steps.next() {
        match step.as_str() {
            "properties" => {
                if let Some(property) = steps.next() {
                    name.push('.');
                    name.push_str(property);
                }
            }
            "items" => name.push_str("[]"),
            _ => {}
        }
    }
    format!("`{name}`")
}

impl Walk<'_> {
    fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    fn info(&mut self) {
        let info = Location::root().join("info");
        let (old, new) = (self.old.get(&info), self.new.get(&info));
        let keys: BTreeSet<String> = [old, new]
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|o| o.keys().cloned())
            .collect();
        for key in keys {
            let (a, b) = (old.and_then(|o| o.get(&key)), new.and_then(|n| n.get(&key)));
            if a != b {
                let shown =
                    |v: Option<&Value>| v.map_or_else(|| "(none)".to_owned(), Value::to_string);
                self.push(docs(
                    info.join(&key).pointer(),
                    Action::Changed,
                    format!("info.{key} changed from {} to {}", shown(a), shown(b)),
                ));
            }
        }
    }

    fn operations(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        let key = |op: &Operation| (op.method.to_ascii_uppercase(), op.path.clone());
        for old in &old_ops {
            if !new_ops.iter().any(|new| key(new) == key(old)) {
                let id = text(self.old.get(&old.at).unwrap_or(&Value::Null), "operationId");
                self.push(Change {
                    pointer: old.at.pointer(),
                    action: Action::Removed,
                    summary: format!("operation {} {} removed", key(old).0, old.path),
                    veriff: breaking("the policy allows new endpoints, not removing one"),
                    sdk: breaking("callers of the operation fail"),
                    rust: id.map(|id| RustEffect {
                        what: format!("client method `{}` removed", crate::snake_case(&id)),
                        bump: Bump::Major,
                    }),
                    bump: Bump::Major,
                });
            }
        }
        for new in &new_ops {
            match old_ops.iter().find(|old| key(old) == key(new)) {
                Some(old) => self.operation(old, new),
                None => {
                    let id = text(self.new.get(&new.at).unwrap_or(&Value::Null), "operationId");
                    self.push(Change {
                        pointer: new.at.pointer(),
                        action: Action::Added,
                        summary: format!("operation {} {} added", key(new).0, new.path),
                        veriff: compatible("the policy allows new endpoints"),
                        sdk: compatible("deployed releases do not call it"),
                        rust: id.map(|id| RustEffect {
                            what: format!("client method `{}` added", crate::snake_case(&id)),
                            bump: Bump::Minor,
                        }),
                        bump: Bump::Minor,
                    });
                }
            }
        }
    }

    fn operation(&mut self, old: &Operation, new: &Operation) {
        let (old_node, new_node) = (
            self.old.get(&old.at).cloned().unwrap_or_default(),
            self.new.get(&new.at).cloned().unwrap_or_default(),
        );
        let (old_id, new_id) = (
            text(&old_node, "operationId"),
            text(&new_node, "operationId"),
        );
        if old_id != new_id {
            self.push(Change {
                pointer: new.at.join("operationId").pointer(),
                action: Action::Changed,
                summary: format!("operationId changed from {old_id:?} to {new_id:?}"),
                veriff: compatible("the wire is unchanged"),
                sdk: compatible("the wire is unchanged"),
                rust: Some(RustEffect {
                    what: format!(
                        "client method `{}` renamed to `{}`",
                        crate::snake_case(old_id.as_deref().unwrap_or_default()),
                        crate::snake_case(new_id.as_deref().unwrap_or_default())
                    ),
                    bump: Bump::Major,
                }),
                bump: Bump::Major,
            });
        }
        for key in ["summary", "description"] {
            if old_node.get(key) != new_node.get(key) {
                self.push(docs(
                    new.at.join(key).pointer(),
                    Action::Changed,
                    format!("operation {key} changed"),
                ));
            }
        }
        if old_node.get("security") != new_node.get("security") {
            self.security_changed(new.at.join("security").pointer());
        }
        self.parameters(old, new);
        self.responses(old, new);
    }

    fn security_changed(&mut self, pointer: String) {
        self.push(Change {
            pointer,
            action: Action::Changed,
            summary: "authentication requirements changed".to_owned(),
            veriff: breaking("requests must be authenticated differently"),
            sdk: breaking("deployed releases sign requests as before"),
            rust: None,
            bump: Bump::Major,
        });
    }

    /// Parameters by (in, name), `$ref`s resolved.
    fn parameter_list(spec: &Spec, op: &Operation) -> Vec<(String, String, Location)> {
        let list = op.at.join("parameters");
        let count = spec
            .get(&list)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        (0..count)
            .filter_map(|index| {
                let (at, node) = spec.resolve(&list.join(index)).ok()?;
                Some((text(node, "in")?, text(node, "name")?, at))
            })
            .collect()
    }

    fn parameters(&mut self, old: &Operation, new: &Operation) {
        let old_params = Self::parameter_list(self.old, old);
        let new_params = Self::parameter_list(self.new, new);
        let required =
            |spec: &Spec, at: &Location| spec.get(&at.join("required")) == Some(&Value::Bool(true));
        for (place, name, at) in &old_params {
            if !new_params.iter().any(|(p, n, _)| p == place && n == name) {
                self.push(Change {
                    pointer: at.pointer(),
                    action: Action::Removed,
                    summary: format!("{place} parameter `{name}` removed"),
                    veriff: breaking("the policy allows new optional parameters, not removing one"),
                    sdk: breaking("deployed releases still send it"),
                    rust: Some(RustEffect {
                        what: format!("builder method `{}` removed", crate::snake_case(name)),
                        bump: Bump::Major,
                    }),
                    bump: Bump::Major,
                });
            }
        }
        for (place, name, at) in &new_params {
            let Some((_, _, old_at)) = old_params.iter().find(|(p, n, _)| p == place && n == name)
            else {
                let is_required = required(self.new, at);
                self.push(Change {
                    pointer: at.pointer(),
                    action: Action::Added,
                    summary: format!(
                        "{} {place} parameter `{name}` added",
                        if is_required { "required" } else { "optional" }
                    ),
                    veriff: if is_required {
                        breaking("the policy allows new optional request parameters only")
                    } else {
                        compatible("the policy allows new optional request parameters")
                    },
                    sdk: if is_required {
                        breaking("deployed releases do not send it")
                    } else {
                        compatible("deployed releases do not need to send it")
                    },
                    rust: Some(RustEffect {
                        what: format!("builder method `{}` added", crate::snake_case(name)),
                        bump: if is_required {
                            Bump::Major
                        } else {
                            Bump::Minor
                        },
                    }),
                    bump: if is_required {
                        Bump::Major
                    } else {
                        Bump::Minor
                    },
                });
                continue;
            };
            let (was, is) = (required(self.old, old_at), required(self.new, at));
            if was != is {
                self.push(Change {
                    pointer: at.join("required").pointer(),
                    action: Action::Changed,
                    summary: format!(
                        "{place} parameter `{name}` made {}",
                        if is { "required" } else { "optional" }
                    ),
                    veriff: if is {
                        breaking("a request that omitted it now fails")
                    } else {
                        compatible("requests may omit it")
                    },
                    sdk: if is {
                        breaking("deployed releases may omit it")
                    } else {
                        compatible("deployed releases still send it")
                    },
                    rust: None,
                    bump: if is { Bump::Major } else { Bump::Minor },
                });
            }
            let (old_schema, new_schema) = (old_at.join("schema"), at.join("schema"));
            if self.old.get(&old_schema).is_some() && self.new.get(&new_schema).is_some() {
                let (a, b) = (
                    describe(self.old, &old_schema),
                    describe(self.new, &new_schema),
                );
                if a != b {
                    self.push(Change {
                        pointer: new_schema.pointer(),
                        action: Action::Changed,
                        summary: format!("{place} parameter `{name}` changed from {a} to {b}"),
                        veriff: breaking("requests must send something else"),
                        sdk: breaking("deployed releases send the old form"),
                        rust: None,
                        bump: Bump::Major,
                    });
                }
            }
            if self.old.get(&old_at.join("description")) != self.new.get(&at.join("description")) {
                self.push(docs(
                    at.join("description").pointer(),
                    Action::Changed,
                    format!("{place} parameter `{name}` description changed"),
                ));
            }
        }
    }

    fn responses(&mut self, old: &Operation, new: &Operation) {
        let old_statuses = old.statuses(self.old);
        let new_statuses = new.statuses(self.new);
        for status in &old_statuses {
            if !new_statuses.contains(status) {
                self.push(Change {
                    pointer: old.at.join_all(["responses", status.as_str()]).pointer(),
                    action: Action::Removed,
                    summary: format!("response status {status} removed"),
                    veriff: silent("the policy does not mention statuses"),
                    sdk: breaking("releases built from it report the status as Error::UnexpectedStatus, not as a documented answer"),
                    rust: None,
                    bump: Bump::Major,
                });
            }
        }
        for status in &new_statuses {
            let pointer = new.at.join_all(["responses", status.as_str()]);
            if !old_statuses.contains(status) {
                let signed = new
                    .headers(self.new, status)
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(SIGNATURE_HEADER));
                self.push(Change {
                    pointer: pointer.pointer(),
                    action: Action::Added,
                    summary: format!(
                        "response status {status} added ({}, schema {})",
                        if signed { "signed" } else { "unsigned" },
                        new.body_schema(self.new, status)
                            .map_or_else(|| "none".to_owned(), |s| describe(self.new, &s))
                    ),
                    veriff: silent("the policy does not mention statuses"),
                    sdk: compatible("deployed releases report an undocumented status as Error::UnexpectedStatus"),
                    rust: Some(RustEffect {
                        what: format!(
                            "spec::STATUSES gains {status}; its responses are decoded{}",
                            if status.starts_with(['4', '5']) { " as Error::Api" } else { "" }
                        ),
                        bump: Bump::Minor,
                    }),
                    bump: Bump::Minor,
                });
                continue;
            }
            self.response(old, new, status);
        }
    }

    fn response(&mut self, old: &Operation, new: &Operation, status: &str) {
        let (Some(old_at), Some(new_at)) = (
            old.response(self.old, status),
            new.response(self.new, status),
        ) else {
            return;
        };
        if self.old.get(&old_at.join("description")) != self.new.get(&new_at.join("description")) {
            self.push(docs(
                new_at.join("description").pointer(),
                Action::Changed,
                format!("response {status} description changed"),
            ));
        }
        self.headers(old, new, status, &old_at, &new_at);
        match (
            old.body_schema(self.old, status),
            new.body_schema(self.new, status),
        ) {
            (Some(a), Some(b)) => self.schema(&a, &b, true),
            (None, Some(b)) => self.push(Change {
                pointer: b.pointer(),
                action: Action::Added,
                summary: format!("response {status} now has a body"),
                veriff: silent("the policy does not cover bodies of statuses"),
                sdk: compatible("deployed releases decode it as documented then"),
                rust: None,
                bump: Bump::Minor,
            }),
            (Some(a), None) => self.push(Change {
                pointer: a.pointer(),
                action: Action::Removed,
                summary: format!("response {status} no longer has a body"),
                veriff: breaking("a documented body disappears"),
                sdk: breaking("deployed releases expect the body"),
                rust: None,
                bump: Bump::Major,
            }),
            (None, None) => {}
        }
        self.examples(&old_at, &new_at, status);
    }

    fn headers(
        &mut self,
        old: &Operation,
        new: &Operation,
        status: &str,
        old_at: &Location,
        new_at: &Location,
    ) {
        let old_names = old.headers(self.old, status);
        let new_names = new.headers(self.new, status);
        let has = |names: &[String], name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
        for name in &old_names {
            if has(&new_names, name) {
                let (a, b) = (
                    old_at.join_all(["headers", name.as_str()]),
                    new_at.join_all(["headers", name.as_str()]),
                );
                let resolved = |spec: &Spec, at: &Location| {
                    spec.resolve(at).ok().map(|(_, node)| node.clone())
                };
                if resolved(self.old, &a) != resolved(self.new, &b) {
                    self.push(docs(
                        b.pointer(),
                        Action::Changed,
                        format!("response {status} header {name} changed"),
                    ));
                }
                continue;
            }
            let signature = name.eq_ignore_ascii_case(SIGNATURE_HEADER);
            self.push(Change {
                pointer: old_at.join_all(["headers", name.as_str()]).pointer(),
                action: Action::Removed,
                summary: format!("response {status} header {name} removed"),
                veriff: if signature {
                    breaking("responses with this status would no longer be authenticated")
                } else {
                    compatible("the SDK does not read it")
                },
                sdk: if signature {
                    breaking(
                        "deployed releases reject an unsigned response: Error::SignatureMissing",
                    )
                } else {
                    compatible("the SDK does not read it")
                },
                rust: signature.then(|| RustEffect {
                    what: format!(
                        "spec::SIGNED_STATUSES loses {status}: its bodies are decoded unverified"
                    ),
                    bump: Bump::Major,
                }),
                bump: if signature { Bump::Major } else { Bump::Patch },
            });
        }
        for name in &new_names {
            if has(&old_names, name) {
                continue;
            }
            let signature = name.eq_ignore_ascii_case(SIGNATURE_HEADER);
            self.push(Change {
                pointer: new_at.join_all(["headers", name.as_str()]).pointer(),
                action: Action::Added,
                summary: format!("response {status} header {name} added"),
                veriff: silent("the policy does not mention headers"),
                sdk: compatible("deployed releases ignore headers they do not know"),
                rust: signature.then(|| RustEffect {
                    what: format!(
                        "spec::SIGNED_STATUSES gains {status}: this release requires its signature"
                    ),
                    bump: Bump::Minor,
                }),
                bump: if signature { Bump::Minor } else { Bump::Patch },
            });
        }
    }

    fn examples(&mut self, old_at: &Location, new_at: &Location, status: &str) {
        for media in members(self.new, &new_at.join("content")) {
            let (old_media, new_media) = (
                old_at.join_all(["content", media.as_str()]),
                new_at.join_all(["content", media.as_str()]),
            );
            let value = |spec: &Spec, at: &Location| {
                spec.resolve(at)
                    .ok()
                    .and_then(|(_, node)| node.get("value").cloned())
            };
            let old_names = members(self.old, &old_media.join("examples"));
            let new_names = members(self.new, &new_media.join("examples"));
            for name in &old_names {
                if !new_names.contains(name) {
                    self.push(docs(
                        old_media.join_all(["examples", name.as_str()]).pointer(),
                        Action::Removed,
                        format!("response {status} example `{name}` removed"),
                    ));
                }
            }
            for name in &new_names {
                let at = new_media.join_all(["examples", name.as_str()]);
                if !old_names.contains(name) {
                    self.push(docs(
                        at.pointer(),
                        Action::Added,
                        format!("response {status} example `{name}` added"),
                    ));
                } else if value(self.old, &old_media.join_all(["examples", name.as_str()]))
                    != value(self.new, &at)
                {
                    self.push(docs(
                        at.pointer(),
                        Action::Changed,
                        format!("response {status} example `{name}` changed"),
                    ));
                }
            }
            if self.old.get(&old_media.join("example")) != self.new.get(&new_media.join("example"))
            {
                self.push(docs(
                    new_media.join("example").pointer(),
                    Action::Changed,
                    format!("response {status} example changed"),
                ));
            }
        }
    }

    /// Compares two schemas of a response body (`response`) or elsewhere.
    fn schema(&mut self, old_at: &Location, new_at: &Location, response: bool) {
        let (Ok((old_def, old)), Ok((new_def, new))) =
            (self.old.resolve(old_at), self.new.resolve(new_at))
        else {
            return;
        };
        if !self.seen.insert((old_def.pointer(), new_def.pointer())) {
            return;
        }
        let (old, new) = (old.clone(), new.clone());
        let here = |key: &str| new_def.join(key).pointer();
        let (old_type, new_type) = (text(&old, "type"), text(&new, "type"));
        if old_type != new_type {
            self.push(Change {
                pointer: here("type"),
                action: Action::Changed,
                summary: format!(
                    "{}: type changed from {} to {}",
                    subject(&new_def),
                    old_type.as_deref().unwrap_or("any"),
                    new_type.as_deref().unwrap_or("any")
                ),
                veriff: breaking("the policy does not allow changing a type"),
                sdk: breaking("deployed releases fail to decode the new type: Error::Decode"),
                rust: None,
                bump: Bump::Major,
            });
            return;
        }
        let what = subject(&new_def);
        self.format(&old, &new, here("format"), &what, new_type.as_deref());
        self.nullable(&old, &new, here("nullable"), &what, response);
        self.enumeration(&old, &new, &old_def, &new_def);
        for key in CONSTRAINTS {
            if old.get(key) != new.get(key) {
                self.push(Change {
                    pointer: here(key),
                    action: Action::Changed,
                    summary: format!(
                        "{what}: {key} changed from {} to {}",
                        text(&old, key).unwrap_or_else(|| "(none)".into()),
                        text(&new, key).unwrap_or_else(|| "(none)".into())
                    ),
                    veriff: compatible(
                        "the policy lets the length and format of opaque strings change",
                    ),
                    sdk: compatible("the SDK does not enforce it"),
                    rust: None,
                    bump: Bump::Patch,
                });
            }
        }
        for key in ["description", "example"] {
            if old.get(key) != new.get(key) {
                self.push(docs(
                    here(key),
                    Action::Changed,
                    format!("{what}: {key} changed"),
                ));
            }
        }
        if old.get("additionalProperties") != new.get("additionalProperties") {
            let closed = new.get("additionalProperties") == Some(&Value::Bool(false));
            self.push(Change {
                pointer: here("additionalProperties"),
                action: Action::Changed,
                summary: format!(
                    "{what}: additionalProperties changed from {} to {}",
                    text(&old, "additionalProperties").unwrap_or_else(|| "(allowed)".into()),
                    text(&new, "additionalProperties").unwrap_or_else(|| "(allowed)".into())
                ),
                veriff: if closed {
                    breaking("the policy lets Veriff add response properties")
                } else {
                    compatible("more members are allowed")
                },
                sdk: compatible("the SDK ignores unknown members either way"),
                rust: None,
                bump: Bump::Patch,
            });
        }
        self.properties(&old, &new, &old_def, &new_def, response);
        if old.get("items").is_some() && new.get("items").is_some() {
            self.schema(&old_def.join("items"), &new_def.join("items"), response);
        }
    }

    fn format(&mut self, old: &Value, new: &Value, pointer: String, what: &str, ty: Option<&str>) {
        let (a, b) = (text(old, "format"), text(new, "format"));
        if a == b {
            return;
        }
        // Veriff's policy: "a changed length or format of opaque strings" (ids,
        // messages). A timestamp is read, not passed on.
        let opaque = ty == Some("string") && a.as_deref() != Some("date-time");
        let typed =
            |format: &Option<String>| matches!(format.as_deref(), Some("uuid" | "date-time"));
        self.push(Change {
            pointer,
            action: Action::Changed,
            summary: format!(
                "{what}: format changed from {} to {}",
                a.as_deref().unwrap_or("(none)"),
                b.as_deref().unwrap_or("(none)")
            ),
            veriff: if opaque {
                compatible("the policy lets the format of opaque strings change")
            } else {
                breaking("the value is read, not passed on")
            },
            sdk: if typed(&a) {
                breaking("deployed releases parse the old format; other values fail to decode")
            } else {
                compatible("deployed releases keep the value as a string")
            },
            rust: None,
            bump: if typed(&a) || typed(&b) {
                Bump::Major
            } else {
                Bump::Patch
            },
        });
    }

    fn nullable(&mut self, old: &Value, new: &Value, pointer: String, what: &str, response: bool) {
        let is = |node: &Value| node.get("nullable") == Some(&Value::Bool(true));
        match (is(old), is(new)) {
            (false, true) => self.push(Change {
                pointer,
                action: Action::Changed,
                summary: format!("{what}: made nullable"),
                veriff: breaking("the policy does not allow null where a value was promised"),
                sdk: if response {
                    breaking("deployed releases fail on null: Error::Decode")
                } else {
                    compatible("deployed releases never send null")
                },
                rust: None,
                bump: Bump::Major,
            }),
            (true, false) => self.push(Change {
                pointer,
                action: Action::Changed,
                summary: format!("{what}: no longer nullable"),
                veriff: compatible("Veriff sends a value where it could send null"),
                sdk: compatible("deployed releases accept values"),
                rust: None,
                bump: Bump::Patch,
            }),
            _ => {}
        }
    }

    fn enumeration(&mut self, old: &Value, new: &Value, old_def: &Location, new_def: &Location) {
        let values = |node: &Value| -> Vec<Value> {
            node.get("enum")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let extensible = |node: &Value| node.get("x-extensible-enum") == Some(&Value::Bool(true));
        let (old_values, new_values) = (values(old), values(new));
        let what = subject(new_def);
        let (was_open, open) = (extensible(old), extensible(new));
        if was_open != open && !new_values.is_empty() {
            self.push(Change {
                pointer: new_def.join("x-extensible-enum").pointer(),
                action: Action::Changed,
                summary: if open {
                    format!("{what}: enum made open (x-extensible-enum)")
                } else {
                    format!("{what}: enum made closed (x-extensible-enum removed)")
                },
                veriff: silent("the policy does not mention enum values"),
                sdk: if open {
                    compatible("deployed releases already accept the documented values")
                } else {
                    breaking(
                        "values Veriff adds later will fail to decode in releases built from it",
                    )
                },
                rust: None,
                bump: Bump::Major,
            });
        }
        if old_values.is_empty() || new_values.is_empty() {
            if old_values.is_empty() != new_values.is_empty() {
                self.push(Change {
                    pointer: new_def.join("enum").pointer(),
                    action: Action::Changed,
                    summary: if new_values.is_empty() {
                        format!("{what}: enum removed, any value allowed")
                    } else {
                        format!("{what}: enum added, only the listed values allowed")
                    },
                    veriff: silent("the policy does not mention enum values"),
                    sdk: if new_values.is_empty() {
                        breaking("deployed releases reject values outside the old list")
                    } else {
                        compatible("deployed releases accept any value")
                    },
                    rust: None,
                    bump: Bump::Major,
                });
            }
            return;
        }
        for (index, value) in new_values
            .iter()
            .enumerate()
            .filter(|(_, v)| !old_values.contains(v))
        {
            self.push(Change {
                pointer: new_def.join("enum").join(index).pointer(),
                action: Action::Added,
                summary: format!(
                    "{what}: value {value} added{}",
                    if open {
                        " (open enum)"
                    } else {
                        " (closed enum)"
                    }
                ),
                veriff: silent(
                    "the policy does not mention new enum values; Veriff adds them in practice",
                ),
                sdk: if open {
                    compatible("an open enum: deployed releases keep it as Unknown")
                } else {
                    breaking("a closed enum: deployed releases reject it with Error::Decode")
                },
                rust: None,
                bump: if open { Bump::Minor } else { Bump::Major },
            });
        }
        for (index, value) in old_values
            .iter()
            .enumerate()
            .filter(|(_, v)| !new_values.contains(v))
        {
            self.push(Change {
                pointer: old_def.join("enum").join(index).pointer(),
                action: Action::Removed,
                summary: format!("{what}: value {value} removed"),
                veriff: silent("the policy does not mention enum values"),
                sdk: compatible("deployed releases still accept it if it comes"),
                rust: None,
                bump: Bump::Major,
            });
        }
    }

    fn properties(
        &mut self,
        old: &Value,
        new: &Value,
        old_def: &Location,
        new_def: &Location,
        response: bool,
    ) {
        let names = |node: &Value| -> Vec<String> {
            node.get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        };
        let required = |node: &Value, name: &str| {
            node.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)))
        };
        let (old_names, new_names) = (names(old), names(new));
        for name in old_names.iter().filter(|n| !new_names.contains(n)) {
            let was_required = required(old, name);
            self.push(Change {
                pointer: old_def.join_all(["properties", name.as_str()]).pointer(),
                action: Action::Removed,
                summary: format!(
                    "{}: property `{name}` removed (was {}, {})",
                    subject(old_def),
                    if was_required { "required" } else { "optional" },
                    describe(self.old, &old_def.join_all(["properties", name.as_str()]))
                ),
                veriff: breaking("the policy lets Veriff add response properties, not remove them"),
                sdk: if was_required && response {
                    breaking("deployed releases require it: Error::Decode when it is missing")
                } else {
                    compatible("deployed releases accept its absence")
                },
                rust: None,
                bump: Bump::Major,
            });
        }
        for name in &new_names {
            let at = new_def.join_all(["properties", name.as_str()]);
            let is_required = required(new, name);
            if !old_names.contains(name) {
                self.push(Change {
                    pointer: at.pointer(),
                    action: Action::Added,
                    summary: format!(
                        "{}: property `{name}` added ({}, {})",
                        subject(new_def),
                        if is_required { "required" } else { "optional" },
                        describe(self.new, &at)
                    ),
                    veriff: if response {
                        compatible("the policy lets Veriff add response properties at any time")
                    } else {
                        breaking("the policy allows new optional request parameters only")
                    },
                    sdk: compatible("deployed releases ignore members they do not know"),
                    rust: None,
                    bump: Bump::Minor,
                });
                continue;
            }
            let was_required = required(old, name);
            if was_required != is_required {
                self.push(Change {
                    pointer: at.pointer(),
                    action: Action::Changed,
                    summary: format!(
                        "{}: property `{name}` made {}",
                        subject(new_def),
                        if is_required { "required" } else { "optional" }
                    ),
                    veriff: if is_required {
                        compatible("Veriff always sends it now")
                    } else {
                        breaking("Veriff may leave out a property it promised")
                    },
                    sdk: if is_required || !response {
                        compatible("deployed releases accept it either way")
                    } else {
                        breaking("deployed releases require it: Error::Decode when it is missing")
                    },
                    rust: None,
                    bump: Bump::Major,
                });
            }
            self.schema(
                &old_def.join_all(["properties", name.as_str()]),
                &at,
                response,
            );
        }
    }

    /// Named schemas no operation uses: compared by name.
    fn unused_schemas(&mut self) {
        let schemas = Location::root().join_all(["components", "schemas"]);
        for name in members(self.new, &schemas) {
            if members(self.old, &schemas).contains(&name) {
                let at = schemas.join(&name);
                self.schema(&at, &at, true);
            }
        }
    }
}
