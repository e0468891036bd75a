//! The registry of Rust types: which generated type stands for which named schema.
//!
//! Each entry is a round-trip function: JSON text → the Rust type → JSON value. It
//! is the only place that names the generated types, so an example added to the
//! spec is tested without editing Rust, and a schema added to the spec needs one
//! line here (the `registry` check says so when it is missing).

use std::any::type_name;
use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use veriff_attempts::types::{
    AttemptStatus, ErrorResponse, SessionAttemptsResponse, SessionAttemptsResponseVerification,
    UserStatus,
};

/// Deserialises a JSON value into a Rust type and serialises it back.
pub type RoundTrip = fn(&Value) -> Result<Value, String>;

/// The schemas whose Rust type is an open enum: values outside the spec's list are
/// kept (`Unknown(String)`), not rejected. Every other enum is closed.
pub const OPEN_ENUMS: [&str; 1] = ["AttemptStatus"];

/// Schema name → round-trip through its Rust type.
#[derive(Clone)]
pub struct Codecs {
    entries: BTreeMap<String, RoundTrip>,
}

impl Codecs {
    /// The generated types of the `veriff_attempts` crate. Add one line per new
    /// schema in `components.schemas`.
    pub fn generated() -> Self {
        let entries: [(&str, RoundTrip); 5] = [
            (
                "SessionAttemptsResponse",
                round_trip::<SessionAttemptsResponse>,
            ),
            (
                "SessionAttemptsResponseVerification",
                round_trip::<SessionAttemptsResponseVerification>,
            ),
            ("AttemptStatus", round_trip::<AttemptStatus>),
            ("UserStatus", round_trip::<UserStatus>),
            ("ErrorResponse", round_trip::<ErrorResponse>),
        ];
        Self {
            entries: entries
                .into_iter()
                .map(|(name, f)| (name.to_owned(), f))
                .collect(),
        }
    }

    /// This registry with one entry replaced or added (mutation tests inject
    /// codecs that misbehave on purpose).
    #[must_use]
    pub fn with(mut self, schema_name: &str, round_trip: RoundTrip) -> Self {
        self.entries.insert(schema_name.to_owned(), round_trip);
        self
    }

    /// The round-trip of a schema, or a message saying how to register one.
    pub fn get(&self, schema_name: &str) -> Result<RoundTrip, String> {
        self.entries.get(schema_name).copied().ok_or_else(|| {
            format!(
                "schema `{schema_name}` has no registered Rust type: add \
                 `(\"{schema_name}\", round_trip::<{schema_name}>)` to Codecs::generated in \
                 conformance/src/codecs.rs"
            )
        })
    }

    /// The registered schema names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
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

/// `veriff_attempts::generated::types::UserStatus` → `UserStatus`.
fn short_type_name<T>() -> &'static str {
    let full = type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn a_missing_entry_says_where_to_add_it() {
        let err = Codecs::generated().get("Nope").err().unwrap_or_default();
        assert!(
            err.contains("conformance/src/codecs.rs") && err.contains("round_trip::<Nope>"),
            "{err}"
        );
    }
}
