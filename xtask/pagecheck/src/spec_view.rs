//! The spec seen the way the page prints it: a schema's type as the page writes it
//! (`string (uuid)`, `string | null`, `Array of object (UserStatus)`), a value as
//! the page writes an example, and the records that say where the spec differs from
//! the page on purpose.
//!
//! Records read here (documented in `openapi/README.md`):
//! - `x-vendor-page-omits: [format | enum | example]` on a schema or header: the
//!   spec states something the page does not show (the attempt id's `uuid` format,
//!   the closed `success` enum, a header's example);
//! - `x-vendor-page-enum` on a schema: the valid values the page prints when the
//!   spec's `enum` is wider;
//! - `x-vendor-page-example` on a security scheme: the page's example for a header
//!   parameter that the spec models as a security scheme (which has no `example`);
//! - `x-vendor-page-field-examples: true` on an Example Object: not a named example
//!   of the page but the page's field examples of that status, assembled.

use serde_json::Value;
use veriff_spec::{Location, Spec};

/// The extension listing what the page does not show.
pub const OMITS: &str = "x-vendor-page-omits";
/// The extension holding the valid values the page prints.
pub const PAGE_ENUM: &str = "x-vendor-page-enum";
/// The extension holding a security scheme's example as the page prints it.
pub const PAGE_EXAMPLE: &str = "x-vendor-page-example";
/// The extension marking an example assembled from the page's field examples.
pub const FIELD_EXAMPLES: &str = "x-vendor-page-field-examples";

/// Read access to the spec for the comparison.
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// The loaded spec.
    pub spec: &'a Spec,
}

/// A schema's type as the page would print it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageType {
    /// With what the page omits (`x-vendor-page-omits: [format]`) left out.
    pub shown: String,
    /// Everything the spec says.
    pub full: String,
}

impl<'a> View<'a> {
    /// The value at a location, `$ref`s not followed. (Walks the segments: the
    /// comparison makes thousands of lookups, and a JSON pointer string per
    /// lookup was most of its time.)
    pub fn get(&self, at: &Location) -> Option<&'a Value> {
        at.segments()
            .iter()
            .try_fold(self.spec.document(), |node, segment| match node {
                Value::Object(map) => map.get(segment),
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?),
                _ => None,
            })
    }

    /// The value at a location, `$ref`s followed (chains too, cycles refused),
    /// with its final location.
    pub fn resolve(&self, at: &Location) -> Option<(Location, &'a Value)> {
        let mut here = at.clone();
        // The spec loader already refused dangling refs and cycles; the bound
        // only keeps this loop finite whatever it is given.
        for _ in 0..32 {
            let node = self.get(&here)?;
            let Some(reference) = node.get("$ref") else {
                return Some((here, node));
            };
            here = veriff_spec::spec::ref_target(reference).ok()?;
        }
        None
    }

    /// A string member of the node at `at` (`$ref` followed).
    pub fn string(&self, at: &Location, member: &str) -> Option<(Location, String)> {
        let (at, node) = self.resolve(at)?;
        let text = node.get(member)?.as_str()?;
        Some((at.join(member), text.to_owned()))
    }

    /// Whether the node at `at`, or the schema it refers to, lists `keyword` in
    /// `x-vendor-page-omits`.
    pub fn omits(&self, at: &Location, keyword: &str) -> bool {
        let listed = |node: Option<&Value>| {
            node.and_then(|n| n.get(OMITS))
                .and_then(Value::as_array)
                .is_some_and(|list| list.iter().any(|v| v.as_str() == Some(keyword)))
        };
        listed(self.get(at)) || listed(self.resolve(at).map(|(_, node)| node))
    }

    /// The schema's type as the page prints it.
    pub fn page_type(&self, at: &Location) -> PageType {
        PageType {
            shown: self.render(at, true, true),
            full: self.render(at, false, true),
        }
    }

    fn render(&self, at: &Location, honour_omits: bool, top: bool) -> String {
        let Some((target, node)) = self.resolve(at) else {
            return "(nothing: the $ref does not resolve)".to_owned();
        };
        let referenced = self.get(at).is_some_and(|n| n.get("$ref").is_some());
        let ty = match node.get("type").and_then(Value::as_str) {
            Some(ty) => ty,
            None if node.get("properties").is_some() => "object",
            None => "any",
        };
        let mut text = match ty {
            "array" => match node.get("items") {
                Some(_) => format!(
                    "Array of {}",
                    self.render(&target.join("items"), honour_omits, false)
                ),
                None => "Array of any".to_owned(),
            },
            "object" => match target.component_schema_name() {
                Some(name) if referenced && !top => format!("object ({name})"),
                _ => "object".to_owned(),
            },
            other => match node.get("format").and_then(Value::as_str) {
                Some(format) if !(honour_omits && self.omits(at, "format")) => {
                    format!("{other} ({format})")
                }
                _ => other.to_owned(),
            },
        };
        if node.get("nullable").and_then(Value::as_bool) == Some(true) {
            text.push_str(" | null");
        }
        text
    }

    /// The description the page would show for a schema, parameter or header: its
    /// own, or (for a `$ref`) its target's.
    pub fn description(&self, at: &Location) -> Option<(Location, String)> {
        if let Some(text) = self
            .get(at)
            .and_then(|n| n.get("description"))
            .and_then(Value::as_str)
        {
            return Some((at.join("description"), text.to_owned()));
        }
        self.string(at, "description")
    }

    /// The `example` of a node (`$ref` followed), with where it is.
    pub fn example(&self, at: &Location) -> Option<(Location, Value)> {
        if let Some(value) = self.get(at).and_then(|n| n.get("example")) {
            return Some((at.join("example"), value.clone()));
        }
        let (target, node) = self.resolve(at)?;
        node.get("example")
            .map(|value| (target.join("example"), value.clone()))
    }

    /// A list member of the resolved schema (`enum`, `x-vendor-page-enum`, ...).
    pub fn list(&self, at: &Location, member: &str) -> Option<(Location, Vec<Value>)> {
        let (target, node) = self.resolve(at)?;
        let values = node.get(member)?.as_array()?.clone();
        Some((target.join(member), values))
    }

    /// The property names of an object schema, in document order.
    pub fn properties(&self, object: &Location) -> Vec<String> {
        self.get(&object.join("properties"))
            .and_then(Value::as_object)
            .map(|map| map.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether an object schema declares a property.
    pub fn has_property(&self, object: &Location, name: &str) -> bool {
        self.get(&object.join_all(["properties", name])).is_some()
    }

    /// Whether an object schema lists a property as required.
    pub fn is_required(&self, object: &Location, name: &str) -> bool {
        self.get(&object.join("required"))
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|v| v.as_str() == Some(name)))
    }

    /// The object schema whose fields the page prints after a field (or a body)
    /// of this schema: the schema itself, or its array's items, `$ref`s followed.
    pub fn fields_of(&self, at: &Location) -> Option<Location> {
        let (target, node) = self.resolve(at)?;
        match node.get("type").and_then(Value::as_str) {
            Some("array") => self.fields_of(&target.join("items")),
            Some("object") => Some(target),
            None if node.get("properties").is_some() => Some(target),
            _ => None,
        }
    }

    /// Whether the schema is an array (its fields' places are not JSON pointers of
    /// one value).
    pub fn is_array(&self, at: &Location) -> bool {
        self.resolve(at)
            .is_some_and(|(_, node)| node.get("type").and_then(Value::as_str) == Some("array"))
    }

    /// The member names of an object node (`$ref` followed), in document order.
    pub fn members(&self, at: &Location) -> Vec<String> {
        self.resolve(at)
            .and_then(|(_, node)| node.as_object())
            .map(|map| map.keys().cloned().collect())
            .unwrap_or_default()
    }
}

/// A JSON value as the page prints an example: strings bare, anything else as JSON.
pub fn page_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Text with every run of whitespace made one space: the page and YAML fold lines
/// and paragraphs differently, the words are what must agree.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        match Spec::from_text(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        id: {type: string, format: uuid, x-vendor-page-omits: [format]}\n        at: {type: string, format: date-time, nullable: true}\n        list: {type: array, items: {$ref: '#/components/schemas/B'}}\n        names: {type: array, items: {type: string}}\n    B:\n      type: object\n      properties: {x: {type: integer}}\n",
            "t",
        ) {
            Ok(spec) => spec,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn types_render_as_the_page_prints_them() {
        let spec = spec();
        let view = View { spec: &spec };
        let property = |name: &str| {
            Location::from_pointer(&format!("/components/schemas/A/properties/{name}"))
        };
        assert_eq!(
            view.page_type(&property("id")),
            PageType {
                shown: "string".into(),
                full: "string (uuid)".into()
            }
        );
        assert_eq!(
            view.page_type(&property("at")).full,
            "string (date-time) | null"
        );
        assert_eq!(
            view.page_type(&property("list")).full,
            "Array of object (B)"
        );
        assert_eq!(view.page_type(&property("names")).full, "Array of string");
        assert_eq!(
            view.fields_of(&property("list")),
            Some(Location::from_pointer("/components/schemas/B"))
        );
    }

    #[test]
    fn values_print_like_the_page() {
        assert_eq!(page_text(&Value::from("a b")), "a b");
        assert_eq!(page_text(&Value::Null), "null");
        assert_eq!(page_text(&serde_json::json!(1101)), "1101");
        assert_eq!(normalise(" a\n\n b  c "), "a b c");
    }
}
