//! A deterministic valid instance of a schema: the base that enum checks plant one
//! enum value into. Every property is present and every array has one element, so
//! any place inside the schema exists in the sample.

use serde_json::{Map, Value, json};

use crate::location::Location;
use crate::spec::Spec;

/// How deep `$ref`s may nest before a sample is refused (a recursive schema).
const MAX_DEPTH: usize = 16;

/// A valid instance of the schema at `at`.
pub fn sample(spec: &Spec, at: &Location) -> Result<Value, String> {
    sample_at(spec, at, 0)
}

fn sample_at(spec: &Spec, at: &Location, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "{}: schema nests deeper than {MAX_DEPTH} levels",
            at.dotted()
        ));
    }
    let (at, node) = spec.resolve(at).map_err(|err| err.to_string())?;
    if let Some(first) = node
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return Ok(first.clone());
    }
    match node.get("type").and_then(Value::as_str) {
        Some("object") => sample_object(spec, &at, node, depth),
        Some("array") => Ok(Value::Array(vec![sample_at(
            spec,
            &at.join("items"),
            depth + 1,
        )?])),
        Some("string") => Ok(sample_string(node)),
        Some("integer") => Ok(json!(
            node.get("minimum").and_then(Value::as_i64).unwrap_or(0)
        )),
        Some("number") => Ok(json!(
            node.get("minimum").and_then(Value::as_f64).unwrap_or(0.0)
        )),
        Some("boolean") => Ok(json!(false)),
        _ => Err(format!(
            "{}: no sample for a schema without a simple `type`",
            at.dotted()
        )),
    }
}

fn sample_object(spec: &Spec, at: &Location, node: &Value, depth: usize) -> Result<Value, String> {
    let names: Vec<&String> = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().collect())
        .unwrap_or_default();
    let mut object = Map::new();
    for name in names {
        let value = sample_at(spec, &at.join_all(["properties", name]), depth + 1)?;
        object.insert(name.clone(), value);
    }
    Ok(Value::Object(object))
}

fn sample_string(node: &Value) -> Value {
    match node.get("format").and_then(Value::as_str) {
        Some("uuid") => json!("00000000-0000-4000-8000-000000000001"),
        Some("date-time") => json!("2023-09-18T08:33:30.047Z"),
        Some("date") => json!("2023-09-18"),
        _ => node
            .get("example")
            .filter(|e| e.is_string())
            .cloned()
            .unwrap_or_else(|| json!("sample")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validator::SpecValidator;

    #[test]
    fn samples_of_every_named_schema_are_valid() -> Result<(), Box<dyn std::error::Error>> {
        let spec = Spec::load()?;
        let validator = SpecValidator::new(&spec)?;
        for name in crate::openapi::named_schemas(&spec) {
            let value = sample(
                &spec,
                &Location::root().join_all(["components", "schemas", &name]),
            )?;
            validator.validate(&name, &value)?;
        }
        Ok(())
    }
}
