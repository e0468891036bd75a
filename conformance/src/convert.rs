//! OpenAPI 3.0 Schema Objects → JSON Schema 2020-12.
//!
//! OpenAPI 3.0 schemas are a dialect of JSON Schema draft 5 with additions a
//! 2020-12 validator would silently ignore or misread:
//! - `nullable: true` admits `null`: `type: T` becomes `type: [T, "null"]`, `null`
//!   joins any `enum`; a schema without `type` is wrapped in `anyOf: [.., {type: null}]`;
//! - boolean `exclusiveMinimum`/`exclusiveMaximum` become the numeric 2020-12 form;
//! - `example`, `discriminator`, `xml`, `externalDocs` and `x-` extensions are
//!   annotations for people and generators, and are dropped;
//! - a `$ref` ignores its siblings in 3.0, so only the `$ref` is kept. Its value
//!   (`#/components/schemas/X`) is kept as is: the whole converted document is
//!   registered with the validator, so it resolves there.

use serde_json::{Map, Value, json};

/// Members dropped because they are OpenAPI-only annotations.
const DROPPED: [&str; 6] = [
    "example",
    "nullable",
    "discriminator",
    "xml",
    "externalDocs",
    "$schema",
];

/// Members whose value is one subschema.
const ONE_SUBSCHEMA: [&str; 3] = ["items", "additionalProperties", "not"];

/// Members whose value is a list of subschemas.
const SUBSCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Converts one OpenAPI 3.0 schema (and everything nested in it).
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(object) = schema else {
        return schema.clone();
    };
    if let Some(reference) = object.get("$ref") {
        return json!({ "$ref": reference });
    }
    let mut out = Map::new();
    for (key, value) in object {
        if DROPPED.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        out.insert(key.clone(), convert_member(key, value));
    }
    convert_exclusive_bound(&mut out, "exclusiveMinimum", "minimum");
    convert_exclusive_bound(&mut out, "exclusiveMaximum", "maximum");
    if object.get("nullable") == Some(&Value::Bool(true)) {
        return admit_null(out);
    }
    Value::Object(out)
}

/// Converts the subschemas inside one member, leaving other members as they are.
fn convert_member(key: &str, value: &Value) -> Value {
    match (key, value) {
        ("properties", Value::Object(properties)) => Value::Object(
            properties
                .iter()
                .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
                .collect(),
        ),
        (key, Value::Array(list)) if SUBSCHEMA_LISTS.contains(&key) => {
            Value::Array(list.iter().map(to_json_schema).collect())
        }
        (key, schema @ Value::Object(_)) if ONE_SUBSCHEMA.contains(&key) => to_json_schema(schema),
        _ => value.clone(),
    }
}

/// 3.0: `minimum: 5, exclusiveMinimum: true`; 2020-12: `exclusiveMinimum: 5`.
fn convert_exclusive_bound(schema: &mut Map<String, Value>, exclusive: &str, inclusive: &str) {
    match schema.get(exclusive) {
        Some(Value::Bool(true)) => {
            let bound = schema.remove(inclusive);
            schema.remove(exclusive);
            if let Some(bound) = bound {
                schema.insert(exclusive.to_owned(), bound);
            }
        }
        Some(Value::Bool(false)) => {
            schema.remove(exclusive);
        }
        _ => {}
    }
}

/// Makes a converted schema accept `null` as well.
fn admit_null(mut schema: Map<String, Value>) -> Value {
    if let Some(Value::Array(values)) = schema.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match schema.get_mut("type") {
        Some(Value::String(single)) => {
            let single = single.clone();
            schema.insert("type".to_owned(), json!([single, "null"]));
            Value::Object(schema)
        }
        Some(Value::Array(types)) => {
            if !types.contains(&Value::from("null")) {
                types.push(Value::from("null"));
            }
            Value::Object(schema)
        }
        _ => json!({ "anyOf": [Value::Object(schema), { "type": "null" }] }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validator(schema: &Value) -> jsonschema::Validator {
        match jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(schema)
        {
            Ok(validator) => validator,
            Err(err) => panic!("{schema} does not compile: {err}"),
        }
    }

    #[test]
    fn nullable_string_admits_null_and_strings_only() {
        let converted = to_json_schema(&json!({"type": "string", "nullable": true}));
        assert_eq!(converted, json!({"type": ["string", "null"]}));
        let v = validator(&converted);
        assert!(v.is_valid(&json!(null)) && v.is_valid(&json!("x")) && !v.is_valid(&json!(1)));
    }

    #[test]
    fn non_nullable_string_rejects_null() {
        let converted = to_json_schema(&json!({"type": "string", "nullable": false}));
        assert_eq!(converted, json!({"type": "string"}));
        assert!(!validator(&converted).is_valid(&json!(null)));
    }

    #[test]
    fn nullable_enum_gets_null_as_a_value() {
        let converted = to_json_schema(&json!({"type": "string", "enum": ["a"], "nullable": true}));
        assert_eq!(
            converted,
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        let v = validator(&converted);
        assert!(v.is_valid(&json!(null)) && v.is_valid(&json!("a")) && !v.is_valid(&json!("b")));
    }

    #[test]
    fn nullable_without_type_is_wrapped_in_any_of() {
        let converted = to_json_schema(&json!({"allOf": [{"$ref": "#/x"}], "nullable": true}));
        assert_eq!(
            converted,
            json!({"anyOf": [{"allOf": [{"$ref": "#/x"}]}, {"type": "null"}]})
        );
    }

    #[test]
    fn refs_are_kept_and_their_siblings_dropped() {
        let converted =
            to_json_schema(&json!({"$ref": "#/components/schemas/A", "description": "d"}));
        assert_eq!(converted, json!({"$ref": "#/components/schemas/A"}));
    }

    #[test]
    fn annotations_and_extensions_are_dropped() {
        let converted = to_json_schema(&json!({
            "type": "string", "example": "e", "x-vendor-page-enum": ["a"],
            "xml": {}, "externalDocs": {}, "description": "kept", "format": "uuid"
        }));
        assert_eq!(
            converted,
            json!({"type": "string", "description": "kept", "format": "uuid"})
        );
    }

    #[test]
    fn nested_properties_items_and_combinators_are_converted() {
        let converted = to_json_schema(&json!({
            "type": "object",
            "properties": {
                "list": {"type": "array", "items": {"type": "string", "nullable": true}},
                "either": {"oneOf": [{"type": "integer", "nullable": true}]},
                "extra": {"type": "object", "additionalProperties": {"type": "string", "nullable": true}}
            }
        }));
        assert_eq!(
            converted["properties"]["list"]["items"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(
            converted["properties"]["either"]["oneOf"][0]["type"],
            json!(["integer", "null"])
        );
        assert_eq!(
            converted["properties"]["extra"]["additionalProperties"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn a_property_named_like_a_keyword_is_a_property_not_a_keyword() {
        let converted = to_json_schema(&json!({
            "type": "object",
            "properties": {"example": {"type": "string", "nullable": true}}
        }));
        assert_eq!(
            converted["properties"]["example"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric() {
        let converted = to_json_schema(&json!({
            "type": "integer", "minimum": 1, "exclusiveMinimum": true,
            "maximum": 9, "exclusiveMaximum": false
        }));
        assert_eq!(
            converted,
            json!({"type": "integer", "exclusiveMinimum": 1, "maximum": 9})
        );
        let v = validator(&converted);
        assert!(!v.is_valid(&json!(1)) && v.is_valid(&json!(9)));
    }

    #[test]
    fn formats_are_validated_in_2020_12() {
        let v = validator(&to_json_schema(
            &json!({"type": "string", "format": "uuid"}),
        ));
        assert!(v.is_valid(&json!("a1c68aea-7f4d-478d-80ab-ca9356074f69")));
        assert!(!v.is_valid(&json!("not-a-uuid")));
        let v = validator(&to_json_schema(
            &json!({"type": "string", "format": "date-time"}),
        ));
        assert!(v.is_valid(&json!("2023-09-18T08:33:30.047Z")));
        assert!(!v.is_valid(&json!("2023-09-18 08:33")));
    }
}
