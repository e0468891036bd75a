//! proptest strategies built by walking a schema of the spec: JSON the server could
//! send, as the spec describes it.
//!
//! Enums pick among their values; `uuid` and millisecond-`Z` `date-time` formats get
//! their own generators; `nullable` adds `null`; optional properties come and go;
//! arrays are empty, short or long; and objects carry unknown extra members, which
//! a client must tolerate (Veriff may add properties at any time). A keyword this
//! walker does not understand is an error naming the place, never silently ignored,
//! so a new constraint in the spec cannot make the generator lie.

use std::collections::BTreeSet;

use chrono::DateTime;
use proptest::prelude::*;
use proptest::strategy::Union;
use serde_json::{Map, Number, Value};
use uuid::Uuid;

use crate::location::Location;
use crate::spec::Spec;

/// A strategy producing JSON values.
pub type JsonStrategy = BoxedStrategy<Value>;

/// Keywords the walker understands (plus any `x-` extension).
const SUPPORTED: [&str; 20] = [
    "type",
    "format",
    "enum",
    "nullable",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "pattern",
    "description",
    "title",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "default",
];

/// How deep `$ref`s may nest (a recursive schema is refused, not looped on).
const MAX_DEPTH: usize = 16;

/// `0001-01-01T00:00:00.000Z`, the first instant RFC 3339 can write.
const MIN_MILLIS: i64 = -62_135_596_800_000;
/// `9999-12-31T23:59:59.999Z`, the last.
const MAX_MILLIS: i64 = 253_402_300_799_999;
/// `2015-01-01T00:00:00Z` .. `2035-01-01T00:00:00Z`: the instants real bodies carry.
const RECENT_MILLIS: std::ops::Range<i64> = 1_420_070_400_000..2_051_222_400_000;

/// Array lengths: (weight, shortest, longest). Empty, short and long arrays all
/// occur; long ones are rare enough that nested arrays (attempts of custom
/// statuses) keep the average case cheap.
pub const ARRAY_LENGTHS: [(u32, usize, usize); 3] = [(4, 0, 0), (6, 1, 3), (1, 16, 32)];

/// A strategy for JSON valid against the schema at `at`.
pub fn for_schema(spec: &Spec, at: &Location) -> Result<JsonStrategy, String> {
    build(spec, at, 0)
}

fn build(spec: &Spec, at: &Location, depth: usize) -> Result<JsonStrategy, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "{}: schema nests deeper than {MAX_DEPTH} levels",
            at.dotted()
        ));
    }
    let (at, node) = spec.resolve(at).map_err(|err| err.to_string())?;
    check_keywords(&at, node)?;
    let base = match node.get("enum") {
        Some(Value::Array(values)) if !values.is_empty() => {
            prop::sample::select(values.clone()).boxed()
        }
        Some(_) => return Err(format!("{}.enum: must be a non-empty list", at.dotted())),
        None => by_type(spec, &at, node, depth)?,
    };
    if node.get("nullable") == Some(&Value::Bool(true)) {
        return Ok(prop_oneof![1 => Just(Value::Null), 3 => base].boxed());
    }
    Ok(base)
}

fn check_keywords(at: &Location, node: &Value) -> Result<(), String> {
    let object = node
        .as_object()
        .ok_or_else(|| format!("{}: a schema must be an object", at.dotted()))?;
    match object
        .keys()
        .find(|k| !SUPPORTED.contains(&k.as_str()) && !k.starts_with("x-"))
    {
        Some(keyword) => Err(format!(
            "{}: keyword `{keyword}` is not supported by the generator in conformance/src/strategy.rs; teach it",
            at.dotted()
        )),
        None => Ok(()),
    }
}

fn by_type(spec: &Spec, at: &Location, node: &Value, depth: usize) -> Result<JsonStrategy, String> {
    match node.get("type").and_then(Value::as_str) {
        Some("object") => object(spec, at, node, depth),
        Some("array") => array(spec, at, node, depth),
        Some("string") => string(at, node),
        Some("integer") => Ok(any::<i64>().prop_map(Value::from).boxed()),
        Some("number") => Ok(finite_number().boxed()),
        Some("boolean") => Ok(any::<bool>().prop_map(Value::from).boxed()),
        other => Err(format!("{}: unsupported type {other:?}", at.dotted())),
    }
}

/// Declared properties (required always, optional half the time) plus extras.
fn object(spec: &Spec, at: &Location, node: &Value, depth: usize) -> Result<JsonStrategy, String> {
    let required: BTreeSet<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let names: Vec<String> = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let mut members = Vec::with_capacity(names.len());
    for name in &names {
        let value = build(spec, &at.join_all(["properties", name]), depth + 1)?;
        members.push(member(
            name.clone(),
            value,
            required.contains(name.as_str()),
        ));
    }
    let extras = extra_members(spec, at, node, names, depth)?;
    Ok((members, extras)
        .prop_map(|(members, mut object)| {
            object.extend(members.into_iter().flatten());
            Value::Object(object)
        })
        .boxed())
}

fn member(
    name: String,
    value: JsonStrategy,
    required: bool,
) -> BoxedStrategy<Option<(String, Value)>> {
    if required {
        value.prop_map(move |v| Some((name.clone(), v))).boxed()
    } else {
        prop::option::of(value)
            .prop_map(move |v| v.map(|v| (name.clone(), v)))
            .boxed()
    }
}

/// Members the schema does not declare: none if `additionalProperties: false`,
/// values of its schema if it has one, any JSON otherwise.
fn extra_members(
    spec: &Spec,
    at: &Location,
    node: &Value,
    declared: Vec<String>,
    depth: usize,
) -> Result<BoxedStrategy<Map<String, Value>>, String> {
    let values = match node.get("additionalProperties") {
        Some(Value::Bool(false)) => return Ok(Just(Map::new()).boxed()),
        Some(Value::Object(_)) => build(spec, &at.join("additionalProperties"), depth + 1)?,
        _ => any_json(),
    };
    let some = prop::collection::btree_map(member_name(), values, 1..=3).prop_map(move |extras| {
        extras
            .into_iter()
            .filter(|(k, _)| !declared.contains(k))
            .collect()
    });
    // One object in three carries extras: plenty over a run, and cheap per case.
    Ok(prop_oneof![2 => Just(Map::new()), 1 => some].boxed())
}

/// A member name: letters, digits and `_` (cheaper to generate than a regex).
fn member_name() -> impl Strategy<Value = String> {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    prop::collection::vec(prop::sample::select(CHARS), 1..=12)
        .prop_map(|bytes| bytes.into_iter().map(char::from).collect())
}

/// Any `char` sequence up to `max` long (control characters, quotes, non-ASCII).
pub fn any_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..=max).prop_map(String::from_iter)
}

fn array(spec: &Spec, at: &Location, node: &Value, depth: usize) -> Result<JsonStrategy, String> {
    let item = build(spec, &at.join("items"), depth + 1)?;
    let usize_of = |key: &str| {
        node.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let (min, max) = (
        usize_of("minItems").unwrap_or(0),
        usize_of("maxItems").unwrap_or(usize::MAX),
    );
    let choices: Vec<(u32, JsonStrategy)> = ARRAY_LENGTHS
        .iter()
        .filter_map(|&(weight, low, high)| {
            let (low, high) = (low.max(min), high.min(max));
            (low <= high).then(|| {
                (
                    weight,
                    prop::collection::vec(item.clone(), low..=high)
                        .prop_map(Value::Array)
                        .boxed(),
                )
            })
        })
        .collect();
    if choices.is_empty() {
        let fallback =
            prop::collection::vec(item, min..=min.max(max.min(min + 3))).prop_map(Value::Array);
        return Ok(fallback.boxed());
    }
    Ok(Union::new_weighted(choices).boxed())
}

fn string(at: &Location, node: &Value) -> Result<JsonStrategy, String> {
    let format = node.get("format").and_then(Value::as_str);
    let pattern = node.get("pattern").and_then(Value::as_str);
    match (format, pattern) {
        (Some("uuid"), None) => Ok(uuid().boxed()),
        (Some("date-time"), None) => Ok(millisecond_date_time().boxed()),
        (Some(other), _) => Err(format!(
            "{}: format `{other}` is not supported by the generator",
            at.dotted()
        )),
        (None, Some(pattern)) => prop::string::string_regex(pattern)
            .map(|s| s.prop_map(Value::from).boxed())
            .map_err(|err| {
                format!(
                    "{}.pattern: cannot generate strings for it: {err}",
                    at.dotted()
                )
            }),
        (None, None) => Ok(plain_string(node).boxed()),
    }
}

/// Any text of any `char` (control characters, quotes, backslashes, non-ASCII),
/// which tests JSON escaping too.
fn plain_string(node: &Value) -> impl Strategy<Value = Value> + use<> {
    let bound = |key: &str| {
        node.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let (min, max) = (
        bound("minLength").unwrap_or(0),
        bound("maxLength").unwrap_or(40),
    );
    let chars = prop::collection::vec(any::<char>(), min..=max.max(min));
    chars.prop_map(|chars| Value::from(chars.into_iter().collect::<String>()))
}

/// A lowercase hyphenated UUID, any 128 bits (the format is all the spec promises).
pub fn uuid() -> impl Strategy<Value = Value> {
    any::<u128>().prop_map(|n| Value::from(Uuid::from_u128(n).hyphenated().to_string()))
}

/// `YYYY-MM-DDTHH:MM:SS.sssZ`, the page's format: any instant RFC 3339 can write,
/// weighted towards recent ones and towards whole seconds (`.000`).
pub fn millisecond_date_time() -> impl Strategy<Value = Value> {
    let millis = prop_oneof![
        3 => MIN_MILLIS..=MAX_MILLIS,
        3 => RECENT_MILLIS,
        1 => (MIN_MILLIS / 1000..=MAX_MILLIS / 1000).prop_map(|s| s * 1000),
    ];
    millis.prop_filter_map("instant outside chrono's range", |ms| {
        DateTime::from_timestamp_millis(ms)
            .map(|t| Value::from(t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()))
    })
}

fn finite_number() -> impl Strategy<Value = Value> {
    (-1e15f64..1e15).prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number))
}

/// Any JSON value, nested a little: what an unknown extra member may hold.
pub fn any_json() -> JsonStrategy {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        finite_number(),
        any_text(12).prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(member_name(), inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};

    fn values_of(spec: &Spec, name: &str, count: usize) -> Vec<Value> {
        let at = Location::root().join_all(["components", "schemas", name]);
        let strategy = match for_schema(spec, &at) {
            Ok(s) => s,
            Err(err) => panic!("{err}"),
        };
        let mut runner = TestRunner::new(Config::default());
        (0..count)
            .filter_map(|_| strategy.new_tree(&mut runner).ok().map(|t| t.current()))
            .collect()
    }

    #[test]
    fn generates_nulls_extras_empty_and_long_arrays() -> Result<(), crate::spec::SpecError> {
        let spec = Spec::load()?;
        let bodies = values_of(&spec, "SessionAttemptsResponse", 200);
        let lengths: Vec<usize> = bodies
            .iter()
            .filter_map(|b| b["verifications"].as_array().map(Vec::len))
            .collect();
        assert!(
            lengths.contains(&0) && lengths.iter().any(|&n| n >= 16),
            "{lengths:?}"
        );
        assert!(
            bodies
                .iter()
                .any(|b| b.as_object().is_some_and(|o| o.len() > 2)),
            "no extra members"
        );
        let statuses = values_of(&spec, "UserStatus", 200);
        assert!(
            statuses.iter().any(|s| s["reasonCode"].is_null()),
            "reasonCode never null"
        );
        assert!(
            statuses.iter().any(|s| s["reasonCode"].is_string()),
            "reasonCode never a string"
        );
        Ok(())
    }

    #[test]
    fn date_times_have_milliseconds_and_z() {
        let mut runner = TestRunner::new(Config::default());
        for _ in 0..200 {
            let Ok(tree) = millisecond_date_time().new_tree(&mut runner) else {
                continue;
            };
            let text = tree
                .current()
                .as_str()
                .map(str::to_owned)
                .unwrap_or_default();
            assert_eq!(text.len(), 24, "{text}");
            assert!(text.ends_with('Z') && text.as_bytes()[19] == b'.', "{text}");
        }
    }

    #[test]
    fn an_unsupported_keyword_is_refused_by_place() -> Result<(), crate::spec::SpecError> {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: integer, multipleOf: 3}\n";
        let spec = Spec::from_text(text, "t")?;
        let err = for_schema(&spec, &Location::from_pointer("/components/schemas/A"))
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("components.schemas.A") && err.contains("multipleOf"),
            "{err}"
        );
        Ok(())
    }
}
