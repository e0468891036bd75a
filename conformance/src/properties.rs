//! Property tests, both directions, for every named schema, run with proptest's
//! `TestRunner` so the same functions serve `cargo test` and `cargo xtask
//! conformance`.
//!
//! - a. Rust → JSON → Rust: any value of a generated type (drawn by the strategies
//!   generated from the types, `conformance/src/generated.rs`) serialises to JSON the
//!   schema accepts, and deserialises back to an equal value.
//! - b. JSON → Rust → JSON: JSON generated from the spec's own schema (see
//!   [`crate::strategy`]) deserialises, and serialises back to schema-valid JSON equal
//!   to the input on every field the schema declares.
//! - Every open enum keeps any value it does not name, unchanged.

use std::fmt::Debug;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::checks::{open_enums_of, unknown_value_is_kept};
use crate::compare::{first_difference, known_fields};
use crate::location::Location;
use crate::strategy::for_schema;
use crate::suite::{Report, Suite};

/// Property a for a named schema, through the registry.
pub fn rust_values(suite: &Suite, schema_name: &str) -> Report {
    let entry = match suite.codecs().entry(schema_name) {
        Ok(entry) => entry,
        Err(why) => return Report::failed(0, why),
    };
    match entry.rust_values {
        Ok(values) => (values.property)(suite),
        Err(why) => Report::failed(
            0,
            format!(
                "schema `{schema_name}` (Rust type {}): the generator draws no values of it: {why}",
                entry.rust
            ),
        ),
    }
}

/// Property a: Rust value → JSON → schema-valid → Rust value, equal. The generated
/// registry calls this with each type's strategy.
pub fn rust_round_trip<T, S>(suite: &Suite, schema_name: &str, strategy: S) -> Report
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
    S: Strategy<Value = T>,
{
    run(suite, &strategy, |value| {
        let json = serde_json::to_value(&value)
            .map_err(|err| fail(format!("does not serialise: {err}")))?;
        suite
            .validator()
            .validate(schema_name, &json)
            .map_err(|why| {
                fail(format!(
                    "serialises to JSON that {schema_name} rejects: {why}; JSON: {json}"
                ))
            })?;
        let back: T = serde_json::from_str(&json.to_string()).map_err(|err| {
            fail(format!(
                "its JSON does not deserialise: {err}; JSON: {json}"
            ))
        })?;
        if back != value {
            return Err(fail(format!(
                "deserialises to a different value: {back:?}; JSON: {json}"
            )));
        }
        Ok(())
    })
}

/// Property b: JSON from the schema → Rust (via the registry) → JSON, schema-valid
/// and equal on the declared fields.
pub fn spec_round_trip(suite: &Suite, schema_name: &str) -> Report {
    let at = Location::root().join_all(["components", "schemas", schema_name]);
    let strategy = match for_schema(suite.spec(), &at) {
        Ok(strategy) => strategy,
        Err(why) => return Report::failed(0, why),
    };
    let round_trip = match suite.codecs().get(schema_name) {
        Ok(round_trip) => round_trip,
        Err(why) => return Report::failed(0, why),
    };
    let validate = |json: &Value| suite.validator().validate(schema_name, json);
    run(suite, &strategy, |json| {
        validate(&json).map_err(|why| {
            fail(format!("the generator made JSON {schema_name} rejects (fix conformance/src/strategy.rs): {why}"))
        })?;
        let back = round_trip(&json).map_err(fail)?;
        validate(&back).map_err(|why| {
            fail(format!(
                "written back as JSON {schema_name} rejects: {why}; JSON: {back}"
            ))
        })?;
        let expected = known_fields(suite.spec(), &at, &json);
        match first_difference(suite.spec(), &at, &expected, &back) {
            None => Ok(()),
            Some(difference) => Err(fail(format!(
                "round trip changed a declared field: {difference}; JSON: {back}"
            ))),
        }
    })
}

/// Any string an open enum does not name is kept and written back unchanged, for
/// every open enum of the spec.
pub fn unknown_values_round_trip(suite: &Suite) -> Report {
    let (opens, mut failures) = open_enums_of(suite);
    let mut cases = 0;
    for (schema, open) in opens {
        let known = (open.known)();
        let strategy = crate::strategy::any_text(40)
            .prop_filter("a documented value", move |s| !known.contains(&s.as_str()));
        let report = run(suite, &strategy, |text| {
            unknown_value_is_kept(open, &text).map_err(TestCaseError::fail)
        });
        cases += report.cases;
        if let Some(failure) = report.failure {
            failures.push(format!("{schema}: {failure}"));
        }
    }
    Report::from_failures(usize::try_from(cases).unwrap_or(usize::MAX), failures)
}

fn fail(why: String) -> TestCaseError {
    TestCaseError::fail(why)
}

/// Runs a property for the suite's number of cases; a failure reports the reason
/// and the minimal (shrunk) input.
fn run<S: Strategy>(
    suite: &Suite,
    strategy: &S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> Report
where
    S::Value: Debug,
{
    let cases = match suite.cases() {
        Ok(cases) => cases,
        Err(why) => return Report::failed(0, why),
    };
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let count = usize::try_from(cases).unwrap_or(usize::MAX);
    match TestRunner::new(config).run(strategy, test) {
        Ok(()) => Report::passed(count),
        Err(TestError::Fail(why, minimal)) => {
            Report::failed(count, format!("{why}\nminimal failing input: {minimal:?}"))
        }
        Err(TestError::Abort(why)) => Report::failed(count, format!("aborted: {why}")),
    }
}
