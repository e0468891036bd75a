//! Loading the spec: YAML → JSON value, checked as OpenAPI 3.0, every `$ref` resolved.
//!
//! The spec comes from outside the process, so nothing here panics on its content:
//! every problem is a [`SpecError`] that names the file and the place (a JSON pointer).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};

use crate::location::Location;

/// The spec, relative to the workspace root.
pub const SPEC_FILE: &str = "openapi/veriff-attempts.yaml";

/// Where the spec lives: found from this crate's manifest, so it is read at run time
/// from the one checked-in file, never copied.
pub fn spec_path() -> PathBuf {
    workspace_root().join(SPEC_FILE)
}

/// The workspace root (this crate's parent directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Everything that can be wrong with a spec; each variant names the place.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The text is not YAML (the message carries line and column).
    #[error("{origin}: not valid YAML: {message}")]
    Yaml {
        /// The file (or `<in-memory>`).
        origin: String,
        /// The parser's message.
        message: String,
    },
    /// Something at a place in the document is wrong.
    #[error("{origin}: at {at}: {problem}")]
    Invalid {
        /// The file (or `<in-memory>`).
        origin: String,
        /// JSON pointer of the place.
        at: String,
        /// What is wrong.
        problem: String,
    },
    /// A `$ref` points to nothing in the document.
    #[error("{origin}: at {at}: dangling $ref `{target}`: nothing in the document at that pointer")]
    DanglingRef {
        /// The file (or `<in-memory>`).
        origin: String,
        /// JSON pointer of the `$ref` member.
        at: String,
        /// The `$ref` value.
        target: String,
    },
}

/// A loaded spec: the document as a JSON value, known to be OpenAPI 3.0 with no
/// dangling `$ref`.
#[derive(Clone, Debug)]
pub struct Spec {
    origin: String,
    document: Value,
    refs: usize,
}

impl Spec {
    /// Reads [`SPEC_FILE`] from the workspace.
    pub fn load() -> Result<Self, SpecError> {
        Self::from_file(&spec_path())
    }

    /// Reads a spec file.
    pub fn from_file(path: &Path) -> Result<Self, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_text(&text, &path.display().to_string())
    }

    /// Parses spec text; `origin` names it in errors. Mutation tests use this on
    /// edited copies of the real spec.
    pub fn from_text(text: &str, origin: &str) -> Result<Self, SpecError> {
        let mut yaml: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|err| SpecError::Yaml {
                origin: origin.to_owned(),
                message: err.to_string(),
            })?;
        yaml.apply_merge().map_err(|err| SpecError::Yaml {
            origin: origin.to_owned(),
            message: err.to_string(),
        })?;
        let document =
            yaml_to_json(yaml, &Location::root()).map_err(|(at, problem)| SpecError::Invalid {
                origin: origin.to_owned(),
                at: place(&at),
                problem,
            })?;
        let mut spec = Self {
            origin: origin.to_owned(),
            document,
            refs: 0,
        };
        spec.check_version()?;
        spec.check_structure()?;
        spec.refs = spec.check_refs()?;
        Ok(spec)
    }

    /// The whole document.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Where the spec came from (a path, or `<in-memory>`).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// How many `$ref`s the document holds (all of them resolve).
    pub fn ref_count(&self) -> usize {
        self.refs
    }

    /// The value at a location, without following `$ref`.
    pub fn get(&self, at: &Location) -> Option<&Value> {
        self.document.pointer(&at.pointer())
    }

    /// The value at a location, following `$ref`s (chains included) to the final
    /// target; returns the target's location too.
    pub fn resolve(&self, at: &Location) -> Result<(Location, &Value), SpecError> {
        let mut seen = BTreeSet::new();
        let mut here = at.clone();
        loop {
            let node = self
                .get(&here)
                .ok_or_else(|| self.invalid(&here, "nothing here"))?;
            let Some(reference) = node.get("$ref") else {
                return Ok((here, node));
            };
            if !seen.insert(here.clone()) {
                return Err(self.invalid(&here, "$ref cycle"));
            }
            let target = ref_target(reference).map_err(|p| self.invalid(&here.join("$ref"), &p))?;
            if self.get(&target).is_none() {
                return Err(self.dangling(&here.join("$ref"), reference));
            }
            here = target;
        }
    }

    /// An [`SpecError::Invalid`] at a place of this spec.
    pub fn invalid(&self, at: &Location, problem: &str) -> SpecError {
        SpecError::Invalid {
            origin: self.origin.clone(),
            at: place(at),
            problem: problem.to_owned(),
        }
    }

    fn dangling(&self, at: &Location, reference: &Value) -> SpecError {
        SpecError::DanglingRef {
            origin: self.origin.clone(),
            at: place(at),
            target: reference.as_str().unwrap_or_default().to_owned(),
        }
    }

    /// `openapi` must say 3.0.x: the generator (progenitor) reads nothing else.
    fn check_version(&self) -> Result<(), SpecError> {
        let at = Location::root().join("openapi");
        match self.get(&at).and_then(Value::as_str) {
            Some(version) if version.starts_with("3.0.") => Ok(()),
            Some(version) => {
                Err(self.invalid(&at, &format!("OpenAPI {version}: only 3.0.x is supported")))
            }
            None => Err(self.invalid(&at, "missing: expected `openapi: 3.0.3`")),
        }
    }

    /// Parses the document with `openapiv3`, the parser the generator uses, so a
    /// structural error names its place here instead of surfacing in codegen.
    fn check_structure(&self) -> Result<(), SpecError> {
        crate::structure::check(&self.document)
            .map_err(|(at, why)| self.invalid(&at, &format!("not OpenAPI 3.0: {why}")))
    }

    /// Resolves every `$ref` in the document; returns how many there are.
    fn check_refs(&self) -> Result<usize, SpecError> {
        let mut found = Vec::new();
        collect_refs(&self.document, &Location::root(), &mut found);
        for at in &found {
            self.resolve(at)?;
        }
        Ok(found.len())
    }
}

/// A JSON pointer for messages; the root reads as `/` rather than an empty string.
pub fn place(at: &Location) -> String {
    let pointer = at.pointer();
    if pointer.is_empty() {
        "/".to_owned()
    } else {
        pointer
    }
}

/// The location a local `$ref` (`#/components/...`) points to.
pub fn ref_target(reference: &Value) -> Result<Location, String> {
    let text = reference
        .as_str()
        .ok_or_else(|| format!("$ref must be a string, found {reference}"))?;
    let fragment = text.strip_prefix('#').ok_or_else(|| {
        format!("$ref `{text}` is not local: the spec must be one self-contained file")
    })?;
    Ok(Location::from_pointer(&percent_decode(fragment)?))
}

/// Decodes `%7B`-style escapes that a URI fragment may carry.
fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .ok_or_else(|| format!("bad escape in `{text}`"))?;
            let byte =
                u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape in `{text}`"))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{text}` does not decode to UTF-8"))
}

/// Every `$ref` member's parent location. Example values and `x-` extensions are
/// data, not spec structure, so they are not searched.
fn collect_refs(node: &Value, at: &Location, found: &mut Vec<Location>) {
    match node {
        Value::Object(map) => {
            if map.contains_key("$ref") {
                found.push(at.clone());
            }
            for (key, child) in map {
                if !is_data_member(at, key) {
                    collect_refs(child, &at.join(key), found);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_refs(child, &at.join(index), found);
            }
        }
        _ => {}
    }
}

/// `example`, `x-…`, and `examples.<name>.value` hold data that may look like
/// anything. (Under `properties` the same names are property names, not data.)
fn is_data_member(parent: &Location, key: &str) -> bool {
    if parent.last() == Some("properties") {
        return false;
    }
    let under_examples = parent
        .segments()
        .iter()
        .rev()
        .nth(1)
        .is_some_and(|s| s == "examples");
    key == "example" || key.starts_with("x-") || (key == "value" && under_examples)
}

/// YAML → JSON. Map keys become strings (`200:` unquoted is common in specs);
/// anything JSON cannot hold is an error naming its place.
fn yaml_to_json(yaml: serde_yaml::Value, at: &Location) -> Result<Value, (Location, String)> {
    use serde_yaml::Value as Yaml;
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => Value::Number(
            yaml_number(&n).ok_or_else(|| (at.clone(), format!("number {n} has no JSON form")))?,
        ),
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &at.join(i)))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(mapping) => {
            let mut map = Map::new();
            for (key, value) in mapping {
                let key = yaml_key(&key)
                    .ok_or_else(|| (at.clone(), "a map key must be a scalar".to_owned()))?;
                let value = yaml_to_json(value, &at.join(&key))?;
                map.insert(key, value);
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => {
            return Err((
                at.clone(),
                format!("YAML tag {} is not supported", tagged.tag),
            ));
        }
    })
}

fn yaml_number(n: &serde_yaml::Number) -> Option<Number> {
    if let Some(i) = n.as_i64() {
        return Some(i.into());
    }
    if let Some(u) = n.as_u64() {
        return Some(u.into());
    }
    n.as_f64().and_then(Number::from_f64)
}

fn yaml_key(key: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value as Yaml;
    match key {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The real spec, for other modules' tests.
    pub(crate) fn loaded() -> Spec {
        match Spec::load() {
            Ok(spec) => spec,
            Err(err) => panic!("{err}"),
        }
    }

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn the_real_spec_loads_and_its_refs_resolve() -> Result<(), SpecError> {
        let spec = Spec::load()?;
        assert!(spec.ref_count() > 10, "{}", spec.ref_count());
        Ok(())
    }

    #[test]
    fn unquoted_numeric_keys_become_strings() -> Result<(), SpecError> {
        let spec = Spec::from_text(&format!("{MINIMAL}x-codes: {{200: ok}}\n"), "t")?;
        assert_eq!(spec.document()["x-codes"]["200"], "ok");
        Ok(())
    }

    #[test]
    fn percent_escapes_in_ref_fragments_are_decoded() {
        let target = ref_target(&Value::from("#/paths/~1a~1%7Bid%7D"));
        assert_eq!(
            target.map(|t| t.pointer()),
            Ok("/paths/~1a~1{id}".to_owned())
        );
    }

    #[test]
    fn external_refs_are_refused() {
        let err = ref_target(&Value::from("other.yaml#/x"))
            .err()
            .unwrap_or_default();
        assert!(err.contains("not local"), "{err}");
    }

    #[test]
    fn refs_in_example_data_are_data_but_a_property_named_example_is_searched() {
        let text = format!(
            "{MINIMAL}components:\n  schemas:\n    A:\n      type: object\n      example: {{$ref: nowhere}}\n      properties:\n        example: {{$ref: '#/components/schemas/Nope'}}\n"
        );
        let err = Spec::from_text(&text, "t")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("/components/schemas/A/properties/example/$ref"),
            "{err}"
        );
    }

    #[test]
    fn ref_cycles_are_errors_not_hangs() {
        let text = format!(
            "{MINIMAL}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
        );
        let err = Spec::from_text(&text, "t")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("$ref cycle"), "{err}");
    }
}
