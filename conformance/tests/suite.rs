//! Every check of the suite, as a test, on the real spec and the generated types.
//! The functions are the ones `cargo xtask conformance` runs; the per-schema
//! properties run for every named schema the spec has, whatever it is called.

use std::sync::OnceLock;

use conformance::openapi::named_schemas;
use conformance::suite::{Report, Suite, all_checks};
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

/// Runs a per-schema check for every named schema, in parallel, and reports every
/// failing schema.
fn for_every_schema(check: fn(&Suite, &str) -> Report) {
    let schemas = named_schemas(suite().spec());
    assert!(!schemas.is_empty(), "the spec has no named schema");
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = schemas
            .iter()
            .map(|schema| scope.spawn(move || (schema, check(suite(), schema))))
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| match handle.join() {
                Ok((_, report)) if report.is_ok() && report.cases > 0 => None,
                Ok((schema, report)) => Some(format!(
                    "{schema}: {} ({} cases)",
                    report.failure.unwrap_or_default(),
                    report.cases
                )),
                Err(_) => Some("a property panicked".to_owned()),
            })
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
fn open_enums_match_spec() {
    assert_passes(checks::open_enums_match_spec(suite()));
}

#[test]
fn contradictions_are_known() {
    assert_passes(checks::contradictions_are_known(suite()));
}

#[test]
fn prop_a_every_schema_rust_to_json_to_rust() {
    for_every_schema(properties::rust_values);
}

#[test]
fn prop_b_every_schema_json_to_rust_to_json() {
    for_every_schema(properties::spec_round_trip);
}

#[test]
fn prop_open_enums_keep_unknown_values() {
    assert_passes(properties::unknown_values_round_trip(suite()));
}

#[test]
fn every_property_is_covered_in_both_directions() {
    assert_passes(checks::properties_covered(suite()));
}

#[test]
fn property_checks_run_at_least_1000_cases_by_default() {
    if std::env::var_os("PROPTEST_CASES").is_none() {
        assert_eq!(suite().cases(), Ok(1_000));
        let schema = named_schemas(suite().spec())
            .into_iter()
            .next()
            .unwrap_or_default();
        assert_eq!(properties::rust_values(suite(), &schema).cases, 1_000);
    }
}

/// `run_offline`'s path: every check runs and passes (few cases here; the tests
/// above run each property at full strength), and there is a property of each
/// direction per named schema.
#[test]
fn every_listed_check_runs_and_passes() {
    let quick = match Suite::load() {
        Ok(suite) => suite.with_cases(Ok(16)),
        Err(err) => panic!("{err}"),
    };
    let outcomes = conformance::run_checks(&quick);
    let listed = all_checks(quick.spec());
    assert_eq!(outcomes.len(), listed.len());
    for schema in named_schemas(quick.spec()) {
        for direction in ["prop a: ", "prop b: "] {
            let name = format!("{direction}{schema} ");
            assert!(
                listed.iter().any(|check| check.name.starts_with(&name)),
                "no check {name}"
            );
        }
    }
    let failed: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.failure.as_ref().map(|f| format!("{}: {f}", o.check)))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn the_contradiction_report_names_every_listed_contradiction() -> Result<(), String> {
    let report = conformance::contradiction_report()?;
    let known = conformance::contradictions::load_known().map_err(|e| e.to_string())?;
    assert!(!known.is_empty());
    for entry in known {
        assert!(report.contains(&format!("`{}`", entry.value)), "{report}");
    }
    assert!(report.contains(" in paths."), "{report}");
    Ok(())
}

#[test]
fn the_spec_validator_checks_bodies_by_schema_name() -> Result<(), conformance::SpecError> {
    let validator = conformance::SpecValidator::load()?;
    let example = veriff_attempts::spec::Example::for_status(404)
        .next()
        .map(|example| example.json)
        .unwrap_or_default();
    let good: serde_json::Value = serde_json::from_str(example).unwrap_or_default();
    assert_eq!(validator.validate("ErrorResponse", &good), Ok(()));
    let mut bad = good.clone();
    bad["status"] = "failed".into();
    assert!(validator.validate("ErrorResponse", &bad).is_err());
    Ok(())
}
