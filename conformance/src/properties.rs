//! Property tests, both directions, run with proptest's `TestRunner` so the same
//! functions serve `cargo test` and `cargo xtask conformance`.
//!
//! - a. Rust → JSON → Rust: any value of a generated type serialises to JSON the
//!   schema accepts, and deserialises back to an equal value.
//! - b. JSON → Rust → JSON: JSON generated from the spec's own schema (see
//!   [`crate::strategy`]) deserialises, and serialises back to schema-valid JSON equal
//!   to the input on every field the schema declares.

use std::fmt::Debug;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::checks::unknown_status_is_kept;
use crate::compare::{first_difference, known_fields};
use crate::location::Location;
use crate::rust_values;
use crate::strategy::for_schema;
use crate::suite::{Report, Suite};

/// Property a for the 200 body.
pub fn rust_session_attempts_response(suite: &Suite) -> Report {
    rust_round_trip(
        suite,
        "SessionAttemptsResponse",
        rust_values::session_attempts_response(),
    )
}

/// Property a for one attempt.
pub fn rust_attempt(suite: &Suite) -> Report {
    rust_round_trip(
        suite,
        "SessionAttemptsResponseVerification",
        rust_values::attempt(),
    )
}

/// Property a for the custom status.
pub fn rust_user_status(suite: &Suite) -> Report {
    rust_round_trip(suite, "UserStatus", rust_values::user_status())
}

/// Property a for the error body.
pub fn rust_error_response(suite: &Suite) -> Report {
    rust_round_trip(suite, "ErrorResponse", rust_values::error_response())
}

/// Property b for the 200 body.
pub fn spec_session_attempts_response(suite: &Suite) -> Report {
    spec_round_trip(suite, "SessionAttemptsResponse")
}

/// Property b for one attempt.
pub fn spec_attempt(suite: &Suite) -> Report {
    spec_round_trip(suite, "SessionAttemptsResponseVerification")
}

/// Property b for the custom status.
pub fn spec_user_status(suite: &Suite) -> Report {
    spec_round_trip(suite, "UserStatus")
}

/// Property b for the error body.
pub fn spec_error_response(suite: &Suite) -> Report {
    spec_round_trip(suite, "ErrorResponse")
}

/// Any undocumented status string is kept by the open enum and written back unchanged.
pub fn unknown_statuses_round_trip(suite: &Suite) -> Report {
    run(suite, &rust_values::undocumented_status(), |text| {
        unknown_status_is_kept(&text).map_err(TestCaseError::fail)
    })
}

/// Property a: Rust value → JSON → schema-valid → Rust value, equal.
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
