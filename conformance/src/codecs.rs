//! The registry of Rust types: which generated type stands for which named schema,
//! how to round-trip JSON through it, and how to draw values of it.
//!
//! The entries are generated from the spec by `cargo xtask generate`
//! (`conformance/src/generated.rs`), so no hand-written line names a generated
//! type: a new schema, property or enum value is in the registry after
//! regenerating. The `registry` check fails, naming the schema and the fix, when the
//! registry and the spec disagree.

use std::any::type_name;
use std::collections::BTreeMap;

use proptest::strategy::BoxedStrategy;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::suite::{Report, Suite};

/// Deserialises a JSON value into a Rust type and serialises it back.
pub type RoundTrip = fn(&Value) -> Result<Value, String>;

/// How to draw values of a schema's Rust type (property a).
#[derive(Clone, Copy)]
pub struct RustValues {
    /// Property a for this type: Rust value → JSON the schema accepts → equal value.
    pub property: fn(&Suite) -> Report,
    /// Values of the type, as the JSON they serialise to.
    pub sample: fn() -> BoxedStrategy<Value>,
}

/// One named schema's Rust type.
#[derive(Clone, Copy)]
pub struct SchemaType {
    /// The schema's name under `components.schemas`.
    pub schema: &'static str,
    /// The Rust type's name in `veriff_attempts::types`.
    pub rust: &'static str,
    /// JSON → the Rust type → JSON.
    pub round_trip: RoundTrip,
    /// Its values, or why the generator cannot draw them.
    pub rust_values: Result<RustValues, &'static str>,
}

/// One open enum (`x-extensible-enum: true`): the values its Rust type names.
#[derive(Clone, Copy)]
pub struct OpenEnum {
    /// The schema's name under `components.schemas`.
    pub schema: &'static str,
    /// The Rust type's name.
    pub rust: &'static str,
    /// The wire form of every variant the type names.
    pub known: fn() -> Vec<&'static str>,
    /// Reads a wire value: (whether the type names it, its wire form back).
    pub read: fn(&str) -> (bool, String),
    /// JSON → the Rust type → JSON.
    pub round_trip: RoundTrip,
}

/// Schema name → its Rust type.
#[derive(Clone)]
pub struct Codecs {
    entries: BTreeMap<String, SchemaType>,
    open_enums: BTreeMap<String, OpenEnum>,
}

/// What to do when the registry lacks a schema.
pub const REGISTRY_FIX: &str = "run `cargo xtask generate` (it writes the registry, \
     conformance/src/generated.rs); if the schema still has no entry, the generator cannot map \
     it to a Rust type: see `Model::for_schema` in xtask/codegen/src/model.rs";

impl Codecs {
    /// The generated types of the `veriff_attempts` crate.
    pub fn generated() -> Self {
        Self {
            entries: crate::generated::schema_types()
                .into_iter()
                .map(|entry| (entry.schema.to_owned(), entry))
                .collect(),
            open_enums: crate::generated::open_enums()
                .into_iter()
                .map(|entry| (entry.schema.to_owned(), entry))
                .collect(),
        }
    }

    /// This registry with one schema's round trip replaced or added (mutation tests
    /// inject codecs that misbehave on purpose).
    #[must_use]
    pub fn with(mut self, schema_name: &str, round_trip: RoundTrip) -> Self {
        let entry = self
            .entries
            .entry(schema_name.to_owned())
            .or_insert(SchemaType {
                schema: "(injected)",
                rust: "(injected)",
                round_trip,
                rust_values: Err("injected by a test"),
            });
        entry.round_trip = round_trip;
        self
    }

    /// This registry without a schema's entry (as if the generator had not mapped it).
    #[must_use]
    pub fn without(mut self, schema_name: &str) -> Self {
        self.entries.remove(schema_name);
        self.open_enums.remove(schema_name);
        self
    }

    /// The entry of a schema, or a message saying how to get one.
    pub fn entry(&self, schema_name: &str) -> Result<&SchemaType, String> {
        self.entries.get(schema_name).ok_or_else(|| {
            format!("schema `{schema_name}` has no Rust type in the registry: {REGISTRY_FIX}")
        })
    }

    /// The round trip of a schema, or a message saying how to get one.
    pub fn get(&self, schema_name: &str) -> Result<RoundTrip, String> {
        self.entry(schema_name).map(|entry| entry.round_trip)
    }

    /// The registered schema names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The open enum of a schema, if its Rust type is one.
    pub fn open_enum(&self, schema_name: &str) -> Option<&OpenEnum> {
        self.open_enums.get(schema_name)
    }

    /// Every open enum.
    pub fn open_enums(&self) -> impl Iterator<Item = &OpenEnum> {
        self.open_enums.values()
    }
}

/// The round trip the way a client meets it: from JSON text, back to a value.
pub fn round_trip<T: Serialize + DeserializeOwned>(value: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_str(&value.to_string()).map_err(|err| {
        format!(
            "does not deserialise into {}: {err}",
            short_type_name::<T>()
        )
    })?;
    serde_json::to_value(&typed)
        .map_err(|err| format!("{} does not serialise: {err}", short_type_name::<T>()))
}

/// A value's JSON, or a string saying why it has none (the properties then fail on
/// it, naming the reason, rather than panicking).
pub fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|err| {
        Value::from(format!(
            "<{} does not serialise: {err}>",
            short_type_name::<T>()
        ))
    })
}

/// `veriff_attempts::generated::types::UserStatus` → `UserStatus`.
fn short_type_name<T>() -> &'static str {
    let full = type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use veriff_attempts::types::ErrorResponse;

    #[test]
    fn round_trip_reports_the_type_and_serde_error() {
        let err = round_trip::<ErrorResponse>(&json!({"status": "fail"}))
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("ErrorResponse") && err.contains("missing field"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_entry_says_how_to_get_one() {
        let err = Codecs::generated().get("Nope").err().unwrap_or_default();
        assert!(
            err.contains("`Nope`") && err.contains("cargo xtask generate"),
            "{err}"
        );
    }
}
