//! Every check of the suite, as a test, on the real spec and the generated types.
//! The functions are the ones `cargo xtask conformance` runs.

use std::sync::OnceLock;

use conformance::suite::{CHECKS, Report, Suite};
use conformance::{checks, properties};

/// One suite for all tests of this binary (loading compiles every schema once).
fn suite() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| match Suite::load() {
        Ok(suite) => suite,
        Err(err) => panic!("{err}"),
    })
}

fn assert_passes(report: Report) {
    if let Some(failure) = report.failure {
        panic!("{failure}");
    }
    assert!(report.cases > 0, "the check checked nothing");
}

#[test]
fn registry_covers_every_schema() {
    assert_passes(checks::registry_covers_every_schema(suite()));
}

#[test]
fn examples_are_valid() {
    assert_passes(checks::examples_are_valid(suite()));
}

#[test]
fn examples_round_trip() {
    assert_passes(checks::examples_round_trip(suite()));
}

#[test]
fn enum_values_round_trip() {
    assert_passes(checks::enum_values_round_trip(suite()));
}

#[test]
fn outside_values_are_rejected_by_closed_enums_and_kept_by_open_ones() {
    assert_passes(checks::outside_values(suite()));
}

#[test]
fn attempt_status_matches_spec() {
    assert_passes(checks::attempt_status_matches_spec(suite()));
}

#[test]
fn contradictions_are_known() {
    assert_passes(checks::contradictions_are_known(suite()));
}

#[test]
fn prop_a_session_attempts_response() {
    assert_passes(properties::rust_session_attempts_response(suite()));
}

#[test]
fn prop_a_attempt() {
    assert_passes(properties::rust_attempt(suite()));
}

#[test]
fn prop_a_user_status() {
    assert_passes(properties::rust_user_status(suite()));
}

#[test]
fn prop_a_error_response() {
    assert_passes(properties::rust_error_response(suite()));
}

#[test]
fn prop_b_session_attempts_response() {
    assert_passes(properties::spec_session_attempts_response(suite()));
}

#[test]
fn prop_b_attempt() {
    assert_passes(properties::spec_attempt(suite()));
}

#[test]
fn prop_b_user_status() {
    assert_passes(properties::spec_user_status(suite()));
}

#[test]
fn prop_b_error_response() {
    assert_passes(properties::spec_error_response(suite()));
}

#[test]
fn prop_unknown_statuses_round_trip() {
    assert_passes(properties::unknown_statuses_round_trip(suite()));
}

#[test]
fn property_checks_run_at_least_1000_cases_by_default() {
    if std::env::var_os("PROPTEST_CASES").is_none() {
        assert_eq!(suite().cases(), Ok(1_000));
        assert_eq!(properties::rust_error_response(suite()).cases, 1_000);
    }
}

/// `run_offline`'s path: every check in `CHECKS` runs and passes (few cases here;
/// the tests above run each property at full strength).
#[test]
fn every_listed_check_runs_and_passes() {
    let quick = match Suite::load() {
        Ok(suite) => suite.with_cases(Ok(16)),
        Err(err) => panic!("{err}"),
    };
    let outcomes = conformance::run_checks(&quick);
    assert_eq!(outcomes.len(), CHECKS.len());
    let failed: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.failure.as_ref().map(|f| format!("{}: {f}", o.check)))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn the_contradiction_report_names_both_known_contradictions() -> Result<(), String> {
    let report = conformance::contradiction_report()?;
    assert!(
        report.contains("`approved`") && report.contains("`1101`"),
        "{report}"
    );
    assert!(
        report.contains("single_attempt_with_custom_status"),
        "{report}"
    );
    Ok(())
}

#[test]
fn the_spec_validator_checks_bodies_by_schema_name() -> Result<(), conformance::SpecError> {
    let validator = conformance::SpecValidator::load()?;
    let good = serde_json::json!({"status": "fail", "code": "1801", "message": "m"});
    assert_eq!(validator.validate("ErrorResponse", &good), Ok(()));
    let bad = serde_json::json!({"status": "failed", "code": "1801", "message": "m"});
    assert!(validator.validate("ErrorResponse", &bad).is_err());
    Ok(())
}
