//! Structural check of the spec with `openapiv3`, the parser the generator uses.
//!
//! `openapiv3` reads `$ref`-or-item members as untagged enums, which lose the
//! place of an error (a response without `description` is reported at `/paths`).
//! So on failure the document is probed piece by piece with the type each place
//! should hold, and the deepest failing piece is named.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::location::Location;

/// Where a piece failed, and why.
type Failure = (Location, String);

/// Checks one piece of the document at a place.
type Probe = fn(&Value, &Location) -> Result<(), Failure>;

/// HTTP methods of a path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Checks the whole document; on failure returns the most precise place and why.
pub fn check(document: &Value) -> Result<(), Failure> {
    let Err(whole) = probe::<openapiv3::OpenAPI>(document, &Location::root()) else {
        return Ok(());
    };
    let mut failures = Vec::new();
    probe_pieces(document, &mut failures);
    let deepest = failures
        .into_iter()
        .max_by_key(|(at, _)| at.segments().len());
    Err(deepest.unwrap_or(whole))
}

/// Deserialises `node` as `T` (a `$ref` is left to the `$ref` check); an error
/// carries the place, extended by the path inside `node`.
fn probe<T: DeserializeOwned>(node: &Value, at: &Location) -> Result<(), Failure> {
    if node.get("$ref").is_some() {
        return Ok(());
    }
    serde_path_to_error::deserialize::<_, T>(node)
        .map(|_| ())
        .map_err(|err| {
            let inner = err.path().iter().fold(at.clone(), |at, segment| {
                use serde_path_to_error::Segment;
                match segment {
                    Segment::Seq { index } => at.join(index),
                    Segment::Map { key } => at.join(key),
                    Segment::Enum { variant } => at.join(variant),
                    Segment::Unknown => at.clone(),
                }
            });
            (inner, err.inner().to_string())
        })
}

/// The failures found by probing pieces.
#[derive(Default)]
struct Probes {
    failures: Vec<Failure>,
}

impl Probes {
    fn check(&mut self, node: &Value, at: Location, probe: Probe) {
        if let Err(failure) = probe(node, &at) {
            self.failures.push(failure);
        }
    }
}

/// Probes every piece whose type is known, collecting the failures.
fn probe_pieces(document: &Value, failures: &mut Vec<Failure>) {
    let mut probes = Probes::default();
    if let Some(info) = document.get("info") {
        probes.check(
            info,
            Location::root().join("info"),
            probe::<openapiv3::Info>,
        );
    }
    for (path, item) in entries(document.get("paths")) {
        let at = Location::root().join_all(["paths", path]);
        probes.check(item, at.clone(), probe::<openapiv3::PathItem>);
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                probe_operation(operation, &at.join(method), &mut probes);
            }
        }
    }
    probe_components(document, &mut probes);
    failures.extend(probes.failures);
}

fn probe_operation(operation: &Value, at: &Location, probes: &mut Probes) {
    probes.check(operation, at.clone(), probe::<openapiv3::Operation>);
    let parameters = operation.get("parameters").and_then(Value::as_array);
    for (i, parameter) in parameters.into_iter().flatten().enumerate() {
        let parameter_at = at.join("parameters").join(i);
        probes.check(parameter, parameter_at, probe::<openapiv3::Parameter>);
    }
    for (code, response) in entries(operation.get("responses")) {
        probe_response(response, &at.join_all(["responses", code]), probes);
    }
}

fn probe_response(response: &Value, at: &Location, probes: &mut Probes) {
    probes.check(response, at.clone(), probe::<openapiv3::Response>);
    for (name, header) in entries(response.get("headers")) {
        probes.check(
            header,
            at.join_all(["headers", name]),
            probe::<openapiv3::Header>,
        );
    }
    for (media_type, media) in entries(response.get("content")) {
        probes.check(
            media,
            at.join_all(["content", media_type]),
            probe::<openapiv3::MediaType>,
        );
    }
}

fn probe_components(document: &Value, probes: &mut Probes) {
    let pieces: [(&str, Probe); 5] = [
        ("schemas", probe::<openapiv3::Schema>),
        ("parameters", probe::<openapiv3::Parameter>),
        ("headers", probe::<openapiv3::Header>),
        ("responses", probe::<openapiv3::Response>),
        ("securitySchemes", probe::<openapiv3::SecurityScheme>),
    ];
    for (kind, probe_fn) in pieces {
        for (name, node) in entries(document.get("components").and_then(|c| c.get(kind))) {
            let at = Location::root().join_all(["components", kind, name]);
            probes.check(node, at, probe_fn);
        }
    }
}

/// The members of an optional object.
fn entries(node: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    node.and_then(Value::as_object).into_iter().flatten()
}
