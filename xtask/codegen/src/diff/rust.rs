//! What a spec change does to the crate's Rust API: the generated types of both
//! specs compared (fields, variants, types), each difference with its semver level
//! the way cargo-semver-checks sees it (a field added to a `#[non_exhaustive]`
//! struct is minor, to an exhaustive one major; a variant likewise).

use std::collections::BTreeMap;

use veriff_spec::Spec;

use super::{Action, Bump, Change, RustEffect, Verdict};
use crate::model::{Model, RustItem, RustType};

/// One difference of the Rust API.
#[derive(Clone, Debug)]
pub struct Effect {
    /// The Rust type.
    pub ty: String,
    /// The JSON name of the field, or the wire value of the variant; `None` for the
    /// type as a whole.
    pub member: Option<String>,
    /// What changed.
    pub effect: RustEffect,
}

fn effect(ty: &str, member: Option<&str>, what: String, bump: Bump) -> Effect {
    Effect {
        ty: ty.to_owned(),
        member: member.map(str::to_owned),
        effect: RustEffect { what, bump },
    }
}

/// Every difference between two models.
pub fn effects(old: &Model, new: &Model) -> Vec<Effect> {
    let mut out = Vec::new();
    for (name, item) in &old.types {
        if !new.types.contains_key(name) {
            out.push(effect(
                name,
                None,
                format!("type {name} ({}) removed", kind(item)),
                Bump::Major,
            ));
        }
    }
    for (name, item) in &new.types {
        match old.types.get(name) {
            None => out.push(effect(
                name,
                None,
                format!("type {name} ({}) added", kind(item)),
                Bump::Minor,
            )),
            Some(before) => compare(name, before, item, &mut out),
        }
    }
    out
}

fn kind(item: &RustItem) -> &'static str {
    match item {
        RustItem::Struct { .. } => "struct",
        RustItem::Enum { .. } => "enum",
        RustItem::OpenEnum { .. } => "open enum",
        RustItem::Other { .. } => "type",
    }
}

/// Minor if the type is `#[non_exhaustive]` (nobody can build or match it
/// exhaustively outside the crate), major otherwise.
fn addition(item: &RustItem) -> (Bump, &'static str) {
    if item.is_non_exhaustive() {
        (Bump::Minor, "minor: the type is #[non_exhaustive]")
    } else {
        (Bump::Major, "major: the type is exhaustive")
    }
}

fn compare(name: &str, old: &RustItem, new: &RustItem, out: &mut Vec<Effect>) {
    if old.is_non_exhaustive() != new.is_non_exhaustive() {
        let now = if new.is_non_exhaustive() {
            "now"
        } else {
            "no longer"
        };
        out.push(effect(
            name,
            None,
            format!("{name} is {now} #[non_exhaustive]"),
            Bump::Major,
        ));
    }
    match (old, new) {
        (RustItem::Struct { fields: a, .. }, RustItem::Struct { fields: b, .. }) => {
            let before: BTreeMap<&str, _> = a.iter().map(|f| (f.json.as_str(), f)).collect();
            let after: BTreeMap<&str, _> = b.iter().map(|f| (f.json.as_str(), f)).collect();
            for (json, field) in &before {
                if !after.contains_key(json) {
                    out.push(effect(
                        name,
                        Some(json),
                        format!("field {name}.{}: {} removed", field.rust, field.ty),
                        Bump::Major,
                    ));
                }
            }
            for (json, field) in &after {
                match before.get(json) {
                    None => {
                        let (bump, why) = addition(new);
                        out.push(effect(
                            name,
                            Some(json),
                            format!("field {name}.{}: {} added ({why})", field.rust, field.ty),
                            bump,
                        ));
                    }
                    Some(was) if was.rust != field.rust => out.push(effect(
                        name,
                        Some(json),
                        format!(
                            "field {name}.{}: {} renamed to {name}.{}: {} (major)",
                            was.rust, was.ty, field.rust, field.ty
                        ),
                        Bump::Major,
                    )),
                    Some(was) if was.ty != field.ty => out.push(effect(
                        name,
                        Some(json),
                        format!(
                            "field {name}.{}: {} → {} (major)",
                            field.rust, was.ty, field.ty
                        ),
                        Bump::Major,
                    )),
                    Some(_) => {}
                }
            }
        }
        (RustItem::Enum { variants: a, .. }, RustItem::Enum { variants: b, .. })
        | (RustItem::OpenEnum { variants: a }, RustItem::OpenEnum { variants: b }) => {
            for variant in a.iter().filter(|v| !b.iter().any(|w| w.json == v.json)) {
                out.push(effect(
                    name,
                    Some(&variant.json),
                    format!("variant {name}::{} removed (major)", variant.rust),
                    Bump::Major,
                ));
            }
            for variant in b.iter().filter(|v| !a.iter().any(|w| w.json == v.json)) {
                let (bump, why) = addition(new);
                out.push(effect(
                    name,
                    Some(&variant.json),
                    format!("variant {name}::{} added ({why})", variant.rust),
                    bump,
                ));
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(effect(
            name,
            None,
            format!("{name} changed from {} to {} (major)", kind(a), kind(b)),
            Bump::Major,
        )),
    }
}

/// The Rust type and member a change's pointer is about: the named schema's type
/// and the property's JSON name; for an enum value (`.../enum/<index>`), the enum's
/// type (a property's own type for an inline enum) and the value.
fn target(pointer: &str, model: &Model, spec: &Spec) -> Option<(String, Option<String>)> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    let segments: Vec<String> = rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (schema, rest) = segments.split_first()?;
    let (ty, _) = model.for_schema(schema)?;
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let enum_value = |pointer: &str| {
        spec.document()
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    match rest.as_slice() {
        ["enum", _] => Some((ty, enum_value(pointer))),
        ["properties", property, tail @ ..] => {
            if let ["enum", _] = tail
                && let Some(RustItem::Struct { fields, .. }) = model.types.get(&ty)
                && let Some(field) = fields.iter().find(|f| f.json == *property)
                && let Some(inner) = named(&field.ty)
            {
                // The enum of a property has a type of its own.
                return Some((inner, enum_value(pointer)));
            }
            Some((ty, Some((*property).to_owned())))
        }
        _ => Some((ty, None)),
    }
}

fn named(ty: &RustType) -> Option<String> {
    match ty {
        RustType::Named(name) => Some(name.clone()),
        RustType::Option(inner) | RustType::Vec(inner) | RustType::Map(inner) => named(inner),
        _ => None,
    }
}

/// The two specs and their models, for [`attach`].
pub struct Sides<'a> {
    pub old: (&'a Spec, &'a Model),
    pub new: (&'a Spec, &'a Model),
}

/// Gives each wire change the Rust effects of its type and member; effects no wire
/// change explains (a `$ref` refactoring that renames a type) become changes of
/// their own.
pub fn attach(changes: &mut Vec<Change>, effects: Vec<Effect>, sides: &Sides<'_>) {
    let mut left: Vec<Option<Effect>> = effects.into_iter().map(Some).collect();
    for change in changes.iter_mut() {
        if change.rust.is_some() {
            continue;
        }
        let (spec, model) = if change.action == Action::Removed {
            sides.old
        } else {
            sides.new
        };
        let Some((ty, member)) = target(&change.pointer, model, spec) else {
            continue;
        };
        let found: Vec<RustEffect> = left
            .iter_mut()
            .filter(|slot| {
                slot.as_ref()
                    .is_some_and(|e| e.ty == ty && e.member == member)
            })
            .filter_map(Option::take)
            .map(|effect| effect.effect)
            .collect();
        change.rust = Some(match found.as_slice() {
            [] => RustEffect {
                what: match &member {
                    Some(json) => format!("{ty} ({json}): no change of the API"),
                    None => format!("{ty}: no change of the API"),
                },
                bump: Bump::None,
            },
            _ => RustEffect {
                what: found
                    .iter()
                    .map(|e| e.what.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                bump: found.iter().map(|e| e.bump).max().unwrap_or(Bump::None),
            },
        });
    }
    for effect in left.into_iter().flatten() {
        let what = &effect.effect.what;
        changes.push(Change {
            pointer: format!("/components/schemas/{}", effect.ty),
            action: if what.contains(" added") {
                Action::Added
            } else if what.contains(" removed") {
                Action::Removed
            } else {
                Action::Changed
            },
            summary: format!(
                "the Rust API of {} changes with no change on the wire",
                effect.ty
            ),
            veriff: Verdict::Compatible("the wire is unchanged".to_owned()),
            sdk: Verdict::Compatible("the wire is unchanged".to_owned()),
            bump: effect.effect.bump,
            rust: Some(effect.effect),
        });
    }
}
