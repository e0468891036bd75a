//! Conformance: proof that `openapi/veriff-attempts.yaml`, its examples and the
//! generated types of `veriff_attempts` agree, both ways.
//!
//! The spec is read at run time from `openapi/` (never copied). Its schemas are
//! converted from OpenAPI 3.0 to JSON Schema 2020-12 ([`convert`]) and validated
//! with `jsonschema`, formats on ([`SpecValidator`]). Every example is found by
//! walking the spec ([`openapi`]), so adding one adds a test; response bodies also
//! round-trip through their Rust type ([`codecs`], the one place that names the
//! generated types). Enum values, outside values, property tests in both
//! directions and the vendor page's known contradictions complete the suite
//! ([`suite::CHECKS`]).
//!
//! `cargo test -p conformance` runs every check as a test, plus mutation tests
//! showing the suite fails when types, examples, enums or `nullable` drift.
//! `cargo xtask conformance` calls [`run_offline`] and prints the table.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod checks;
pub mod codecs;
pub mod compare;
pub mod contradictions;
pub mod convert;
pub mod location;
pub mod openapi;
pub mod properties;
pub mod rust_values;
pub mod sample;
pub mod spec;
pub mod strategy;
mod structure;
pub mod suite;
pub mod validator;

use std::time::{Duration, Instant};

pub use spec::{Spec, SpecError};
pub use suite::{CHECKS, Report, Suite};
pub use validator::SpecValidator;

/// The result of one check, for the report table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The check's name.
    pub check: String,
    /// How many cases it checked.
    pub cases: u64,
    /// Why it failed; `None` if it passed.
    pub failure: Option<String>,
    /// How long it took.
    pub elapsed: Duration,
}

/// The name of the first outcome: loading the spec, the known list and compiling
/// every schema.
pub const LOAD_CHECK: &str = "spec: OpenAPI 3.0, $refs resolve, schemas compile";

/// Runs every offline check of the suite against openapi/veriff-attempts.yaml.
pub fn run_offline() -> Vec<Outcome> {
    let start = Instant::now();
    let suite = Suite::load();
    let elapsed = start.elapsed();
    match suite {
        Err(err) => vec![Outcome {
            check: LOAD_CHECK.to_owned(),
            cases: 0,
            failure: Some(err.to_string()),
            elapsed,
        }],
        Ok(suite) => {
            let cases = suite.spec().ref_count() + suite.validator().schema_count();
            let loaded = Outcome {
                check: LOAD_CHECK.to_owned(),
                cases: u64::try_from(cases).unwrap_or(u64::MAX),
                failure: None,
                elapsed,
            };
            std::iter::once(loaded).chain(run_checks(&suite)).collect()
        }
    }
}

/// Runs every check of [`CHECKS`] on a suite, timing each.
pub fn run_checks(suite: &Suite) -> Vec<Outcome> {
    CHECKS
        .iter()
        .map(|(name, check)| {
            let start = Instant::now();
            let report = check(suite);
            Outcome {
                check: (*name).to_owned(),
                cases: report.cases,
                failure: report.failure,
                elapsed: start.elapsed(),
            }
        })
        .collect()
}

/// The vendor page's known contradictions as they occur in the spec's examples, with
/// how the SDK handles each: for a report to print under the table.
pub fn contradiction_report() -> Result<String, String> {
    let suite = Suite::load().map_err(|err| err.to_string())?;
    let (_, comparison) = checks::contradiction_comparison(&suite)?;
    Ok(comparison.report())
}
