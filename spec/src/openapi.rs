//! Walking the OpenAPI structure: where the schemas are, and every example.
//!
//! Examples are found where OpenAPI 3.0 allows them, so a new one is tested without
//! anyone editing Rust:
//! - `example` and `examples` of parameters, headers and media types (in paths and
//!   in `components`), with `examples` entries that `$ref` `components.examples`;
//! - `example` of any schema, at any depth (property-level ones included).
//!
//! Items that are `$ref`s (a response header pointing into `components.headers`)
//! are walked once, at their target, not at every use.

use serde_json::Value;

use crate::location::Location;
use crate::spec::{Spec, SpecError};

/// The HTTP methods an OpenAPI 3.0 path item may hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Members of a schema whose value is one subschema.
const ONE_SUBSCHEMA: [&str; 3] = ["items", "additionalProperties", "not"];

/// Members of a schema whose value is a list of subschemas.
const SUBSCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// One example found in the spec.
#[derive(Clone, Debug)]
pub struct Example {
    /// Its readable name: the dotted location of the example, e.g.
    /// `paths./v1/sessions/{id}/attempts.get.responses.200.content.application/json.examples.x`.
    pub name: String,
    /// The location of the schema it must satisfy (possibly a `$ref`).
    pub schema: Location,
    /// The example value.
    pub value: Value,
    /// Whether it is a response body (which must also round-trip through Rust).
    pub response_body: bool,
}

/// What kind of object carries a schema and examples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HolderKind {
    /// A Parameter or Header Object.
    ParameterOrHeader,
    /// A Media Type Object that is not a response body (request body, parameter).
    Media,
    /// A Media Type Object of a response: a response body.
    ResponseBody,
}

/// An object with a `schema` and `example`/`examples` members.
#[derive(Clone, Debug)]
struct Holder {
    at: Location,
    kind: HolderKind,
}

/// Every top-level schema location: `components.schemas.*` and the `schema` of every
/// parameter, header and media type.
pub fn schema_roots(spec: &Spec) -> Vec<Location> {
    let mut roots: Vec<Location> = named_schemas(spec)
        .into_iter()
        .map(|name| Location::root().join_all(["components", "schemas", &name]))
        .collect();
    for holder in holders(spec) {
        let schema = holder.at.join("schema");
        if spec.get(&schema).is_some() {
            roots.push(schema);
        }
    }
    roots
}

/// The names under `components.schemas`, in document order.
pub fn named_schemas(spec: &Spec) -> Vec<String> {
    members(spec, &Location::root().join_all(["components", "schemas"]))
}

/// Every schema node reachable from `root` without following `$ref`: the root,
/// its properties, items and combinator branches, at any depth.
pub fn schema_nodes(spec: &Spec, root: &Location) -> Vec<Location> {
    let mut nodes = Vec::new();
    push_schema_nodes(spec, root, &mut nodes);
    nodes
}

fn push_schema_nodes(spec: &Spec, at: &Location, nodes: &mut Vec<Location>) {
    let Some(Value::Object(schema)) = spec.get(at) else {
        return;
    };
    nodes.push(at.clone());
    if schema.contains_key("$ref") {
        return;
    }
    for name in members(spec, &at.join("properties")) {
        push_schema_nodes(spec, &at.join_all(["properties", &name]), nodes);
    }
    for key in ONE_SUBSCHEMA {
        if schema.get(key).is_some_and(Value::is_object) {
            push_schema_nodes(spec, &at.join(key), nodes);
        }
    }
    for key in SUBSCHEMA_LISTS {
        let count = schema
            .get(key)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for index in 0..count {
            push_schema_nodes(spec, &at.join(key).join(index), nodes);
        }
    }
}

/// Every example in the spec, in document order.
pub fn examples(spec: &Spec) -> Result<Vec<Example>, SpecError> {
    let mut found = Vec::new();
    for holder in holders(spec) {
        holder_examples(spec, &holder, &mut found)?;
    }
    for root in schema_roots(spec) {
        for node in schema_nodes(spec, &root) {
            if let Some(value) = spec.get(&node.join("example")) {
                found.push(Example {
                    name: node.join("example").dotted(),
                    schema: node,
                    value: value.clone(),
                    response_body: false,
                });
            }
        }
    }
    Ok(found)
}

/// The `example` and `examples` of one parameter, header or media type.
fn holder_examples(
    spec: &Spec,
    holder: &Holder,
    found: &mut Vec<Example>,
) -> Result<(), SpecError> {
    let schema = holder.at.join("schema");
    let has_schema = spec.get(&schema).is_some();
    let mut add = |at: Location, value: &Value| {
        if !has_schema {
            return Err(spec.invalid(&at, "example without a schema to check it against"));
        }
        found.push(Example {
            name: at.dotted(),
            schema: schema.clone(),
            value: value.clone(),
            response_body: holder.kind == HolderKind::ResponseBody,
        });
        Ok(())
    };
    if let Some(value) = spec.get(&holder.at.join("example")) {
        add(holder.at.join("example"), value)?;
    }
    for name in members(spec, &holder.at.join("examples")) {
        let at = holder.at.join_all(["examples", &name]);
        let (target, object) = spec.resolve(&at)?;
        if object.get("externalValue").is_some() {
            return Err(spec.invalid(
                &target,
                "externalValue examples are not supported: inline the value",
            ));
        }
        let value = object
            .get("value")
            .ok_or_else(|| spec.invalid(&target, "Example Object without a `value`"))?;
        add(at, value)?;
    }
    Ok(())
}

/// Every parameter, header and media type, in paths and in components.
fn holders(spec: &Spec) -> Vec<Holder> {
    let mut found = Vec::new();
    let paths = Location::root().join("paths");
    for path in members(spec, &paths) {
        let item = paths.join(&path);
        parameters(spec, &item.join("parameters"), &mut found);
        for method in METHODS {
            let operation = item.join(method);
            if spec.get(&operation).is_some() {
                operation_holders(spec, &operation, &mut found);
            }
        }
    }
    component_holders(spec, &mut found);
    found
}

fn operation_holders(spec: &Spec, operation: &Location, found: &mut Vec<Holder>) {
    parameters(spec, &operation.join("parameters"), found);
    let body = operation.join("requestBody");
    if !is_ref(spec, &body) {
        media(spec, &body.join("content"), HolderKind::Media, found);
    }
    for code in members(spec, &operation.join("responses")) {
        let response = operation.join_all(["responses", &code]);
        if !is_ref(spec, &response) {
            response_holders(spec, &response, found);
        }
    }
}

fn component_holders(spec: &Spec, found: &mut Vec<Holder>) {
    let components = Location::root().join("components");
    for name in members(spec, &components.join("parameters")) {
        parameter_or_header(spec, &components.join_all(["parameters", &name]), found);
    }
    for name in members(spec, &components.join("headers")) {
        parameter_or_header(spec, &components.join_all(["headers", &name]), found);
    }
    for name in members(spec, &components.join("responses")) {
        response_holders(spec, &components.join_all(["responses", &name]), found);
    }
    for name in members(spec, &components.join("requestBodies")) {
        let content = components.join_all(["requestBodies", &name, "content"]);
        media(spec, &content, HolderKind::Media, found);
    }
}

fn response_holders(spec: &Spec, response: &Location, found: &mut Vec<Holder>) {
    for name in members(spec, &response.join("headers")) {
        let header = response.join_all(["headers", &name]);
        if !is_ref(spec, &header) {
            parameter_or_header(spec, &header, found);
        }
    }
    media(
        spec,
        &response.join("content"),
        HolderKind::ResponseBody,
        found,
    );
}

fn parameters(spec: &Spec, list: &Location, found: &mut Vec<Holder>) {
    let count = spec.get(list).and_then(Value::as_array).map_or(0, Vec::len);
    for index in 0..count {
        let parameter = list.join(index);
        if !is_ref(spec, &parameter) {
            parameter_or_header(spec, &parameter, found);
        }
    }
}

/// A parameter or header has either a `schema` or a one-entry `content` map.
fn parameter_or_header(spec: &Spec, at: &Location, found: &mut Vec<Holder>) {
    found.push(Holder {
        at: at.clone(),
        kind: HolderKind::ParameterOrHeader,
    });
    media(spec, &at.join("content"), HolderKind::Media, found);
}

fn media(spec: &Spec, content: &Location, kind: HolderKind, found: &mut Vec<Holder>) {
    for media_type in members(spec, content) {
        found.push(Holder {
            at: content.join(&media_type),
            kind,
        });
    }
}

fn is_ref(spec: &Spec, at: &Location) -> bool {
    spec.get(at).is_some_and(|node| node.get("$ref").is_some())
}

/// The member names of the object at `at` (none if it is absent or not an object).
fn members(spec: &Spec, at: &Location) -> Vec<String> {
    spec.get(at)
        .and_then(Value::as_object)
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default()
}

/// One operation of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The path template.
    pub path: String,
    /// The lower-case method, as the spec writes it.
    pub method: String,
    /// Where it is in the document.
    pub at: Location,
}

/// Every operation, in document order.
pub fn operations(spec: &Spec) -> Vec<Operation> {
    let paths = Location::root().join("paths");
    members(spec, &paths)
        .into_iter()
        .flat_map(|path| {
            METHODS.iter().map(move |method| Operation {
                path: path.clone(),
                method: (*method).to_owned(),
                at: Location::root().join_all(["paths", path.as_str(), method]),
            })
        })
        .filter(|operation| spec.get(&operation.at).is_some())
        .collect()
}

/// The operation with this path and (case-insensitive) method.
pub fn operation(spec: &Spec, path: &str, method: &str) -> Option<Operation> {
    operations(spec)
        .into_iter()
        .find(|op| op.path == path && op.method.eq_ignore_ascii_case(method))
}

impl Operation {
    /// The documented statuses, in the spec's order.
    pub fn statuses(&self, spec: &Spec) -> Vec<String> {
        members(spec, &self.at.join("responses"))
    }

    /// The Response Object of a status, `$ref` followed.
    pub fn response(&self, spec: &Spec, status: &str) -> Option<Location> {
        let at = self.at.join_all(["responses", status]);
        spec.resolve(&at).ok().map(|(at, _)| at)
    }

    /// The JSON body schema of a status (a place a `SpecValidator` validates at).
    pub fn body_schema(&self, spec: &Spec, status: &str) -> Option<Location> {
        let response = self.response(spec, status)?;
        let content = response.join("content");
        let media = members(spec, &content)
            .into_iter()
            .find(|media| media.starts_with("application/json"))?;
        let schema = content.join_all([media.as_str(), "schema"]);
        spec.get(&schema).is_some().then_some(schema)
    }

    /// The header names a status documents.
    pub fn headers(&self, spec: &Spec, status: &str) -> Vec<String> {
        self.response(spec, status)
            .map(|response| members(spec, &response.join("headers")))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::spec::tests::loaded as spec;

    #[test]
    fn finds_media_parameter_header_and_schema_examples() -> Result<(), SpecError> {
        let names: Vec<String> = examples(&spec())?.into_iter().map(|e| e.name).collect();
        for expected in [
            "paths./v1/sessions/{id}/attempts.get.responses.200.content.application/json.examples.single_attempt_with_custom_status",
            "paths./v1/sessions/{id}/attempts.get.parameters.0.example",
            "components.headers.ResponseSignature.example",
            "components.schemas.UserStatus.properties.reasonCode.example",
            "components.schemas.AttemptStatus.example",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} not in {names:#?}"
            );
        }
        Ok(())
    }

    #[test]
    fn referenced_headers_are_walked_once_at_their_target() -> Result<(), SpecError> {
        let names: Vec<String> = examples(&spec())?.into_iter().map(|e| e.name).collect();
        let content_type = names.iter().filter(|n| n.contains("ContentType")).count();
        assert_eq!(content_type, 1, "{names:#?}");
        Ok(())
    }

    #[test]
    fn only_response_media_examples_are_response_bodies() -> Result<(), SpecError> {
        for example in examples(&spec())? {
            let in_response_content =
                example.name.contains(".responses.") && example.name.contains(".content.");
            assert_eq!(
                example.response_body, in_response_content,
                "{}",
                example.name
            );
        }
        Ok(())
    }
}
